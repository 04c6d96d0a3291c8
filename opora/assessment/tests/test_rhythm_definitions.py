"""Who is due for an assessment, who is overdue, who is due for the consilium (opora.assessment.rhythm),
on hand-made data, exactly at the quarter's edges (31 December → 1 January, 29 February, 30 September)."""

from __future__ import annotations

import datetime as dt

import pytest

from opora.assessment import rhythm
from opora.assessment.models import Assessment, AssessmentTask, Consilium
from opora.assessment.tests.rhythm_factories import assessed, corrected, decided, on_support, open_task
from opora.support.models import SupportCase

D = dt.date


@pytest.fixture
def person(levels, make_graduate, service):
    """A new graduate of ``service`` for each name (the region has its support levels)."""

    def make(last_name: str, **fields):
        return make_graduate(service, last_name=last_name, **fields)

    return make


def names(kind: str, day: dt.date) -> set[str]:
    rows = rhythm.rhythm_list(SupportCase.objects.all(), rhythm.Quarter.of(day), kind)
    return {row.graduate.last_name for row in rows.select_related("graduate")}


def test_a_graduate_on_support_without_this_quarters_assessment_is_due(person, travel_to):
    travel_to(D(2026, 11, 18))
    on_support(person("Ждущая"), D(2026, 3, 1))
    done = on_support(person("Оцененная"), D(2026, 3, 1))
    assessed(done, D(2026, 10, 5))
    only_extra = on_support(person("Внеочередная"), D(2026, 3, 1))
    assessed(only_extra, D(2026, 11, 1), kind=Assessment.Kind.EXTRAORDINARY)
    on_support(person("Завершённая"), D(2026, 3, 1), closed_at=D(2026, 11, 1))

    assert names("due", D(2026, 11, 18)) == {"Ждущая", "Внеочередная"}


def test_a_corrected_assessment_still_counts_through_its_correction(person, travel_to):
    travel_to(D(2026, 11, 18))
    case = on_support(person("Исправленная"), D(2026, 3, 1))
    corrected(assessed(case, D(2026, 10, 5)), D(2026, 10, 20))

    assert names("due", D(2026, 11, 18)) == set()


def test_on_the_first_of_january_the_new_quarter_is_due_and_the_old_one_is_not_overdue(person, travel_to):
    case = on_support(person("Декабрьская"), D(2026, 3, 1))
    assessed(case, D(2026, 12, 31))

    travel_to(D(2026, 12, 31))
    assert names("due", D(2026, 12, 31)) == set()
    travel_to(D(2027, 1, 1))
    assert names("due", D(2027, 1, 1)) == {"Декабрьская"}
    assert names("overdue", D(2027, 1, 1)) == set()


def test_a_missed_quarter_is_overdue_from_the_first_day_of_the_next(person, travel_to):
    whole = on_support(person("Веськвартал"), D(2026, 10, 1))
    on_support(person("Споловины"), D(2026, 10, 2))
    assessed(whole, D(2026, 9, 30), quarter=(2026, 3))  # the third quarter's: not the missed fourth

    travel_to(D(2026, 12, 31))
    assert names("overdue", D(2026, 12, 31)) == set()  # the third quarter is before either's support
    travel_to(D(2027, 1, 1))
    assert names("overdue", D(2027, 1, 1)) == {"Веськвартал"}  # a partial first quarter is not missed


def test_an_assessment_in_the_new_quarter_ends_the_overdue_reminder(person, travel_to):
    case = on_support(person("Догоняющая"), D(2026, 6, 1))
    travel_to(D(2027, 1, 10))
    assert names("overdue", D(2027, 1, 10)) == {"Догоняющая"}

    assessed(case, D(2027, 1, 10))

    assert names("overdue", D(2027, 1, 10)) == set()


def test_an_open_task_past_its_due_date_is_overdue_and_one_due_today_is_not(person, travel_to):
    travel_to(D(2026, 11, 18))
    late = on_support(person("Просроченная"), D(2026, 3, 1))
    today = on_support(person("Сегодняшняя"), D(2026, 3, 1))
    for case in (late, today):
        assessed(case, D(2026, 7, 5))  # the third quarter was assessed: only the task can be late
    open_task(late.graduate, D(2026, 11, 17))
    open_task(today.graduate, D(2026, 11, 18))
    cancelled = on_support(person("Отменённая"), D(2026, 3, 1))
    assessed(cancelled, D(2026, 7, 5))
    open_task(cancelled.graduate, D(2026, 11, 1), status=AssessmentTask.Status.CANCELLED)

    assert names("overdue", D(2026, 11, 18)) == {"Просроченная"}
    assert names("tasks", D(2026, 11, 18)) == {"Просроченная", "Сегодняшняя"}


def test_an_assessed_graduate_waits_for_a_held_consilium_of_the_quarter(person, travel_to):
    travel_to(D(2026, 11, 18))
    cases = {n: on_support(person(n), D(2026, 3, 1)) for n in ("Ждёт", "Решено", "Готовится", "Прошлый", "Без")}
    for n in ("Ждёт", "Решено", "Готовится", "Прошлый"):
        assessed(cases[n], D(2026, 10, 5))
    decided(cases["Решено"], D(2026, 11, 10))
    decided(cases["Готовится"], D(2026, 11, 20), status=Consilium.Status.PREPARED)
    decided(cases["Прошлый"], D(2026, 9, 25))

    assert names("consilium", D(2026, 11, 18)) == {"Ждёт", "Готовится", "Прошлый"}


def test_a_provisional_level_waits_for_the_primary_consilium(person, travel_to):
    travel_to(D(2026, 11, 18))
    waiting = on_support(person("Временный"), D(2026, 11, 2), basis=rhythm.PROVISIONAL_BASIS)
    held = on_support(person("Решённый"), D(2026, 11, 2), basis=rhythm.PROVISIONAL_BASIS)
    decided(held, D(2026, 11, 16), kind=Consilium.Kind.PRIMARY)
    on_support(person("Обычный"), D(2026, 11, 2))

    assert names("consilium", D(2026, 11, 18)) == {"Временный"}
    assert waiting.pk  # on support since this quarter, not assessed: due, not overdue
    assert names("overdue", D(2026, 11, 18)) == set()


def test_those_turning_18_in_the_quarter_are_listed_and_29_february_counts_in_the_first(person, travel_to):
    for last_name, born in (
        ("Високосная", D(2008, 2, 29)),  # 18 on 1 March 2026
        ("Январская", D(2008, 1, 1)),
        ("Мартовская", D(2008, 3, 31)),
        ("Декабрьская", D(2007, 12, 31)),  # 18 on 31 December 2025
        ("Апрельская", D(2008, 4, 1)),
    ):
        on_support(person(last_name, birth_date=born), D(2025, 6, 1))

    travel_to(D(2026, 2, 28))
    assert names("turning18", D(2026, 2, 28)) == {"Високосная", "Январская", "Мартовская"}
    travel_to(D(2026, 4, 1))
    assert names("turning18", D(2026, 4, 1)) == {"Апрельская"}


def test_an_assessment_on_29_february_counts_for_the_first_quarter(person, travel_to):
    case = on_support(person("Високосная"), D(2027, 6, 1))
    travel_to(D(2028, 2, 29))
    assessed(case, D(2028, 2, 29))

    assert names("due", D(2028, 2, 29)) == set()
    assert names("overdue", D(2028, 2, 29)) == set()  # the fourth quarter of 2027 was missed, caught up
    travel_to(D(2028, 4, 1))
    assert names("due", D(2028, 4, 1)) == {"Високосная"}


def test_on_30_september_the_third_quarter_is_judged_and_the_second_is_the_previous(person, travel_to):
    case = on_support(person("Сентябрьская"), D(2028, 1, 1))
    assessed(case, D(2028, 4, 2))
    travel_to(D(2028, 9, 30))

    assert names("due", D(2028, 9, 30)) == {"Сентябрьская"}
    assert names("overdue", D(2028, 9, 30)) == set()
    assert str(rhythm.Quarter.of(D(2028, 9, 30)).previous) == "2 квартал 2028 г."


def test_the_counts_are_the_sizes_of_the_lists_in_one_query(person, travel_to, django_assert_num_queries):
    travel_to(D(2026, 11, 18))
    a = on_support(person("Первая", birth_date=D(2006, 5, 5)), D(2026, 3, 1))
    on_support(person("Вторая", birth_date=D(2008, 10, 8)), D(2026, 3, 1))  # 18 this quarter
    assessed(a, D(2026, 10, 5))
    open_task(a.graduate, D(2026, 11, 1))
    q = rhythm.Quarter.of(D(2026, 11, 18))

    with django_assert_num_queries(1):
        figures = rhythm.counts(SupportCase.objects.all(), q)

    assert figures == {
        "on_support": 2,
        "assessed_count": 1,
        "due": 1,
        "overdue": 2,  # «Вторая» missed the third quarter, «Первая» has a late task
        "consilium": 1,
        "tasks": 1,
        "turning18": 1,
    }
    for kind in rhythm.KINDS:
        assert rhythm.rhythm_list(SupportCase.objects.all(), q, kind).count() == figures[kind]


def test_a_past_quarter_is_judged_on_its_last_day():
    q = rhythm.Quarter.seen_on(2026, 3, D(2026, 11, 18))

    assert q.day == D(2026, 9, 30)
    assert rhythm.Quarter.seen_on(2026, 4, D(2026, 11, 18)).day == D(2026, 11, 18)
