"""The demo's quarterly calendar, shared by the support part (its level changes at consilia) and the
assessment part (assessments and consilia): both count it from ``--as-of``.

The demo's assessments cover the quarters from the one two years before as-of up to the current
one (:func:`window`); a service holds its quarterly consilium on the :data:`CONSILIUM_DAY` of the
quarter's last month (:func:`consilium_day`). A level moved by a consilium in the demo's level
history is moved on such a day of a past quarter of the window (:func:`past_consilium_days`): the
current quarter's consilium is still to come (service 1's is prepared for coordinator1 to hold).
"""

from __future__ import annotations

import datetime as dt

from opora.demo.region import shift_years

WINDOW_YEARS = 2
CONSILIUM_DAY = 25


def index_of(day: dt.date) -> int:
    """A number of the quarter of ``day``, consecutive across years."""
    return day.year * 4 + (day.month - 1) // 3


def quarter_at(index: int) -> tuple[int, int]:
    """(year, quarter 1–4) of a quarter number of :func:`index_of`."""
    return index // 4, index % 4 + 1


def window(today: dt.date) -> list[tuple[int, int]]:
    """The quarters of the demo's assessments: from two years before ``today`` to the current one."""
    return [quarter_at(i) for i in range(index_of(shift_years(today, -WINDOW_YEARS)), index_of(today) + 1)]


def consilium_day(year: int, quarter: int) -> dt.date:
    """The day a service holds the quarter's consilium."""
    return dt.date(year, 3 * quarter, CONSILIUM_DAY)


def past_consilium_days(today: dt.date) -> list[dt.date]:
    """The consilium days of the window's quarters before the current one, in order."""
    return [consilium_day(year, quarter) for year, quarter in window(today)[:-1]]
