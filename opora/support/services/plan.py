"""Workflows of the individual support plan (ИППС): versions, goals, measures, approval."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from opora.core import audit
from opora.core.errors import DomainError
from opora.core.validators import PLANNED, add_months, check_date
from opora.core.versioning import changed_fields, lock_for_edit, save_bumped
from opora.support.models import Domain, PlanGoal, PlanMeasure, SupportCase, SupportPlan
from opora.support.services._common import Status, _lock, _log, _today


def _lock_plan(plan: SupportPlan) -> SupportPlan:
    """Lock the plan's case, then the plan itself, and check again that the plan may change."""
    case = _lock(plan.case)
    locked = SupportPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    locked.case = case
    return _editable_plan(locked)


@transaction.atomic
def create_plan(
    case: SupportCase, *, actor, starts_on: dt.date | None = None, review_reason: str = "", request=None
) -> SupportPlan:
    """A new version of the plan. Its period comes from the level in force; the previous version
    is kept, read-only, and its unfinished measures are carried into the new one."""
    case = _lock(case)
    if case.status != Status.ACTIVE:
        raise DomainError(_("План составляют для выпускника на сопровождении (после договора)."))
    starts_on = starts_on or _today()
    check_date(starts_on, kind=PLANNED, field="starts_on", birth_date=case.graduate.birth_date)
    level = case.level_on(starts_on)
    if level is None:
        raise DomainError(_("На эту дату не определён уровень сопровождения."), field="starts_on")
    previous = case.plans.exclude(status=SupportPlan.Status.SUPERSEDED).order_by("-version").first()
    version = (case.plans.aggregate(m=Max("version"))["m"] or 0) + 1
    if previous is not None and not review_reason.strip():
        raise DomainError(_("Укажите причину пересмотра плана."), field="review_reason")
    plan = SupportPlan.objects.create(
        case=case,
        version=version,
        level=level,
        starts_on=starts_on,
        ends_on=add_months(starts_on, level.plan_period_months) - dt.timedelta(days=1),
        review_reason=review_reason,
        created_by=actor,
    )
    if previous is not None:
        goals = {}
        for goal in previous.goals.all():
            goals[goal.pk] = PlanGoal.objects.create(plan=plan, domain=goal.domain, text=goal.text, order=goal.order)
        for measure in previous.measures.filter(status__in=PlanMeasure.OPEN_STATUSES):
            PlanMeasure.objects.create(
                plan=plan,
                goal=goals.get(measure.goal_id),
                domain=measure.domain,
                text=measure.text,
                responsible=measure.responsible,
                responsible_name=measure.responsible_name,
                # Within the new period, which may be shorter than the old one (a level change).
                deadline=min(max(measure.deadline, starts_on), plan.ends_on),
                status=measure.status,
                carried_from=measure,
            )
        previous.status = SupportPlan.Status.SUPERSEDED
        save_bumped(previous, ["status"])
    _log(case, actor, request, {"support_plan": [str(previous) if previous else None, str(plan)]})
    return plan


def _editable_plan(plan: SupportPlan) -> SupportPlan:
    if plan.status == SupportPlan.Status.SUPERSEDED:
        raise DomainError(_("Это прежняя версия плана: её можно только читать."))
    if plan.case.status != Status.ACTIVE:
        raise DomainError(_("Сопровождение не действует: план менять нельзя."))
    return plan


def _check_draft(plan: SupportPlan) -> None:
    """The goals and measures of an approved plan are what was agreed and signed with the graduate
    (domain.md, the individual plan): they change only in a new version, approved again. Progress
    (status, result) is still recorded on the approved plan — that is its execution, not a change.
    """
    if plan.status == SupportPlan.Status.APPROVED:
        raise DomainError(
            _(
                "План утверждён %(date)s: его цели и мероприятия не меняются. Чтобы изменить их, составьте "
                "новую версию плана («Новая версия плана») — цели и невыполненные мероприятия перейдут в неё, "
                "а утверждённая версия сохранится."
            )
            % {"date": plan.approved_at.strftime("%d.%m.%Y") if plan.approved_at else ""},
            code="plan_approved",
        )


@transaction.atomic
def add_goal(plan: SupportPlan, *, actor, domain: Domain, text: str, request=None) -> PlanGoal:
    """Add a goal in one life domain to a draft plan (an approved one changes in a new version)."""
    plan = _lock_plan(plan)
    _check_draft(plan)
    if domain.region_id != plan.case.graduate.service.region_id:
        raise DomainError(_("Эта сфера не действует в регионе."), field="domain")
    if not text.strip():
        raise DomainError(_("Сформулируйте цель."), field="text")
    goal = PlanGoal.objects.create(plan=plan, domain=domain, text=text.strip(), order=plan.goals.count() + 1)
    _log(plan.case, actor, request, {"plan_goal": [None, f"{domain.name}: {goal.text}"]})
    return goal


@transaction.atomic
def add_measure(plan: SupportPlan, *, actor, request=None, **fields) -> PlanMeasure:
    """Add a measure to a draft plan; its deadline must fall within the plan's period."""
    plan = _lock_plan(plan)
    _check_draft(plan)
    goal = fields.get("goal")
    if goal is not None and goal.plan_id != plan.pk:
        raise DomainError(_("Цель из другого плана."), field="goal")
    domain = fields.get("domain")
    if domain is not None and domain.region_id != plan.case.graduate.service.region_id:
        raise DomainError(_("Эта сфера не действует в регионе."), field="domain")
    deadline = fields["deadline"]
    if not plan.starts_on <= deadline <= plan.ends_on:
        raise DomainError(
            _("Срок должен быть в периоде плана: с %(a)s по %(b)s.")
            % {"a": plan.starts_on.strftime("%d.%m.%Y"), "b": plan.ends_on.strftime("%d.%m.%Y")},
            field="deadline",
        )
    measure = PlanMeasure(plan=plan, **fields)
    if goal is not None and not fields.get("domain"):
        measure.domain = goal.domain
    measure.full_clean(exclude=["plan", "goal", "carried_from"])
    measure.save()
    _log(plan.case, actor, request, {"plan_measure": [None, measure.text]})
    return measure


# How a refused save names the audit keys of a measure (its events are filed under the graduate).
_KEEP: Any = object()


@transaction.atomic
def update_measure(
    measure: PlanMeasure,
    *,
    actor,
    status: str | None = None,
    result: str | None = None,
    done_at: dt.date | None = _KEEP,
    expected_revision: int | None = None,
    request=None,
) -> PlanMeasure:
    """Record the progress of a measure: its status and, when finished, the result.

    What is not given stays as the row holds it now. ``expected_revision`` is the revision
    the user started from: a save made since refuses this one with
    :class:`~opora.core.versioning.StaleEdit`. Only the fields that differ from the locked
    row are written, and the history is computed from that row. Locks: the case, the plan,
    then the measure (the one order of the workflows, see _lock).
    """
    plan = _lock_plan(measure.plan)
    measure = lock_for_edit(
        PlanMeasure.objects.all(),
        measure.pk,
        expected_revision,
        filed_under=lambda m: plan.case.graduate,
    )
    measure.plan = plan
    status = measure.status if status is None else status
    result = measure.result if result is None else result
    done_at = measure.done_at if done_at is _KEEP else done_at
    if status not in PlanMeasure.Status.values:
        raise DomainError(_("Неизвестный статус."), field="status")
    finished = status in (PlanMeasure.Status.DONE, PlanMeasure.Status.NOT_DONE)
    if finished and not result.strip():
        raise DomainError(_("Опишите результат мероприятия."), field="result")
    if finished:
        done_at = done_at or _today()
        check_date(
            done_at,
            field="done_at",
            not_before=plan.case.identified_at,
            not_before_message=_("Мероприятие не может быть выполнено раньше выявления выпускника (%(date)s).")
            % {"date": plan.case.identified_at.strftime("%d.%m.%Y")},
        )
    else:
        done_at = None
    before = {
        "plan_measure_status": measure.status,
        "plan_measure_result": measure.result,
        "plan_measure_done_at": measure.done_at.isoformat() if measure.done_at else None,
    }
    changed = changed_fields(measure, {"status": status, "result": result, "done_at": done_at})
    if not changed:
        return measure
    for name in changed:
        setattr(measure, name, {"status": status, "result": result, "done_at": done_at}[name])
    marker = save_bumped(measure, changed)
    after = {
        "plan_measure_status": measure.status,
        "plan_measure_result": measure.result,
        "plan_measure_done_at": measure.done_at.isoformat() if measure.done_at else None,
    }
    _log(plan.case, actor, request, {**audit.diff(before, after), **marker})
    return measure


@transaction.atomic
def approve_plan(plan: SupportPlan, *, actor, on: dt.date | None = None, request=None) -> SupportPlan:
    """Approve the plan (at the consilium or by the coordinator)."""
    plan = _lock_plan(plan)
    if plan.status == SupportPlan.Status.APPROVED:
        raise DomainError(_("План уже утверждён."))
    if on is not None:
        check_date(
            on,
            field="approved_at",
            not_before=plan.case.activated_at,
            not_before_message=_("План не может быть утверждён раньше постановки на сопровождение."),
        )
    if not plan.measures.exists():
        raise DomainError(_("В плане нет ни одного мероприятия."))
    plan.status, plan.approved_at, plan.approved_by = SupportPlan.Status.APPROVED, on or _today(), actor
    save_bumped(plan, ["status", "approved_at", "approved_by"])
    _log(plan.case, actor, request, {"support_plan_status": [SupportPlan.Status.DRAFT, SupportPlan.Status.APPROVED]})
    return plan
