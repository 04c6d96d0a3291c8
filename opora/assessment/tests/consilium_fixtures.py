"""Fixtures of the consilium's tests (imported by name into each test module)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from opora.assessment import consilium as consilia
from opora.assessment.tests.consilium_factories import level_rules  # noqa: F401
from opora.conftest import _user
from opora.core.roles import Role


@pytest.fixture
def second_coordinator(service):
    return _user("coord2", Role.COORDINATOR, service)


@pytest.fixture
def prepare(coordinator, specialist, service):
    """A prepared consilium of ``service`` (today, quarterly) with the specialist and the coordinator."""

    def make(kind: str = "quarterly", held_on=None, actor=None, **fields):
        fields.setdefault("participants", [coordinator, specialist])
        return consilia.prepare_consilium(
            service, actor=actor or coordinator, kind=kind, held_on=held_on or timezone.localdate(), **fields
        )

    return make


def hold(consilium, actor):
    consilium.refresh_from_db()
    return consilia.hold_consilium(consilium, actor=actor, expected_revision=consilium.revision)
