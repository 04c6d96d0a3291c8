"""Helpers for the registry's tests: a complete, valid graduate form."""

from __future__ import annotations

import pytest

from opora.conftest import make_snils, years_ago


@pytest.fixture
def graduate_form(service, territory):
    """The fields of a valid «new graduate» form (page or API); keyword arguments override them."""

    def build(**overrides) -> dict:
        data = {
            "last_name": "Смирнова",
            "first_name": "Дарья",
            "patronymic": "Игоревна",
            "sex": "female",
            "birth_date": years_ago(19, days=10).isoformat(),
            "snils": make_snils(),
            "status_category": "from_orphans",
            "left_from_kind": "organisation",
            "service": service.pk,
            "territory": territory.pk,
            "marital_status": "single",
            "children_count": 0,
            "housing": "dormitory",
            "disability": "none",
        }
        data.update(overrides)
        return data

    return build
