"""«Мои выпускники»: who needs attention comes first, and the next due date is the earliest deadline."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.conftest import born_to_turn, years_ago
from opora.support.caseload import caseload
from opora.support.models import SupportCase
from opora.support.tests.conftest import INTENSIVE, MONITORING

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def in_days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def order(**filters) -> list[str]:
    return [row.graduate.last_name for row in caseload(SupportCase.objects.filter(**filters), today())]


def row_of(case: SupportCase) -> SupportCase:
    return caseload(SupportCase.objects.filter(pk=case.pk), today()).get()


def page_order(client) -> list[int]:
    body = client.get(reverse("support:caseload")).content.decode()
    return [int(pk) for pk in re.findall(r'data-case="(\d+)"', body)]


def test_a_graduate_not_contacted_for_40_days_at_a_weekly_level_comes_before_one_contacted_yesterday(
    caseload_case, login, specialist
):
    recent = caseload_case("Звонили", level=INTENSIVE, contacted=1)
    forgotten = caseload_case("Забытова", level=INTENSIVE, contacted=40)

    assert order() == ["Забытова", "Звонили"]
    assert page_order(login(specialist)) == [forgotten.pk, recent.pk]
    row = row_of(forgotten)
    assert (row.days_since_contact, row.interval_days, row.contact_overdue_days) == (40, 7, 33)
    assert row.contact_state == "very_late"
    assert row_of(recent).contact_state == "ok"


def test_a_contact_late_by_less_than_the_norm_is_amber_and_by_more_is_red(caseload_case, login, specialist):
    caseload_case("Чутьпозже", level=INTENSIVE, contacted=10)  # norm 7 days: 3 days late
    caseload_case("Совсемпозже", level=INTENSIVE, contacted=20)  # 13 days late: more than the norm again

    body = login(specialist).get(reverse("support:caseload")).content.decode()

    assert re.search(r'badge text-bg-warning">просрочен на 3 дн\.', body)
    assert re.search(r'badge text-bg-danger">просрочен на 13 дн\.', body)


def test_overdue_measures_raise_priority(caseload_case):
    caseload_case("Безпросрочек", contacted=1)
    caseload_case("Однапросрочка", contacted=1, overdue_measures=1)
    caseload_case("Трипросрочки", contacted=1, overdue_measures=3)

    assert order() == ["Трипросрочки", "Однапросрочка", "Безпросрочек"]


def test_how_overdue_is_measured_in_norms_so_a_month_late_monitoring_case_waits_behind_a_weekly_one(caseload_case):
    # Monitoring: a contact a month (30 days); 45 days is half a norm late.
    caseload_case("Мониторингова", level=MONITORING, contacted=45)
    # Intensive: a contact a week; 21 days is two norms late.
    caseload_case("Интенсивова", level=INTENSIVE, contacted=21)

    assert order() == ["Интенсивова", "Мониторингова"]


def test_those_not_needing_attention_follow_by_the_next_due_date(caseload_case):
    caseload_case("Позже", contacted=1, contract_ends_in=200)
    caseload_case("Раньше", contacted=1, contract_ends_in=20)
    caseload_case("Безсроков", contacted=1, contract_ends_in=None)

    assert order() == ["Раньше", "Позже", "Безсроков"]


def test_a_contract_ending_in_5_days_shows_as_the_next_due_date(caseload_case, login, specialist):
    case = caseload_case("Договорова", contacted=1, contract_ends_in=5, plan_ends_in=40)

    row = row_of(case)
    body = login(specialist).get(reverse("support:caseload")).content.decode()

    assert (row.next_due, row.next_due_kind, row.due_state) == (in_days(5), "contract", "soon")
    assert in_days(5).strftime("%d.%m.%Y") in body
    assert "окончание договора" in body


def test_the_plan_review_is_the_next_due_date_when_it_comes_first(caseload_case):
    case = caseload_case("Планова", contacted=1, contract_ends_in=100, plan_ends_in=30)

    row = row_of(case)

    assert (row.next_due, row.next_due_kind) == (in_days(30), "plan")


def test_a_23rd_birthday_in_2_months_shows_as_the_next_due_date(caseload_case, login, specialist):
    # Turns 23 in about two months; counted from that birthday, not back from today by 61 days,
    # which gives another birthday when 29 February lies in one of the two years only.
    birthday = in_days(61) if in_days(61).strftime("%m-%d") != "02-29" else in_days(62)
    birth = born_to_turn(23, birthday)
    case = caseload_case("Почтидвадцатитрёхлетняя", contacted=1, contract_ends_in=200, birth_date=birth)

    row = row_of(case)
    body = login(specialist).get(reverse("support:caseload")).content.decode()

    assert row.next_due == case.graduate.turns_23_on == birthday
    assert row.next_due_kind == "age23"
    assert "23 года — окончание сопровождения" in body


def test_a_23rd_birthday_more_than_3_months_away_is_not_yet_a_deadline(caseload_case):
    case = caseload_case("Молодова", contacted=1, contract_ends_in=None, birth_date=years_ago(23, days=-120))

    row = row_of(case)

    assert row.turns_23_on is None
    assert row.next_due is None


def test_a_contract_already_over_shows_its_date_as_past(caseload_case):
    case = caseload_case("Истёкова", contacted=1, contract_ends_in=-3)

    row = row_of(case)

    assert (row.next_due, row.due_state) == (in_days(-3), "past")


def test_without_a_contact_in_the_journal_the_clock_runs_from_the_contract(caseload_case):
    case = caseload_case("Новенькая", activated=12, contacted=None)

    row = row_of(case)

    assert row.last_contact_at is None
    assert row.days_since_contact == 12


def test_a_letter_is_no_contact_with_the_graduate(caseload_case):
    from opora.support.models import JournalEntry

    case = caseload_case("Письмова", activated=30, contacted=None)
    JournalEntry.objects.create(
        case=case, graduate=case.graduate, date=today(), kind=JournalEntry.Kind.LETTER, text="Ходатайство"
    )

    assert row_of(case).days_since_contact == 30


def test_only_identified_graduates_come_last_even_when_long_waiting(caseload_case):
    caseload_case("Выявленова", status="identified", activated=200)
    caseload_case("Вработе", contacted=1)
    caseload_case("Контактова", status="contact", activated=5)

    assert order()[-1] == "Выявленова"


def test_a_case_before_its_contract_is_held_to_a_contact_a_month(caseload_case):
    case = caseload_case("Контактова", status="contact", activated=50)  # contact 60 days ago

    row = row_of(case)

    assert row.level_name is None
    assert (row.interval_days, row.days_since_contact, row.contact_state) == (30, 60, "late")


def test_closed_cases_are_not_in_the_caseload(caseload_case, login, specialist):
    case = caseload_case("Завершённова")
    SupportCase.objects.filter(pk=case.pk).update(status=SupportCase.Status.CLOSED, closed_at=today())

    body = login(specialist).get(reverse("support:caseload")).content.decode()

    assert "Завершённова" not in body
    assert "У вас нет открытых сопровождений." in body


def test_a_plan_review_already_past_due_comes_before_cases_that_are_on_time(caseload_case):
    caseload_case("Вовремякина", contacted=1, plan_ends_in=3)
    caseload_case("Просроченова", contacted=1, plan_ends_in=-10)

    assert order() == ["Просроченова", "Вовремякина"]
