"""Age and the 23rd birthday at the calendar's edges (31 Dec, 1 Jan, 28 Feb, 29 Feb of a leap year, 30 Sep).

A person born on 29 February turns a year older on 1 March of a common year; on 29 February of
a leap year a person born on 28 February of a common year has already had the birthday.
"""

from __future__ import annotations

import datetime as dt

import pytest

from opora.conftest import CALENDAR_EDGES, years_ago
from opora.registry.validators import age_on

D = dt.date
EDGE = CALENDAR_EDGES

# (today, birth date, age today, the 23rd birthday)
AGES = [
    (EDGE["31-dec"], D(2003, 12, 31), 23, D(2026, 12, 31)),
    (EDGE["31-dec"], D(2004, 1, 1), 22, D(2027, 1, 1)),
    (EDGE["1-jan"], D(2004, 1, 1), 23, D(2027, 1, 1)),
    (EDGE["1-jan"], D(2004, 1, 2), 22, D(2027, 1, 2)),
    (EDGE["28-feb"], D(2004, 2, 28), 23, D(2027, 2, 28)),
    (EDGE["28-feb"], D(2004, 2, 29), 22, D(2027, 3, 1)),
    (EDGE["29-feb-leap"], D(2005, 2, 28), 23, D(2028, 2, 28)),
    (EDGE["29-feb-leap"], D(2005, 3, 1), 22, D(2028, 3, 1)),
    (EDGE["29-feb-leap"], D(2004, 2, 29), 24, D(2027, 3, 1)),
    (EDGE["29-feb-leap"], D(2010, 2, 28), 18, D(2033, 2, 28)),
    (EDGE["30-sep-quarter-end"], D(2005, 9, 30), 23, D(2028, 9, 30)),
    (EDGE["30-sep-quarter-end"], D(2005, 10, 1), 22, D(2028, 10, 1)),
]


@pytest.mark.parametrize(("day", "birth", "age", "turns_23"), AGES)
def test_the_age_and_the_23rd_birthday_are_counted_by_the_calendar(
    day, birth, age, turns_23, travel_to, make_graduate, service
):
    travel_to(day)
    graduate = make_graduate(service, birth_date=birth)

    assert graduate.age_on(day) == age
    assert graduate.age == age  # «today» on the card
    assert graduate.turns_23_on == turns_23


@pytest.mark.parametrize("day", CALENDAR_EDGES.values(), ids=CALENDAR_EDGES.keys())
def test_years_ago_gives_someone_who_has_just_turned_that_age(day, travel_to):
    travel_to(day)

    for years in (18, 19, 23):
        assert age_on(years_ago(years), day) == years
        assert age_on(years_ago(years, days=-1), day) == years - 1  # turns it tomorrow
        assert age_on(years_ago(years, days=-1), day + dt.timedelta(days=1)) == years
