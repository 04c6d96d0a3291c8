"""The support cycle's date arithmetic at the calendar's edges, with the clock moved to each of them.

31 December, 1 January, 28 February of a common year, 29 February of a leap year and a quarter's
last day (30 September): the contract's term and number, a renewal's start and number, the
transfer's notice deadline, the plan's period, the reminder that a contract ends, the caseload's
dates and closing at 23. Every expected date is written out.
"""

from __future__ import annotations

import datetime as dt

import pytest

from opora.conftest import CALENDAR_EDGES
from opora.core.errors import DomainError
from opora.support import services
from opora.support.caseload import caseload
from opora.support.models import SupportCase
from opora.support.tests.conftest import INTENSIVE, MONITORING, SUPPORTING
from opora.support.views.case import case_facts

pytestmark = pytest.mark.django_db

D = dt.date
DAY = dt.timedelta(days=1)
EDGE = CALENDAR_EDGES
EDGE_IDS = list(CALENDAR_EDGES)


def edges(*rows):
    """Parametrise over the five edges: each row starts with the edge's day."""
    return pytest.mark.parametrize(rows[0], rows[1:], ids=EDGE_IDS)


@pytest.fixture
def on_support(make_graduate, give_consent, make_active_case, service):
    """A new graduate on support with a contract signed on ``signed_at`` (and a consent before it)."""

    def put(signed_at: dt.date, **contract) -> SupportCase:
        graduate = make_graduate(service)
        give_consent(graduate, on=signed_at - dt.timedelta(days=30))
        return make_active_case(graduate, signed_at=signed_at, **contract)

    return put


@edges(
    ("day", "ends_on", "number"),
    (EDGE["31-dec"], D(2027, 12, 30), "1/2026"),
    (EDGE["1-jan"], D(2027, 12, 31), "1/2027"),
    (EDGE["28-feb"], D(2028, 2, 27), "1/2027"),
    (EDGE["29-feb-leap"], D(2029, 2, 27), "1/2028"),
    (EDGE["30-sep-quarter-end"], D(2029, 9, 29), "1/2028"),
)
def test_a_contract_signed_today_runs_a_year_less_a_day_and_takes_this_years_number(
    day, ends_on, number, travel_to, on_support
):
    travel_to(day)

    contract = on_support(day).contracts.get()

    assert (contract.starts_on, contract.ends_on, contract.number) == (day, ends_on, number)


@edges(
    ("day", "numbers"),
    (EDGE["31-dec"], ["1/2026", "2/2026", "3/2026"]),
    (EDGE["1-jan"], ["1/2026", "2/2026", "1/2027"]),
    (EDGE["28-feb"], ["1/2027", "2/2027", "3/2027"]),
    (EDGE["29-feb-leap"], ["1/2028", "2/2028", "3/2028"]),
    (EDGE["30-sep-quarter-end"], ["1/2028", "2/2028", "3/2028"]),
)
def test_contract_numbers_start_again_on_the_first_of_january(day, numbers, travel_to, on_support):
    travel_to(day)

    signed = [on_support(day - DAY), on_support(day - DAY), on_support(day)]

    assert [case.contracts.get().number for case in signed] == numbers


# The old contract was signed 360 days before the edge; it is renewed on the edge's day.
@edges(
    ("day", "old_signed", "old_ends", "starts_on", "ends_on", "number"),
    (EDGE["31-dec"], D(2026, 1, 5), D(2027, 1, 4), D(2027, 1, 5), D(2028, 1, 4), "2/2026"),
    (EDGE["1-jan"], D(2026, 1, 6), D(2027, 1, 5), D(2027, 1, 6), D(2028, 1, 5), "1/2027"),
    (EDGE["28-feb"], D(2026, 3, 5), D(2027, 3, 4), D(2027, 3, 5), D(2028, 3, 4), "1/2027"),
    (EDGE["29-feb-leap"], D(2027, 3, 6), D(2028, 3, 5), D(2028, 3, 6), D(2029, 3, 5), "1/2028"),
    (EDGE["30-sep-quarter-end"], D(2027, 10, 6), D(2028, 10, 5), D(2028, 10, 6), D(2029, 10, 5), "1/2028"),
)
def test_a_renewal_signed_on_the_edge_follows_on_and_takes_the_number_of_the_year_it_is_signed(
    day, old_signed, old_ends, starts_on, ends_on, number, travel_to, on_support, specialist
):
    travel_to(day)
    old = on_support(day - dt.timedelta(days=360)).contracts.get()

    renewal = services.renew_contract(old, actor=specialist, signed_at=day)

    assert (old.signed_at, old.ends_on) == (old_signed, old_ends)
    assert (renewal.signed_at, renewal.starts_on, renewal.ends_on) == (day, starts_on, ends_on)
    assert (renewal.number, renewal.year) == (number, day.year)


@edges(
    ("day", "notice_due"),
    (EDGE["31-dec"], D(2027, 1, 3)),
    (EDGE["1-jan"], D(2027, 1, 4)),
    (EDGE["28-feb"], D(2027, 3, 3)),
    (EDGE["29-feb-leap"], D(2028, 3, 3)),
    (EDGE["30-sep-quarter-end"], D(2028, 10, 3)),
)
def test_the_transfer_notice_is_due_three_days_later_across_month_and_year_ends(
    day, notice_due, travel_to, on_support, specialist, other_service
):
    travel_to(day)
    case = on_support(day - dt.timedelta(days=40))

    transfer = services.start_transfer(case, actor=specialist, moved_at=day, to_service=other_service)

    assert (transfer.started_at, transfer.notice_due) == (day, notice_due)
    assert not transfer.notice_overdue(notice_due)
    assert transfer.notice_overdue(notice_due + DAY)


@edges(
    ("day", "periods"),
    (EDGE["31-dec"], {INTENSIVE: D(2027, 3, 30), SUPPORTING: D(2027, 3, 30), MONITORING: D(2027, 6, 29)}),
    (EDGE["1-jan"], {INTENSIVE: D(2027, 3, 31), SUPPORTING: D(2027, 3, 31), MONITORING: D(2027, 6, 30)}),
    (EDGE["28-feb"], {INTENSIVE: D(2027, 5, 27), SUPPORTING: D(2027, 5, 27), MONITORING: D(2027, 8, 27)}),
    (EDGE["29-feb-leap"], {INTENSIVE: D(2028, 5, 28), SUPPORTING: D(2028, 5, 28), MONITORING: D(2028, 8, 28)}),
    (EDGE["30-sep-quarter-end"], {INTENSIVE: D(2028, 12, 29), SUPPORTING: D(2028, 12, 29), MONITORING: D(2029, 3, 29)}),
)
def test_the_plan_period_comes_from_the_level(day, periods, travel_to, on_support, specialist):
    travel_to(day)

    for level, ends_on in periods.items():
        plan = services.create_plan(on_support(day, level=level), actor=specialist)
        assert (level, plan.starts_on, plan.ends_on) == (level, day, ends_on)


@pytest.mark.parametrize("day", CALENDAR_EDGES.values(), ids=EDGE_IDS)
def test_the_case_reminds_that_the_contract_ends_from_30_days_before(day, travel_to, on_support, specialist):
    travel_to(day)
    in_30 = on_support(day, ends_on=day + dt.timedelta(days=30))
    in_31 = on_support(day, ends_on=day + dt.timedelta(days=31))
    ends_today = on_support(day, ends_on=day)

    assert case_facts(in_30, {"change"}, day)["expiry"]["days"] == 30
    assert case_facts(in_31, {"change"}, day)["expiry"] is None
    assert case_facts(ends_today, {"change"}, day)["expiry"] == {
        "contract": ends_today.contracts.get(),
        "days": 0,
        "ended": False,
    }


# The 23rd birthday is a caseload deadline within three months: the horizon's day is still in, the
# next day is out. A horizon on 29 February takes those born on 28 February of the common year.
@pytest.mark.parametrize(
    ("day", "last_birth_in", "first_birth_out", "turns_23"),
    [
        (EDGE["31-dec"], D(2004, 3, 31), D(2004, 4, 1), D(2027, 3, 31)),
        (EDGE["1-jan"], D(2004, 4, 1), D(2004, 4, 2), D(2027, 4, 1)),
        (EDGE["28-feb"], D(2004, 5, 28), D(2004, 5, 29), D(2027, 5, 28)),
        (EDGE["29-feb-leap"], D(2005, 5, 29), D(2005, 5, 30), D(2028, 5, 29)),
        (EDGE["30-sep-quarter-end"], D(2005, 12, 30), D(2005, 12, 31), D(2028, 12, 30)),
        (D(2027, 11, 29), D(2005, 2, 28), D(2005, 3, 1), D(2028, 2, 28)),  # horizon 29.02.2028
        (D(2026, 12, 1), D(2004, 2, 29), D(2004, 3, 2), D(2027, 3, 1)),  # born 29.02: 1 March
    ],
    ids=[*EDGE_IDS, "horizon-29-feb", "born-29-feb"],
)
def test_the_23rd_birthday_is_a_caseload_deadline_within_three_months(
    day, last_birth_in, first_birth_out, turns_23, travel_to, caseload_case
):
    travel_to(day)
    inside = caseload_case("Успеваева", contacted=1, contract_ends_in=None, birth_date=last_birth_in)
    outside = caseload_case("Позднеева", contacted=1, contract_ends_in=None, birth_date=first_birth_out)

    rows = {row.pk: row for row in caseload(SupportCase.objects.all(), day)}

    assert (rows[inside.pk].turns_23_on, rows[inside.pk].next_due_kind) == (turns_23, "age23")
    assert rows[inside.pk].next_due == inside.graduate.turns_23_on == turns_23
    assert rows[outside.pk].turns_23_on is None and rows[outside.pk].next_due is None


@pytest.mark.parametrize("day", CALENDAR_EDGES.values(), ids=EDGE_IDS)
def test_the_caseload_counts_days_and_deadlines_across_month_and_year_ends(day, travel_to, caseload_case):
    travel_to(day)
    # Contact 8 days ago at a weekly level (interval 7 days): late; the contract ends in 14 days: soon.
    late = caseload_case("Опоздаева", contacted=8, contract_ends_in=14)
    # Contact 3 days ago; the contract ended yesterday: past.
    ended = caseload_case("Истекаева", contacted=3, contract_ends_in=-1)
    # The plan ends in 15 days, after the soon window; the contract later still.
    calm = caseload_case("Спокоева", contacted=0, contract_ends_in=200, plan_ends_in=15)

    rows = {row.pk: row for row in caseload(SupportCase.objects.all(), day)}

    assert (rows[late.pk].days_since_contact, rows[late.pk].contact_state) == (8, "late")
    assert (rows[late.pk].next_due, rows[late.pk].due_state) == (day + dt.timedelta(days=14), "soon")
    assert (rows[ended.pk].days_since_contact, rows[ended.pk].contact_state) == (3, "ok")
    assert (rows[ended.pk].next_due, rows[ended.pk].due_state) == (day - DAY, "past")
    assert (rows[calm.pk].next_due, rows[calm.pk].next_due_kind) == (day + dt.timedelta(days=15), "plan")
    assert rows[calm.pk].due_state == ""


# Closing «Достижение 23 лет» is allowed from the 23rd birthday on, not the day before.
@pytest.mark.parametrize(
    ("day", "just_23", "not_yet"),
    [
        (EDGE["31-dec"], D(2003, 12, 31), D(2004, 1, 1)),
        (EDGE["1-jan"], D(2004, 1, 1), D(2004, 1, 2)),
        (EDGE["28-feb"], D(2004, 2, 28), D(2004, 2, 29)),
        (EDGE["29-feb-leap"], D(2005, 2, 28), D(2005, 3, 1)),
        (EDGE["30-sep-quarter-end"], D(2005, 9, 30), D(2005, 10, 1)),
    ],
    ids=EDGE_IDS,
)
def test_a_case_closes_on_reaching_23_from_the_birthday_on(
    day, just_23, not_yet, travel_to, make_graduate, give_consent, make_active_case, service, specialist
):
    travel_to(day)
    cases = {}
    for birth in (just_23, not_yet):
        graduate = make_graduate(service, birth_date=birth)
        give_consent(graduate, on=day - dt.timedelta(days=300))
        cases[birth] = make_active_case(graduate, signed_at=day - dt.timedelta(days=200))

    closed = services.close_case(cases[just_23], actor=specialist, reason="age_23", report="Достиг 23 лет.")
    with pytest.raises(DomainError, match="ещё нет 23 лет"):
        services.close_case(cases[not_yet], actor=specialist, reason="age_23", report="Достиг 23 лет.")

    assert (closed.status, closed.closed_at, closed.close_reason) == ("closed", day, "age_23")
    # The default one-year contract ran to the day before the 23rd birthday, by its own clause:
    # on the birthday it has already ended, and closing does not need to terminate it.
    contract = closed.contracts.get()
    assert (contract.ends_on, contract.terminated_at) == (closed.graduate.turns_23_on - dt.timedelta(days=1), None)
