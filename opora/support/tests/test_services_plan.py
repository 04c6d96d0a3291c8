"""The individual support plan (ИППС): its period, its versions, its goals and measures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opora.core.errors import DomainError
from opora.support import services
from opora.support.models import PlanGoal, PlanMeasure, SupportLevel, SupportPlan
from opora.support.services import add_months
from opora.support.tests.conftest import INTENSIVE, MONITORING, SUPPORTING, days_ago

pytestmark = pytest.mark.django_db

Responsible, MeasureStatus = PlanMeasure.Responsible, PlanMeasure.Status


@pytest.fixture
def case(graduate, give_consent, make_active_case):
    """On support at «Интенсивный» from 50 days ago."""
    give_consent(graduate, on=days_ago(60))
    return make_active_case(graduate, level=INTENSIVE, signed_at=days_ago(50))


@pytest.fixture
def plan(case, specialist):
    return services.create_plan(case, actor=specialist, starts_on=days_ago(50))


@pytest.fixture
def measure(specialist, domains):
    """Add a measure to ``plan`` (deadline: the plan's last day unless given)."""

    def add(plan, text="Сопроводить в центр занятости", *, deadline=None, domain="Трудоустройство", **fields):
        fields.setdefault("responsible", Responsible.SPECIALIST)
        return services.add_measure(
            plan, actor=specialist, text=text, deadline=deadline or plan.ends_on, domain=domains[domain], **fields
        )

    return add


# --- The period ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),
        (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2025, 12, 15), 1, dt.date(2026, 1, 15)),
        (dt.date(2025, 3, 31), -1, dt.date(2025, 2, 28)),
        (dt.date(2025, 5, 10), 12, dt.date(2026, 5, 10)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_the_plan_period_comes_from_the_level_in_force(plan, levels):
    assert plan.level == levels[INTENSIVE]
    assert levels[INTENSIVE].plan_period_months == 3
    assert plan.starts_on == days_ago(50)
    assert plan.ends_on == add_months(days_ago(50), 3) - dt.timedelta(days=1)
    assert (plan.version, plan.status) == (1, SupportPlan.Status.DRAFT)


def test_a_monitoring_level_plan_lasts_six_months(graduate, give_consent, make_active_case, specialist):
    give_consent(graduate, on=days_ago(30))
    case = make_active_case(graduate, level=MONITORING, signed_at=days_ago(20))
    plan = services.create_plan(case, actor=specialist, starts_on=days_ago(20))
    assert plan.ends_on == add_months(days_ago(20), 6) - dt.timedelta(days=1)


def test_a_one_month_plan_from_31_january_ends_before_the_shorter_february_is_over(
    graduate, give_consent, make_active_case, specialist, region, coordinator
):
    today = timezone.localdate()
    jan31 = dt.date(today.year if today >= dt.date(today.year, 1, 31) else today.year - 1, 1, 31)
    give_consent(graduate, on=jan31 - dt.timedelta(days=30))
    case = make_active_case(graduate, level=SUPPORTING, signed_at=jan31 - dt.timedelta(days=10))
    emergency = SupportLevel.objects.create(region=region, name="Экстренный", order=0, plan_period_months=1)
    services.change_level(case, emergency, actor=coordinator, reason="Кризис", effective_from=jan31)
    plan = services.create_plan(case, actor=specialist, starts_on=jan31)
    feb_end = add_months(jan31, 1)
    assert feb_end.month == 2 and feb_end.day in (28, 29)
    assert plan.ends_on == feb_end - dt.timedelta(days=1)


def test_the_period_follows_the_level_changed_before_the_plan(case, levels, coordinator, specialist):
    services.change_level(case, levels[MONITORING], actor=coordinator, reason="Стабилен", effective_from=days_ago(10))
    plan = services.create_plan(case, actor=specialist, starts_on=days_ago(10))
    assert plan.level == levels[MONITORING]
    assert plan.ends_on == add_months(days_ago(10), 6) - dt.timedelta(days=1)


def test_a_plan_cannot_start_before_the_level_is_set(case, specialist):
    with pytest.raises(DomainError, match="не определён уровень"):
        services.create_plan(case, actor=specialist, starts_on=days_ago(51))


def test_a_plan_is_only_for_a_graduate_on_support(graduate, specialist, levels):
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(3))
    with pytest.raises(DomainError, match="после договора"):
        services.create_plan(case, actor=specialist)
    assert not SupportPlan.objects.exists()


# --- Goals and measures -------------------------------------------------------------------------


def test_a_goal_takes_its_domain_and_a_measure_may_take_the_goals_domain(plan, specialist, domains):
    goal = services.add_goal(plan, actor=specialist, domain=domains["Жильё"], text="Встать в очередь на жильё")
    measure = services.add_measure(
        plan,
        actor=specialist,
        goal=goal,
        text="Собрать документы для включения в список",
        responsible=Responsible.GRADUATE,
        deadline=plan.ends_on,
    )
    assert measure.domain == domains["Жильё"]
    assert list(plan.goals.all()) == [goal]
    assert list(goal.measures.all()) == [measure]


def test_a_goal_of_another_regions_domain_is_refused(plan, specialist, other_region):
    services.setup_region(other_region)
    foreign = other_region.domains.get(name="Жильё")
    with pytest.raises(DomainError, match="не действует в регионе"):
        services.add_goal(plan, actor=specialist, domain=foreign, text="Жильё")


def test_a_goal_needs_a_text(plan, specialist, domains):
    with pytest.raises(DomainError, match="Сформулируйте цель"):
        services.add_goal(plan, actor=specialist, domain=domains["Жильё"], text=" ")


def test_measures_on_the_first_and_the_last_day_of_the_period_are_accepted(plan, measure):
    assert measure(plan, deadline=plan.starts_on).deadline == plan.starts_on
    assert measure(plan, deadline=plan.ends_on).deadline == plan.ends_on


@pytest.mark.parametrize("outside", [-1, +1])
def test_a_measure_outside_the_plan_period_is_refused(plan, measure, outside):
    day = plan.starts_on + dt.timedelta(days=-1) if outside < 0 else plan.ends_on + dt.timedelta(days=1)
    with pytest.raises(DomainError, match="в периоде плана") as error:
        measure(plan, deadline=day)
    assert error.value.field == "deadline"
    assert not plan.measures.exists()


def test_a_measure_with_a_goal_of_another_plan_is_refused(plan, case, specialist, domains, measure):
    measure(plan)
    second = services.create_plan(case, actor=specialist, starts_on=days_ago(5), review_reason="Новая ситуация")
    old_goal = PlanGoal.objects.create(plan=plan, domain=domains["Жильё"], text="Старая цель")
    with pytest.raises(DomainError, match="из другого плана"):
        measure(second, goal=old_goal, deadline=second.ends_on)


def test_a_finished_measure_needs_a_result(plan, measure, specialist):
    item = measure(plan)
    with pytest.raises(DomainError, match="результат"):
        services.update_measure(item, actor=specialist, status=MeasureStatus.DONE, result="")
    services.update_measure(item, actor=specialist, status=MeasureStatus.DONE, result="Встал на учёт")
    item.refresh_from_db()
    assert (item.status, item.result, item.done_at) == ("done", "Встал на учёт", timezone.localdate())


def test_a_measure_done_in_the_future_is_refused(plan, measure, specialist):
    item = measure(plan)
    with pytest.raises(DomainError, match="будущем"):
        services.update_measure(
            item, actor=specialist, status="done", result="Готово", done_at=timezone.localdate() + dt.timedelta(days=1)
        )


def test_an_open_measure_past_its_deadline_is_overdue(plan, measure):
    item = measure(plan, deadline=days_ago(3))
    assert item.is_overdue(timezone.localdate())
    assert not item.is_overdue(days_ago(3))


# --- Approval -----------------------------------------------------------------------------------


def test_a_plan_without_measures_cannot_be_approved(plan, coordinator):
    with pytest.raises(DomainError, match="нет ни одного мероприятия"):
        services.approve_plan(plan, actor=coordinator)
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.DRAFT


def test_approval_records_who_and_when_and_cannot_be_repeated(plan, measure, coordinator):
    measure(plan)
    services.approve_plan(plan, actor=coordinator, on=days_ago(45))
    plan.refresh_from_db()
    assert (plan.status, plan.approved_at, plan.approved_by) == ("approved", days_ago(45), coordinator)
    with pytest.raises(DomainError, match="уже утверждён"):
        services.approve_plan(plan, actor=coordinator)


# --- Versions -----------------------------------------------------------------------------------


@pytest.fixture
def reviewed(plan, case, specialist, measure, domains, coordinator):
    """Version 1 with a goal and four measures (open, in progress, done, not done), then version 2."""
    goal = services.add_goal(plan, actor=specialist, domain=domains["Трудоустройство"], text="Найти работу")
    items = {
        "planned": measure(plan, "Составить резюме", goal=goal, deadline=days_ago(30)),
        "in_progress": measure(plan, "Встать на учёт в ЦЗН", goal=goal, deadline=plan.ends_on),
        "done": measure(plan, "Оформить СНИЛС", domain="Правовой статус", deadline=days_ago(40)),
        "not_done": measure(plan, "Пройти собеседование", goal=goal, deadline=days_ago(35)),
    }
    services.update_measure(items["in_progress"], actor=specialist, status=MeasureStatus.IN_PROGRESS)
    services.update_measure(items["done"], actor=specialist, status="done", result="Получен", done_at=days_ago(41))
    services.update_measure(items["not_done"], actor=specialist, status="not_done", result="Не явился")
    services.approve_plan(plan, actor=coordinator, on=days_ago(48))
    second = services.create_plan(case, actor=specialist, starts_on=days_ago(5), review_reason="Смена места жительства")
    plan.refresh_from_db()
    return plan, second, items


def test_a_second_version_needs_a_review_reason(plan, case, measure, specialist):
    measure(plan)
    with pytest.raises(DomainError, match="причину пересмотра") as error:
        services.create_plan(case, actor=specialist, starts_on=days_ago(5))
    assert error.value.field == "review_reason"
    assert case.plans.count() == 1


def test_a_new_version_supersedes_the_previous_one(reviewed, case):
    first, second, _items = reviewed
    assert (first.version, first.status) == (1, SupportPlan.Status.SUPERSEDED)
    assert (second.version, second.status) == (2, SupportPlan.Status.DRAFT)
    assert second.review_reason == "Смена места жительства"
    assert case.current_plan == second


def test_a_new_version_carries_over_the_unfinished_measures_only(reviewed):
    first, second, items = reviewed
    carried = {m.carried_from_id: m for m in second.measures.all()}
    assert set(carried) == {items["planned"].pk, items["in_progress"].pk}
    assert carried[items["in_progress"].pk].status == MeasureStatus.IN_PROGRESS
    assert carried[items["planned"].pk].text == "Составить резюме"


def test_a_carried_measure_gets_a_deadline_within_the_new_period(reviewed):
    _first, second, items = reviewed
    for m in second.measures.all():
        assert second.starts_on <= m.deadline <= second.ends_on, m
    overdue = second.measures.get(carried_from=items["planned"])
    assert overdue.deadline == second.starts_on


def test_a_carried_measure_never_runs_past_a_shorter_new_period(case, levels, coordinator, specialist, domains):
    services.change_level(case, levels[MONITORING], actor=coordinator, reason="Стабилен", effective_from=days_ago(40))
    long_plan = services.create_plan(case, actor=specialist, starts_on=days_ago(40))  # six months
    far = services.add_measure(
        long_plan,
        actor=specialist,
        text="Поступить в колледж",
        domain=domains["Образование"],
        responsible=Responsible.GRADUATE,
        deadline=long_plan.ends_on,
    )
    services.change_level(case, levels[INTENSIVE], actor=coordinator, reason="Кризис", effective_from=days_ago(2))
    short_plan = services.create_plan(case, actor=specialist, starts_on=days_ago(2), review_reason="Кризис")
    carried = short_plan.measures.get(carried_from=far)
    assert far.deadline > short_plan.ends_on
    assert carried.deadline == short_plan.ends_on


def test_the_goals_are_copied_and_carried_measures_keep_their_goal(reviewed):
    first, second, items = reviewed
    [goal] = second.goals.all()
    assert (goal.domain.name, goal.text) == ("Трудоустройство", "Найти работу")
    assert goal.pk != first.goals.get().pk
    assert {m.goal_id for m in second.measures.all()} == {goal.pk}


def test_the_previous_version_stays_readable_and_unchanged(reviewed):
    first, _second, items = reviewed
    assert first.goals.count() == 1
    statuses = dict(first.measures.values_list("pk", "status"))
    assert statuses == {
        items["planned"].pk: "planned",
        items["in_progress"].pk: "in_progress",
        items["done"].pk: "done",
        items["not_done"].pk: "not_done",
    }
    done = first.measures.get(pk=items["done"].pk)
    assert (done.result, done.done_at) == ("Получен", days_ago(41))
    assert (first.approved_at, first.starts_on) == (days_ago(48), days_ago(50))


def test_a_superseded_version_refuses_every_edit(reviewed, specialist, coordinator, domains, measure):
    first, _second, items = reviewed
    attempts = [
        lambda: services.add_goal(first, actor=specialist, domain=domains["Жильё"], text="Жильё"),
        lambda: measure(first, deadline=first.ends_on),
        lambda: services.update_measure(items["planned"], actor=specialist, status="done", result="Сделано"),
        lambda: services.approve_plan(first, actor=coordinator),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError, match="прежняя версия плана"):
            attempt()
    assert first.measures.count() == 4 and first.goals.count() == 1


def test_the_plan_of_a_closed_case_refuses_edits(plan, case, measure, specialist):
    item = measure(plan)
    services.close_case(case, actor=specialist, reason="adapted", report="Адаптирован.")
    plan.refresh_from_db()
    with pytest.raises(DomainError, match="план менять нельзя"):
        measure(plan)
    item.refresh_from_db()
    assert item.status == MeasureStatus.CANCELLED
