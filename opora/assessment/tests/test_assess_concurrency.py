"""Two submits of an assessment of the same graduate and quarter at the same moment make one
assessment; the other is refused with the same message (PostgreSQL; see
opora/support/tests/test_concurrency.py for the race)."""

from __future__ import annotations

import pytest
from django.db import connection

from opora.assessment.models import Assessment
from opora.support.models import SupportCase
from opora.support.tests.test_concurrency import TRIES, one_wins, race

from .assess_helpers import quarter_day

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) are a PostgreSQL matter; SQLite serialises every write",
    ),
]


def test_a_double_submit_for_the_same_quarter_gives_one_assessment(long_case, assess, specialist):
    for n in range(TRIES):
        case = long_case(last_name=f"Гонкина{n}")
        first, second = (SupportCase.objects.select_related("graduate__service").get(pk=case.pk) for _ in range(2))

        outcomes = race(lambda c=first: assess(c, quarter_day(1)), lambda c=second: assess(c, quarter_day(1)))

        winner = one_wins(outcomes)
        assert "уже есть ежеквартальная оценка" in outcomes[1 - winner][1]
        assert Assessment.objects.filter(graduate=case.graduate).count() == 1
