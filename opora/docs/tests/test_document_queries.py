"""A document costs the same few queries however long the plan and the journal grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from opora.support import services as support
from opora.support.models import JournalEntry, PlanMeasure

# Savepoints, the session and the user, the graduate, the record, the template lookup, the audit event and
# the document's own data (case, contracts, levels, plan, goals, measures, journal).
BUDGET = 20


def _grow(plan, domains, specialist, n: int) -> None:
    for i in range(n):
        support.add_measure(
            plan,
            actor=specialist,
            domain=domains["Жильё"],
            text=f"Мероприятие {i}",
            responsible=PlanMeasure.Responsible.SPECIALIST,
            deadline=plan.starts_on + dt.timedelta(days=i % 20),
        )
        support.add_goal(plan, actor=specialist, domain=domains["Образование"], text=f"Цель {i}")
        support.add_journal_entry(
            plan.case,
            actor=specialist,
            date=plan.starts_on,
            kind=JournalEntry.Kind.MEETING,
            domain=domains["Жильё"],
            text=f"Встреча {i}",
        )


@pytest.mark.parametrize("kind", ["contract", "plan", "social_card", "transfer"])
def test_the_number_of_queries_does_not_grow_with_the_history(
    login, specialist, contract, plan, transfer, domains, django_assert_max_num_queries, kind
):
    graduate_pk = contract.case.graduate_id
    url = {
        "contract": reverse("docs:contract", args=[graduate_pk, contract.pk]),
        "plan": reverse("docs:plan", args=[graduate_pk, plan.pk]),
        "social_card": reverse("docs:social_card", args=[graduate_pk]),
        "transfer": reverse("docs:transfer", args=[graduate_pk, transfer.pk]),
    }[kind]
    client = login(specialist)
    _grow(plan, domains, specialist, 2)
    with django_assert_max_num_queries(BUDGET) as small:
        assert client.get(url).status_code == 200

    _grow(plan, domains, specialist, 15)
    with django_assert_max_num_queries(BUDGET) as large:
        assert client.get(url).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)
