"""Life events and the extraordinary reassessment they call for (issue 8, point 8).

* :func:`record_life_event` — an event in the graduate's life (turning 18, leaving or being expelled
  from college, army call-up or return, release from custody, birth of a child, loss of housing or
  job…) is written on the graduate. When the graduate is on support, it sets a reassessment task
  due :data:`TASK_DUE_DAYS` days after the event.
* **One open task per graduate.** A further event while a task is still open does not add a second
  task: the specialist reassesses once, in view of every event since the last assessment, by the
  due date already set (the earlier one). The event is kept and linked to the open task that
  covers it (``LifeEvent.task``; the event that set a task is ``AssessmentTask.life_event``). A task
  that is done or cancelled covers no later event: the next event sets a new task. An event of a
  graduate not on support sets no task.
* :func:`cancel_task` — a task no longer needed is cancelled with a reason (kept on the task).
* :func:`complete_task` — the assessment service (opora.assessment.services.create_assessment,
  called with ``task=``) marks the task done by the new assessment, in its own transaction.

Every workflow locks its row (the graduate's for a new task, the task's for a change of state),
checks the state again under the lock, and writes the audit entry in the same transaction, filed
under the graduate so that the card's history shows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.assessment.models import Assessment, AssessmentTask, LifeEvent
from opora.assessment.rhythm import ADULT_AGE, open_case_on_support
from opora.core import audit
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.core.validators import check_date, years_after
from opora.core.versioning import lock_for_edit, save_bumped
from opora.registry.models import Graduate

# Days from the event to the reassessment's due date.
TASK_DUE_DAYS = 14
CANCEL_REASON_MAX = 300

Action = AuditEvent.Action


@dataclass(frozen=True)
class RecordedEvent:
    """What :func:`record_life_event` did: the event, the open task that covers it (None when the
    graduate is not on support) and whether that task is new."""

    event: LifeEvent
    task: AssessmentTask | None
    task_created: bool


def check_occurred_on(graduate: Graduate, kind: str, occurred_on: dt.date | None) -> dt.date:
    """The date of a life event: a fact (not in the future), not before the graduate's birth; turning
    18 happens on the 18th birthday only. One rule for the form, the API and the service."""
    if occurred_on is None:
        raise DomainError(_("Укажите дату события."), field="occurred_on")
    check_date(occurred_on, field="occurred_on", birth_date=graduate.birth_date, earliest=None)
    if kind == LifeEvent.Kind.TURNED_18:
        birthday = years_after(graduate.birth_date, ADULT_AGE)
        if occurred_on != birthday:
            raise DomainError(
                _("18 лет выпускнику исполняется %(date)s: укажите эту дату.")
                % {"date": birthday.strftime("%d.%m.%Y")},
                field="occurred_on",
            )
    return occurred_on


def _log(graduate: Graduate, actor, request, changes: dict, action: str = Action.UPDATE) -> None:
    audit.record(action, request=request, actor=actor, obj=graduate, changes=changes)


@transaction.atomic
def record_life_event(
    graduate: Graduate, *, actor, kind: str, occurred_on: dt.date | None, note: str = "", request=None
) -> RecordedEvent:
    """Write a life event of ``graduate``; on support, set (or keep) the one open reassessment task."""
    if kind not in LifeEvent.Kind.values:
        raise DomainError(_("Выберите событие из списка."), field="kind")
    # The graduate's row is the lock that keeps «one open task» true when two people record at once.
    graduate = Graduate.objects.select_for_update(of=("self",)).get(pk=graduate.pk)
    check_occurred_on(graduate, kind, occurred_on)
    note = (note or "").strip()
    if LifeEvent.objects.filter(graduate=graduate, kind=kind, occurred_on=occurred_on).exists():
        raise DomainError(_("Это событие с этой датой уже записано."), field="kind")
    event = LifeEvent.objects.create(graduate=graduate, kind=kind, occurred_on=occurred_on, note=note, author=actor)
    changes: dict = {"life_event": [None, kind], "life_event_date": [None, occurred_on.isoformat()]}
    task, created = None, False
    if open_case_on_support(graduate.pk, timezone.localdate()) is not None:
        task = AssessmentTask.objects.filter(graduate=graduate, status=AssessmentTask.Status.OPEN).first()
        if task is None:
            task = AssessmentTask.objects.create(
                graduate=graduate, life_event=event, due_on=task_due_on(occurred_on, timezone.localdate())
            )
            created = True
            changes["assessment_task_due_on"] = [None, task.due_on.isoformat()]
        event.task = task
        event.save(update_fields=["task"])
    _log(graduate, actor, request, changes, Action.CREATE)
    return RecordedEvent(event, task, created)


def task_due_on(occurred_on: dt.date, today: dt.date) -> dt.date:
    """The due date of a task set ``today`` for an event on ``occurred_on``: :data:`TASK_DUE_DAYS`
    days after the event, and never already past when the task is set (an event recorded later
    than that is due today)."""
    return max(occurred_on + dt.timedelta(days=TASK_DUE_DAYS), today)


def _lock_open_task(task: AssessmentTask, expected_revision: int | None) -> AssessmentTask:
    locked = lock_for_edit(
        AssessmentTask.objects.select_related("graduate"),
        task.pk,
        expected_revision,
        filed_under=lambda t: t.graduate,
    )
    if locked.status != AssessmentTask.Status.OPEN:
        raise DomainError(
            _("Задача уже закрыта (сейчас: «%(status)s»).") % {"status": locked.get_status_display()},
            code="not_open",
        )
    return locked


@transaction.atomic
def cancel_task(
    task: AssessmentTask, *, actor, reason: str, expected_revision: int | None = None, request=None
) -> AssessmentTask:
    """Cancel an open reassessment task that is no longer needed; the reason is kept on the task."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Укажите причину отмены."), field="reason")
    if len(reason) > CANCEL_REASON_MAX:
        raise DomainError(_("Причина отмены — не длиннее %(n)s символов.") % {"n": CANCEL_REASON_MAX}, field="reason")
    locked = _lock_open_task(task, expected_revision)
    locked.status = AssessmentTask.Status.CANCELLED
    locked.cancel_reason = reason
    marker = save_bumped(locked, ["status", "cancel_reason"])
    _log(
        locked.graduate,
        actor,
        request,
        {
            "assessment_task_status": [AssessmentTask.Status.OPEN, AssessmentTask.Status.CANCELLED],
            "assessment_task_cancel_reason": [None, reason],
            **marker,
        },
    )
    return locked


@transaction.atomic
def complete_task(task: AssessmentTask, assessment: Assessment, *, actor=None, request=None) -> AssessmentTask:
    """The task is done by ``assessment`` (of the same graduate). Called by the assessment service
    inside its own transaction; refuses a task that is no longer open."""
    locked = _lock_open_task(task, None)
    if assessment.graduate_id != locked.graduate_id:
        raise DomainError(_("Задача относится к другому выпускнику."), field="task")
    locked.status = AssessmentTask.Status.DONE
    locked.done_by = assessment
    marker = save_bumped(locked, ["status", "done_by"])
    _log(
        locked.graduate,
        actor or assessment.author,
        request,
        {"assessment_task_status": [AssessmentTask.Status.OPEN, AssessmentTask.Status.DONE], **marker},
    )
    return locked
