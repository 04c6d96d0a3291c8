"""Query budgets of the support API: a list costs the same for 3 rows and for 30.

Each list is requested once before counting so that per-process caches (content types)
are warm, as they are in a running server. The counts include the request's bookkeeping
(session, user, savepoints of ATOMIC_REQUESTS, the audit insert).
"""

from __future__ import annotations

import pytest

from opora.support import services
from opora.support.models import JournalEntry
from opora.support.tests.conftest import INTENSIVE, SUPPORTING, days_ago

# Each list's read is filed under the graduates it showed: + their ids in one query, + one insert.
BUDGET = {
    "/api/v1/cases/": 12,
    "/api/v1/journal/": 12,
    "/api/v1/contracts/": 12,
    "/api/v1/level-changes/": 12,
    "/api/v1/plans/": 14,  # + the goals and the measures, each in one query
    "/api/v1/measures/": 12,
    "/api/v1/transfers/": 12,
}


@pytest.fixture
def fill(make_graduate, service, other_service, give_consent, make_active_case, specialist, domains, levels):
    """Add ``n`` graduates on support, each with a plan (a goal, a measure), a level change, two journal
    entries and a transfer under way."""

    def add(n: int) -> None:
        for i in range(n):
            graduate = give_consent(make_graduate(service, last_name=f"Фамилия{i:03d}"), on=days_ago(30)).graduate
            case = make_active_case(graduate, signed_at=days_ago(20), level=SUPPORTING if i % 2 else INTENSIVE)
            services.change_level(
                case, levels[SUPPORTING if i % 2 == 0 else INTENSIVE], actor=specialist, reason="Пересмотр"
            )
            plan = services.create_plan(case, actor=specialist)
            goal = services.add_goal(plan, actor=specialist, domain=domains["Жильё"], text="Жильё")
            services.add_measure(
                plan, actor=specialist, goal=goal, text="Заявление", responsible="graduate", deadline=plan.ends_on
            )
            for day in (1, 2):
                JournalEntry.objects.create(
                    case=case,
                    graduate=graduate,
                    date=days_ago(day),
                    kind="phone",
                    domain=domains["Жильё"],
                    text="Звонок",
                    author=specialist,
                )
            services.start_transfer(case, actor=specialist, moved_at=days_ago(1), to_service=other_service)

    return add


def count(client, django_assert_max_num_queries, url: str) -> tuple[int, int]:
    client.get(url, {"page_size": 100})  # warm the per-process caches
    with django_assert_max_num_queries(BUDGET[url]) as captured:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200
    return len(captured), response.json()["count"]


@pytest.mark.parametrize("url", list(BUDGET))
def test_a_support_list_costs_the_same_for_3_and_for_30_graduates(
    login, specialist, fill, django_assert_max_num_queries, url
):
    client = login(specialist)
    fill(3)
    small, small_rows = count(client, django_assert_max_num_queries, url)
    fill(27)
    big, big_rows = count(client, django_assert_max_num_queries, url)

    assert big_rows == 10 * small_rows > 0
    assert small == big


def test_a_case_detail_stays_within_its_budget(login, specialist, fill, django_assert_max_num_queries):
    client = login(specialist)
    fill(1)
    case_id = client.get("/api/v1/cases/").json()["results"][0]["id"]

    client.get(f"/api/v1/cases/{case_id}/")
    with django_assert_max_num_queries(10):
        assert client.get(f"/api/v1/cases/{case_id}/").status_code == 200
