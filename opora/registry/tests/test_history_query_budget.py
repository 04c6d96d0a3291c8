"""The card's history costs the same whether the person has three events or a hundred and fifty."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from opora.core import audit
from opora.core.models import AuditEvent
from opora.registry.models import Consent

pytestmark = pytest.mark.django_db

# session, user, the card (with its prefetches and tabs), what the user may do with it, the read audited,
# the page and its count
HISTORY_BUDGET = 17  # +1: the count of incoming transfers in the menu


@pytest.fixture
def fill(graduate, specialist, coordinator):
    """Add ``n`` rounds of events about ``graduate``: a change, a card view, a list read, a consent read."""
    consent = Consent.objects.create(graduate=graduate, given_at=dt.date(2024, 3, 1), scope="ФИО")

    def add(n: int) -> None:
        for i in range(n):
            actor = specialist if i % 2 else coordinator
            audit.record(AuditEvent.Action.UPDATE, actor=actor, obj=graduate, changes={"housing": ["dormitory", "own"]})
            audit.record(AuditEvent.Action.VIEW, actor=actor, obj=graduate)
            audit.record(AuditEvent.Action.API_READ, actor=actor, obj=consent)
            listed = AuditEvent.objects.create(action=AuditEvent.Action.LIST, actor=actor, record_ids=[graduate.pk])
            listed.subjects.create(person_id=graduate.pk, at=listed.at)

    return add


def count(client, django_assert_max_num_queries, graduate) -> int:
    client.get(reverse("registry:history", args=[graduate.pk]))  # warm the session and the content types
    with django_assert_max_num_queries(HISTORY_BUDGET) as captured:
        response = client.get(reverse("registry:history", args=[graduate.pk]))
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", ["specialist", "coordinator"])
def test_the_history_tab_costs_the_same_for_few_and_for_many_events(
    login, users, graduate, fill, django_assert_max_num_queries, role
):
    client = login(users[role])
    fill(1)
    few = count(client, django_assert_max_num_queries, graduate)
    fill(40)
    many = count(client, django_assert_max_num_queries, graduate)

    assert few == many
