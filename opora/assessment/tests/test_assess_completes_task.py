"""A reassessment task set by a life event is done by the next assessment the specialist writes,
from the form as well as the API, whichever kind they chose."""

from __future__ import annotations

import datetime as dt

from opora.assessment import events
from opora.assessment.models import AssessmentTask, LifeEvent
from opora.core.models import AuditEvent


def test_the_next_assessment_after_a_life_event_does_the_open_task(on_support, assess, specialist, today):
    recorded = events.record_life_event(
        on_support.graduate, actor=specialist, kind=LifeEvent.Kind.JOB_LOST, occurred_on=today - dt.timedelta(days=3)
    )
    task = recorded.task

    assessment = assess(on_support, today, {"Трудоустройство": 3}, kind="extraordinary")

    task.refresh_from_db()
    assert (task.status, task.done_by) == (AssessmentTask.Status.DONE, assessment)
    assert recorded.event.task_id == task.pk
    assert AuditEvent.objects.filter(changes__assessment_task_status=["open", "done"]).exists()


def test_an_assessment_dated_before_the_event_leaves_the_task_open(on_support, assess, specialist, today):
    events.record_life_event(on_support.graduate, actor=specialist, kind=LifeEvent.Kind.JOB_LOST, occurred_on=today)

    assess(on_support, today - dt.timedelta(days=10), kind="extraordinary")

    assert AssessmentTask.objects.get(graduate=on_support.graduate).status == AssessmentTask.Status.OPEN
