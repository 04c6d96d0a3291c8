"""The caseload's date arithmetic gives the same answers on SQLite and PostgreSQL as Python does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import DateField, F, Value

from opora.registry.models import Graduate
from opora.support.caseload import DaysBetween, YearsAfter, birthday_cutoff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "birth",
    [dt.date(2004, 2, 29), dt.date(2004, 3, 1), dt.date(2003, 12, 31), dt.date(2004, 1, 1), dt.date(2005, 2, 28)],
)
def test_the_23rd_birthday_is_the_one_the_model_gives(make_graduate, service, birth):
    graduate = make_graduate(service, birth_date=birth)

    computed = Graduate.objects.annotate(on=YearsAfter(F("birth_date"), 23)).get(pk=graduate.pk).on

    assert computed == graduate.turns_23_on


@pytest.mark.parametrize(
    ("end", "start", "days"),
    [
        (dt.date(2025, 3, 1), dt.date(2025, 2, 28), 1),
        (dt.date(2024, 3, 1), dt.date(2024, 2, 28), 2),
        (dt.date(2025, 1, 1), dt.date(2024, 1, 1), 366),
        (dt.date(2025, 3, 30), dt.date(2025, 3, 29), 1),  # a DST change elsewhere changes nothing here
        (dt.date(2025, 1, 1), dt.date(2025, 1, 10), -9),
    ],
)
def test_days_between_two_dates_are_whole_days(make_graduate, service, end, start, days):
    graduate = make_graduate(service, birth_date=start)

    computed = (
        Graduate.objects.annotate(n=DaysBetween(Value(end, output_field=DateField()), F("birth_date")))
        .get(pk=graduate.pk)
        .n
    )

    assert computed == days == (end - start).days


@pytest.mark.parametrize(
    ("today", "cutoff"),
    [
        (dt.date(2026, 5, 10), dt.date(2003, 8, 10)),
        # Horizon 28.02.2027: one born 29.02.2004 turns 23 on 01.03.2027 (Graduate.turns_23_on), after it.
        (dt.date(2026, 11, 30), dt.date(2004, 2, 28)),
        (dt.date(2027, 11, 30), dt.date(2005, 2, 28)),  # horizon 29.02.2028: there is no 29.02.2005
    ],
)
def test_the_birthday_horizon_is_a_date_computed_once(today, cutoff):
    assert birthday_cutoff(today) == cutoff
