"""Query budgets: the registry list and the card cost a constant number of queries.

The counts include the request's own bookkeeping (session, user, savepoints of
ATOMIC_REQUESTS, the audit insert). Each page is requested once before counting so
that per-process caches (content types) are warm, as they are in a running server.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from opora.core.audit import record
from opora.core.models import AuditEvent
from opora.registry.models import Consent, VulnerableCategory

# + 2 for the choices of the support app's filters in the filter bar (level, specialist).
# Every audited read also files the event under the graduates it showed: + one insert.
# +1 on every full page: the count of incoming transfers in the menu (opora.support.context_processors).
LIST_BUDGET = 19
SEARCH_BUDGET = 21  # + the check whether anything matches exactly (typo fallback, on every database)
# + one query: what the scope lets the user do with this record (which buttons the card offers).
CARD_BUDGET = {"registry:detail": 15, "registry:consents": 15, "registry:history": 17}
API_LIST_BUDGET = 13
API_DETAIL_BUDGET = 11


@pytest.fixture
def categories(db):
    return list(VulnerableCategory.objects.order_by("order")[:3])


@pytest.fixture
def fill(make_graduate, service, other_service, categories):
    """Add ``n`` graduates, half in each service of the region, each with three vulnerable categories."""

    def add(n: int) -> None:
        for i in range(n):
            graduate = make_graduate(service if i % 2 else other_service, last_name=f"Фамилия{i:03d}")
            graduate.vulnerable_categories.set(categories)

    return add


def count_queries(client, django_assert_max_num_queries, budget: int, url: str, params=None) -> int:
    client.get(url, params)  # warm the per-process caches
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_the_registry_list_costs_the_same_for_5_and_for_60_graduates(
    login, regional, fill, django_assert_max_num_queries
):
    client = login(regional)
    fill(5)
    small = count_queries(
        client, django_assert_max_num_queries, LIST_BUDGET, reverse("registry:list"), {"per_page": 50}
    )
    fill(55)
    big = count_queries(client, django_assert_max_num_queries, LIST_BUDGET, reverse("registry:list"), {"per_page": 50})

    assert small == big


def test_a_filtered_search_costs_no_more_than_the_plain_list(login, regional, fill, django_assert_max_num_queries):
    client = login(regional)
    fill(60)
    params = {"q": "фамилия", "vulnerable": VulnerableCategory.objects.order_by("order").first().pk, "per_page": 100}

    count_queries(client, django_assert_max_num_queries, SEARCH_BUDGET, reverse("registry:list"), params)


@pytest.fixture
def bare_and_full(make_graduate, service, categories, specialist):
    """A graduate with nothing attached and one with three categories, three consents and a history."""
    bare = make_graduate(service, last_name="Пустова")
    full = make_graduate(service, last_name="Полнова")
    full.vulnerable_categories.set(categories)
    for day in (1, 2, 3):
        Consent.objects.create(
            graduate=full, given_at=dt.date(2024, 1, day), scope="Все данные", recorded_by=specialist
        )
        record(AuditEvent.Action.UPDATE, actor=specialist, obj=full, changes={"phone": ["", f"+7 (900) 000-00-0{day}"]})
    return bare, full


@pytest.mark.parametrize("url_name", list(CARD_BUDGET))
def test_the_card_costs_the_same_with_or_without_categories_and_consents(
    login, coordinator, bare_and_full, django_assert_max_num_queries, url_name
):
    client = login(coordinator)
    budget = CARD_BUDGET[url_name]
    bare, full = bare_and_full

    empty = count_queries(client, django_assert_max_num_queries, budget, reverse(url_name, args=[bare.pk]))
    loaded = count_queries(client, django_assert_max_num_queries, budget, reverse(url_name, args=[full.pk]))

    assert empty == loaded


def test_the_api_list_costs_the_same_for_5_and_for_60_graduates(login, regional, fill, django_assert_max_num_queries):
    client = login(regional)
    fill(5)
    small = count_queries(
        client, django_assert_max_num_queries, API_LIST_BUDGET, "/api/v1/graduates/", {"page_size": 100}
    )
    fill(55)
    big = count_queries(
        client, django_assert_max_num_queries, API_LIST_BUDGET, "/api/v1/graduates/", {"page_size": 100}
    )

    assert small == big


def test_the_api_detail_stays_within_its_budget(login, specialist, bare_and_full, django_assert_max_num_queries):
    client = login(specialist)
    _bare, full = bare_and_full

    count_queries(client, django_assert_max_num_queries, API_DETAIL_BUDGET, f"/api/v1/graduates/{full.pk}/")
