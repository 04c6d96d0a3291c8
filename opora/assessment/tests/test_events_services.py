"""A life event sets an extraordinary reassessment task; one open task per graduate; cancel and
complete (opora.assessment.events)."""

from __future__ import annotations

import datetime as dt

import pytest

from opora.assessment import events
from opora.assessment.models import AssessmentTask, LifeEvent
from opora.assessment.tests.rhythm_factories import assessed, on_support
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.core.versioning import StaleEdit

D = dt.date
Kind = LifeEvent.Kind


@pytest.fixture
def supported(levels, graduate, today):
    """``graduate`` on support since a year ago."""
    return on_support(graduate, today - dt.timedelta(days=365))


def record(graduate, actor, kind=Kind.JOB_LOST, *, occurred_on, **extra):
    return events.record_life_event(graduate, actor=actor, kind=kind, occurred_on=occurred_on, **extra)


def test_an_event_of_a_graduate_on_support_sets_a_task_due_in_14_days(supported, specialist, today):
    done = record(supported.graduate, specialist, occurred_on=today - dt.timedelta(days=3), note="Уволили")

    assert done.task_created
    task = AssessmentTask.objects.get()
    assert task.status == AssessmentTask.Status.OPEN
    assert task.due_on == today + dt.timedelta(days=11)
    assert task.life_event == done.event
    assert LifeEvent.objects.get().task == task
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
    assert event.actor == specialist
    assert event.changes["life_event"] == [None, "job_lost"]
    assert event.subjects.get().person_id == supported.graduate_id


def test_an_event_recorded_late_is_due_today_not_in_the_past(supported, specialist, today):
    record(supported.graduate, specialist, occurred_on=today - dt.timedelta(days=40))

    assert AssessmentTask.objects.get().due_on == today


def test_an_event_of_a_graduate_not_on_support_sets_no_task(levels, graduate, specialist, today):
    done = record(graduate, specialist, occurred_on=today)

    assert done.task is None
    assert not AssessmentTask.objects.exists()
    assert LifeEvent.objects.get().task is None


def test_a_second_event_joins_the_open_task_instead_of_adding_one(supported, specialist, today):
    first = record(supported.graduate, specialist, occurred_on=today - dt.timedelta(days=5))
    second = record(supported.graduate, specialist, kind=Kind.HOUSING_LOST, occurred_on=today)

    assert not second.task_created
    assert second.task == first.task
    assert AssessmentTask.objects.count() == 1
    assert AssessmentTask.objects.get().due_on == today + dt.timedelta(days=9)  # the earlier due date stays
    assert set(first.task.events.values_list("kind", flat=True)) == {"job_lost", "housing_lost"}


def test_after_the_task_is_cancelled_the_next_event_sets_a_new_one(supported, specialist, today):
    first = record(supported.graduate, specialist, occurred_on=today - dt.timedelta(days=5))
    events.cancel_task(first.task, actor=specialist, reason="Восстановлен на работе")

    again = record(supported.graduate, specialist, kind=Kind.EXPELLED, occurred_on=today)

    assert again.task_created
    assert AssessmentTask.objects.filter(status=AssessmentTask.Status.OPEN).get() == again.task


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "Дата не может быть в будущем."), (None, "Укажите дату события.")],
)
def test_an_event_date_in_the_future_or_missing_is_refused(supported, specialist, today, days, message):
    when = None if days is None else today - dt.timedelta(days=days)
    with pytest.raises(DomainError) as err:
        events.record_life_event(supported.graduate, actor=specialist, kind=Kind.JOB_LOST, occurred_on=when)

    assert err.value.message == message
    assert err.value.field == "occurred_on"
    assert not LifeEvent.objects.exists()


def test_an_event_before_the_graduates_birth_is_refused(supported, specialist):
    born = supported.graduate.birth_date

    with pytest.raises(DomainError, match="раньше дня рождения"):
        record(supported.graduate, specialist, occurred_on=born - dt.timedelta(days=1))


def test_turning_18_is_recorded_on_the_18th_birthday_only(levels, make_graduate, service, specialist, travel_to):
    travel_to(D(2026, 3, 10))
    leap = make_graduate(service, birth_date=D(2008, 2, 29))

    with pytest.raises(DomainError, match="18 лет выпускнику исполняется 01.03.2026"):
        record(leap, specialist, kind=Kind.TURNED_18, occurred_on=D(2026, 2, 28))
    record(leap, specialist, kind=Kind.TURNED_18, occurred_on=D(2026, 3, 1))

    assert LifeEvent.objects.get().occurred_on == D(2026, 3, 1)


def test_the_same_event_on_the_same_day_is_not_recorded_twice(supported, specialist, today):
    record(supported.graduate, specialist, occurred_on=today)

    with pytest.raises(DomainError, match="уже записано"):
        record(supported.graduate, specialist, occurred_on=today)


def test_an_unknown_kind_is_refused(supported, specialist, today):
    with pytest.raises(DomainError) as err:
        record(supported.graduate, specialist, kind="holiday", occurred_on=today)

    assert err.value.field == "kind"


def test_cancelling_keeps_the_reason_and_needs_one(supported, specialist, today):
    task = record(supported.graduate, specialist, occurred_on=today).task

    with pytest.raises(DomainError, match="Укажите причину"):
        events.cancel_task(task, actor=specialist, reason="  ")
    events.cancel_task(task, actor=specialist, reason="Событие записано по ошибке", expected_revision=1)

    task.refresh_from_db()
    assert task.status == AssessmentTask.Status.CANCELLED
    assert task.cancel_reason == "Событие записано по ошибке"
    assert task.revision == 2
    change = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).get()
    assert change.changes["assessment_task_status"] == ["open", "cancelled"]


def test_a_closed_task_cannot_be_cancelled_again(supported, specialist, today):
    task = record(supported.graduate, specialist, occurred_on=today).task
    events.cancel_task(task, actor=specialist, reason="Не нужна")

    with pytest.raises(DomainError, match="Задача уже закрыта"):
        events.cancel_task(task, actor=specialist, reason="Ещё раз")


def test_a_cancel_from_a_stale_page_is_refused(supported, specialist, coordinator, today):
    task = record(supported.graduate, specialist, occurred_on=today).task
    AssessmentTask.objects.filter(pk=task.pk).update(revision=2)

    with pytest.raises(StaleEdit):
        events.cancel_task(task, actor=coordinator, reason="Не нужна", expected_revision=1)
    assert AssessmentTask.objects.get().status == AssessmentTask.Status.OPEN


def test_an_assessment_completes_the_task_once(supported, specialist, today):
    task = record(supported.graduate, specialist, occurred_on=today).task
    assessment = assessed(supported, today, kind="extraordinary", task=task)

    events.complete_task(task, assessment, actor=specialist)

    task.refresh_from_db()
    assert task.status == AssessmentTask.Status.DONE
    assert task.done_by == assessment
    with pytest.raises(DomainError, match="Задача уже закрыта"):
        events.complete_task(task, assessment, actor=specialist)


def test_an_assessment_of_another_graduate_does_not_complete_the_task(
    supported, make_graduate, service, specialist, today
):
    task = record(supported.graduate, specialist, occurred_on=today).task
    other = on_support(make_graduate(service, last_name="Другая"), today - dt.timedelta(days=100))

    with pytest.raises(DomainError, match="другому выпускнику"):
        events.complete_task(task, assessed(other, today), actor=specialist)
    assert AssessmentTask.objects.get(pk=task.pk).status == AssessmentTask.Status.OPEN
