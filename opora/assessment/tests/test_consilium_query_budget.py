"""The consilium's pages take as many queries for many graduates as for a few."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.assessment import consilium as consilia
from opora.assessment.tests.conftest import days_ago
from opora.assessment.tests.consilium_factories import make_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def consilium_of(make_graduate, give_consent, make_active_case, service, level_rules, prepare, coordinator):
    def make(count: int):
        cases = []
        for n in range(count):
            graduate = make_graduate(service, last_name=f"Выпускникова{n}")
            give_consent(graduate, on=days_ago(30))
            case = make_active_case(graduate, signed_at=days_ago(20))
            make_assessment(case, days_ago(10), 1, kind="extraordinary")
            make_assessment(case, days_ago(2), {"Жильё": 4})
            cases.append(case)
        consilium = prepare()
        for decision in consilia.add_graduates(consilium, cases, actor=coordinator):
            consilia.update_decision(
                decision,
                actor=coordinator,
                recommendations=[{"text": "Встреча", "responsible": "Специалист", "deadline": days_ago(-10)}],
            )
        return consilium

    return make


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name", ["assessment:consilium", "assessment:consilium_candidates", "assessment:consilium_protocol"]
)
def test_the_page_takes_the_same_queries_for_two_and_for_six_graduates(login, coordinator, consilium_of, name):
    client = login(coordinator)
    few_url = reverse(name, args=[consilium_of(2).pk])
    queries(client, few_url)  # the first request fills the per-process caches (content types)
    few = queries(client, few_url)
    many = queries(client, reverse(name, args=[consilium_of(6).pk]))
    assert many == few, (few, many)
    assert few <= 30


def test_the_list_and_the_card_tab_stay_within_their_budget(
    login, coordinator, consilium_of, django_assert_max_num_queries
):
    consilium = consilium_of(3)
    client = login(coordinator)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("assessment:consilium_list")).status_code == 200
    graduate_id = consilium.decisions.values_list("graduate_id", flat=True).first()
    with django_assert_max_num_queries(25):
        assert client.get(reverse("assessment:graduate_consilia", args=[graduate_id])).status_code == 200
