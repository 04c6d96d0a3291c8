"""The caseload costs a constant number of queries, whether it holds 3 cases or 30.

The counts include the request's own bookkeeping (session, user, the savepoints of
ATOMIC_REQUESTS, the audit insert). Each page is requested once before counting so that
per-process caches (content types) are warm, as in a running server. Of the specialist's
11, the page itself costs four: the user's service, the count, the rows, the audit insert;
the coordinator adds the staff and the per-specialist summary; the regional centre the
chosen service (checked, then listed in the select).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URL = "/caseload/"
# + 1: the list read filed under each graduate shown (one insert).
# +1 each: the count of incoming transfers in the menu (opora.support.context_processors).
BUDGET = {"specialist": 13, "coordinator": 15, "regional": 17, "regional_landing": 12}


@pytest.fixture
def fill(caseload_case, specialist, colleague):
    """Add ``n`` cases with everything the caseload reads: level, contract, plan, overdue measures, contacts."""
    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            i = made[0] = made[0] + 1
            caseload_case(
                f"Фамилия{i:03d}",
                specialist=[specialist, colleague, None][i % 3],
                contacted=i % 40,
                overdue_measures=i % 3,
                plan_ends_in=i,
            )

    return add


def count(client, django_assert_max_num_queries, budget: int, params=None) -> int:
    client.get(URL, params)  # warm the per-process caches
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["specialist", "coordinator", "regional", "regional_landing"])
def test_the_caseload_costs_the_same_for_3_and_for_30_cases(
    login, users, service, fill, django_assert_max_num_queries, role
):
    client = login(users[role.removesuffix("_landing")])
    params = {"service": service.pk} if role == "regional" else None
    fill(3)
    small = count(client, django_assert_max_num_queries, BUDGET[role], params)
    fill(27)
    big = count(client, django_assert_max_num_queries, BUDGET[role], params)

    print(f"{role}: {small} queries for 3 cases, {big} for 30")
    assert small == big
