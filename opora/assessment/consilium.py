"""Workflows of the consilium (консилиум, issue 8 point 7; seed 003, seed 004).

The coordinator of a service prepares a consilium (:func:`prepare_consilium`), adds the
graduates to discuss (:func:`add_graduates`, from the list :func:`candidates` builds in the
database), fills each draft decision (:func:`update_decision`) and holds it
(:func:`hold_consilium`): the decisions take effect on the consilium's date — a level set
other than the one in force is written to the support cycle's level history
(``support.LevelChange`` with the consilium as its basis), a plan approved is approved.

Each function runs in one transaction, re-reads under a row lock what it changes, refuses with
:class:`~opora.core.errors.DomainError` (a Russian message) and writes its audit event in the
same transaction. Pages and the API only call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Abs
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.assessment.models import (
    Assessment,
    AssessmentDomain,
    Consilium,
    ConsiliumDecision,
    ConsiliumRecommendation,
    quarter_bounds,
    quarter_of,
)
from opora.core import audit
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.core.roles import Role
from opora.core.validators import PLANNED, TERM, check_date
from opora.core.versioning import check_revision, lock_for_edit, save_bumped
from opora.support.models import LevelChange, SupportCase, SupportLevel, SupportPlan

Action = AuditEvent.Action
Kind = Consilium.Kind
# The consilia that set a graduate's level for the quarter: a graduate is in at most one of them
# per quarter; an extraordinary consilium may discuss them again.
REGULAR_KINDS = (Kind.PRIMARY, Kind.QUARTERLY)
DECISION_FIELDS = ("level", "override_reason", "plan_decision", "route", "notes")


def _today() -> dt.date:
    return timezone.localdate()


def may_hold(user, service_id: int | None) -> bool:
    """Whether ``user`` prepares and holds the consilia of the service: its coordinator."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == Role.COORDINATOR
        and service_id is not None
        and user.service_id == service_id
    )


def _require_holder(actor, service_id: int) -> None:
    if not may_hold(actor, service_id):
        raise DomainError(_("Консилиум готовит и проводит координатор службы."), code="forbidden")


def _require_prepared(consilium: Consilium) -> None:
    if consilium.status != Consilium.Status.PREPARED:
        raise DomainError(
            _("Консилиум уже проведён %(date)s: его решения окончательны.")
            % {"date": consilium.held_on.strftime("%d.%m.%Y")},
            code="held",
        )


def _lock_consilium(consilium: Consilium, expected_revision: int | None = None) -> Consilium:
    """The consilium re-read under its row lock; its state is checked before its revision, so
    the second of two people holding it at once hears that it is held, not that it changed."""
    locked = Consilium.objects.select_for_update(of=("self",)).select_related("service").get(pk=consilium.pk)
    _require_prepared(locked)
    check_revision(locked, expected_revision)
    return locked


def _staff(service_id: int, users: Iterable) -> list:
    users = list(users)
    foreign = [u for u in users if u.service_id != service_id or not u.is_active]
    if foreign:
        raise DomainError(
            _("В консилиуме участвуют сотрудники службы; «%(name)s» в ней не работает.") % {"name": foreign[0]},
            field="participants",
        )
    return users


def _check_held_on(held_on: dt.date) -> None:
    check_date(held_on, kind=PLANNED, field="held_on")


@transaction.atomic
def prepare_consilium(
    service,
    *,
    actor,
    kind: str = Kind.QUARTERLY,
    held_on: dt.date,
    number: str = "",
    chair=None,
    participants: Iterable = (),
    attracted_participants: str = "",
    agenda: str = "",
    request=None,
) -> Consilium:
    """A new consilium of ``service`` on ``held_on`` (year and quarter from the date), prepared."""
    _require_holder(actor, service.pk)
    if kind not in Kind.values:
        raise DomainError(_("Выберите вид консилиума."), field="kind")
    _check_held_on(held_on)
    chair = chair or actor
    staff = _staff(service.pk, participants)
    _staff(service.pk, [chair])
    year, quarter = quarter_of(held_on)
    consilium = Consilium.objects.create(
        service=service,
        kind=kind,
        number=number.strip(),
        held_on=held_on,
        year=year,
        quarter=quarter,
        chair=chair,
        attracted_participants=_lines(attracted_participants),
        agenda=agenda.strip(),
        created_by=actor,
    )
    consilium.participants.set(staff)
    audit.record(
        Action.CREATE,
        request=request,
        actor=actor,
        obj=consilium,
        changes={"consilium": [None, str(consilium)], "participants": [None, [str(u) for u in staff]]},
    )
    return consilium


def _lines(text: str) -> str:
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


@transaction.atomic
def update_consilium(
    consilium: Consilium, *, actor, expected_revision: int | None = None, request=None, **fields
) -> Consilium:
    """Change a prepared consilium: number, date (not into another quarter when graduates are
    already added), chair, participants, attracted specialists, agenda."""
    locked = _lock_consilium(consilium, expected_revision)
    _require_holder(actor, locked.service_id)
    changed: dict[str, list[Any]] = {}
    if "held_on" in fields and fields["held_on"] != locked.held_on:
        held_on = fields["held_on"]
        _check_held_on(held_on)
        if quarter_of(held_on) != (locked.year, locked.quarter) and locked.decisions.exists():
            raise DomainError(
                _("Выпускники уже добавлены: дату можно менять только в пределах квартала."), field="held_on"
            )
        changed["held_on"] = [str(locked.held_on), str(held_on)]
        locked.held_on = held_on
        locked.year, locked.quarter = quarter_of(held_on)
    for name in ("number", "agenda", "attracted_participants"):
        if name in fields:
            value = _lines(fields[name]) if name == "attracted_participants" else (fields[name] or "").strip()
            if value != getattr(locked, name):
                changed[name] = [getattr(locked, name), value]
                setattr(locked, name, value)
    if "chair" in fields and fields["chair"] is not None and fields["chair"].pk != locked.chair_id:
        _staff(locked.service_id, [fields["chair"]])
        changed["chair"] = [str(locked.chair) if locked.chair else None, str(fields["chair"])]
        locked.chair = fields["chair"]
    if "participants" in fields:
        staff = _staff(locked.service_id, fields["participants"])
        before = sorted(str(u) for u in locked.participants.all())
        after = sorted(str(u) for u in staff)
        if before != after:
            locked.participants.set(staff)
            changed["participants"] = [before, after]
    marker = save_bumped(locked, ["held_on", "year", "quarter", "number", "agenda", "attracted_participants", "chair"])
    audit.record(Action.UPDATE, request=request, actor=actor, obj=locked, changes={**changed, **marker})
    return locked


def _latest_assessment(graduate_id: int, day: dt.date) -> Assessment | None:
    return (
        Assessment.objects.current()
        .filter(graduate_id=graduate_id, assessed_on__lte=day)
        .select_related("suggested_level")
        .order_by("-assessed_on", "-id")
        .first()
    )


def _in_other_regular(consilium: Consilium, graduate_ids: Iterable[int]) -> set[int]:
    """Of ``graduate_ids``, those already in another primary or quarterly consilium of the quarter."""
    if consilium.kind == Kind.EXTRAORDINARY:
        return set()
    return set(
        ConsiliumDecision.objects.filter(
            graduate_id__in=list(graduate_ids),
            consilium__year=consilium.year,
            consilium__quarter=consilium.quarter,
            consilium__kind__in=REGULAR_KINDS,
        )
        .exclude(consilium=consilium)
        .values_list("graduate_id", flat=True)
    )


@transaction.atomic
def add_graduates(
    consilium: Consilium, cases: Iterable[SupportCase], *, actor, request=None
) -> list[ConsiliumDecision]:
    """Add graduates on support to a prepared consilium, each with a draft decision pre-filled:
    the level in force on the consilium's date, the latest current assessment and its suggested
    level (the decision starts at the suggestion, else at the level in force), the current plan.

    Graduates already in this consilium are skipped. A graduate already in another primary or
    quarterly consilium of the same quarter is refused (an extraordinary one may discuss them again).
    """
    locked = _lock_consilium(consilium)
    _require_holder(actor, locked.service_id)
    cases = list(cases)
    ids = [c.pk for c in cases]
    cases = list(
        SupportCase.objects.on_support(locked.held_on)
        .filter(pk__in=ids, graduate__service_id=locked.service_id)
        .select_related("graduate")
        .order_by("graduate__last_name", "graduate__first_name", "pk")
    )
    if len(cases) != len(set(ids)):
        raise DomainError(
            _("На консилиум добавляют выпускников на сопровождении в службе на дату консилиума (%(date)s).")
            % {"date": locked.held_on.strftime("%d.%m.%Y")},
            field="cases",
        )
    present = set(locked.decisions.values_list("graduate_id", flat=True))
    cases = [c for c in cases if c.graduate_id not in present]
    clash = _in_other_regular(locked, [c.graduate_id for c in cases])
    if clash:
        graduate = next(c.graduate for c in cases if c.graduate_id in clash)
        raise DomainError(
            _(
                "%(name)s уже обсуждается на другом консилиуме %(q)s квартала %(y)s г.: "
                "ещё раз — только на внеочередном."
            )
            % {"name": graduate, "q": locked.quarter, "y": locked.year},
            field="cases",
        )
    created = []
    for case in cases:
        assessment = _latest_assessment(case.graduate_id, locked.held_on)
        before = case.level_on(locked.held_on)
        suggested = assessment.suggested_level if assessment else None
        created.append(
            ConsiliumDecision.objects.create(
                consilium=locked,
                graduate=case.graduate,
                case=case,
                assessment=assessment,
                level_before=before,
                suggested_level=suggested,
                level=suggested or before,
                plan=case.current_plan,
            )
        )
    if created:
        audit.record(
            Action.UPDATE,
            request=request,
            actor=actor,
            obj=locked,
            record_ids=[d.graduate_id for d in created],
            changes={"graduates_added": [None, [str(d.graduate) for d in created]]},
        )
    return created


@transaction.atomic
def remove_graduate(decision: ConsiliumDecision, *, actor, request=None) -> None:
    """Take a graduate off a prepared consilium (their draft decision goes with them)."""
    locked = _lock_consilium(decision.consilium)
    _require_holder(actor, locked.service_id)
    decision = ConsiliumDecision.objects.select_related("graduate").get(pk=decision.pk)
    audit.record(
        Action.UPDATE,
        request=request,
        actor=actor,
        obj=locked,
        record_ids=[decision.graduate_id],
        changes={"graduates_removed": [str(decision.graduate), None]},
    )
    decision.delete()


def check_override(level: SupportLevel | None, suggested: SupportLevel | None, reason: str) -> None:
    """A level other than the rule's suggestion needs a reason (forms, serializers, services)."""
    if level is not None and suggested is not None and level.pk != suggested.pk and not (reason or "").strip():
        raise DomainError(
            _("Уровень не совпадает с предложенным по правилу («%(level)s»): укажите, почему.")
            % {"level": suggested.name},
            field="override_reason",
        )


def _check_recommendations(rows: Iterable[dict]) -> list[dict]:
    out = []
    for n, row in enumerate(rows, 1):
        text = (row.get("text") or "").strip()
        responsible = (row.get("responsible") or "").strip()
        deadline = row.get("deadline")
        if not (text or responsible or deadline):
            continue
        if not text or not responsible or deadline is None:
            raise DomainError(
                _("Рекомендация %(n)s: укажите текст, ответственного и срок.") % {"n": n}, field="recommendations"
            )
        check_date(deadline, kind=TERM, field="recommendations")
        out.append({"text": text, "responsible": responsible[:200], "deadline": deadline})
    return out


@transaction.atomic
def update_decision(
    decision: ConsiliumDecision,
    *,
    actor,
    expected_revision: int | None = None,
    request=None,
    recommendations: Iterable[dict] | None = None,
    **fields,
) -> ConsiliumDecision:
    """Fill the draft decision of a prepared consilium: ``level``, ``override_reason``,
    ``plan_decision``, ``route``, ``notes`` and ``recommendations`` (rows of text, responsible,
    deadline; given, they replace the decision's). Only the fields given change."""
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"update_decision: unknown fields {sorted(unknown)}")
    consilium = _lock_consilium(decision.consilium)
    _require_holder(actor, consilium.service_id)
    locked = lock_for_edit(
        ConsiliumDecision.objects.select_related("graduate__service", "suggested_level", "plan"),
        decision.pk,
        expected_revision,
        filed_under=lambda d: d.graduate,
    )
    values = {name: fields[name] for name in DECISION_FIELDS if name in fields}
    for name in ("override_reason", "route", "notes"):
        if name in values:
            values[name] = (values[name] or "").strip()
    level = values.get("level", locked.level)
    if level is not None and (level.region_id != locked.graduate.service.region_id or not level.is_active):
        raise DomainError(_("Этот уровень сопровождения не действует в регионе."), field="level")
    reason = values.get("override_reason", locked.override_reason)
    check_override(level, locked.suggested_level, reason)
    plan_decision = values.get("plan_decision", locked.plan_decision)
    if plan_decision not in ConsiliumDecision.PlanDecision.values:
        raise DomainError(_("Выберите решение по плану."), field="plan_decision")
    if plan_decision and locked.plan is None:
        raise DomainError(_("У выпускника нет плана сопровождения: решения по плану нет."), field="plan_decision")
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = getattr(locked, name)
        if (old.pk if isinstance(old, models.Model) else old) != (
            value.pk if isinstance(value, models.Model) else value
        ):
            changes[name] = [str(old) if old is not None else None, str(value) if value is not None else None]
            setattr(locked, name, value)
    if recommendations is not None:
        rows = _check_recommendations(recommendations)
        before = [f"{r.text} — {r.responsible}, {r.deadline:%d.%m.%Y}" for r in locked.recommendations.all()]
        after = [f"{r['text']} — {r['responsible']}, {r['deadline']:%d.%m.%Y}" for r in rows]
        if before != after:
            locked.recommendations.all().delete()
            ConsiliumRecommendation.objects.bulk_create(ConsiliumRecommendation(decision=locked, **r) for r in rows)
            changes["recommendations"] = [before, after]
    if changes:
        marker = save_bumped(locked, list(values))
        audit.record(Action.UPDATE, request=request, actor=actor, obj=locked.graduate, changes={**changes, **marker})
    return locked


def _decision_reason(consilium: Consilium, decision: ConsiliumDecision) -> str:
    reason = _("Решение консилиума от %(date)s") % {"date": consilium.held_on.strftime("%d.%m.%Y")}
    if consilium.number:
        reason += " " + _("(протокол № %(n)s)") % {"n": consilium.number}
    if decision.override_reason:
        reason += ": " + decision.override_reason
    return reason + "."


@transaction.atomic
def hold_consilium(consilium: Consilium, *, actor, expected_revision: int | None = None, request=None) -> Consilium:
    """Hold a prepared consilium: its decisions take effect on its date and become final.

    Needs at least one participant and, for every graduate, a decided level. A level other than
    the one in force on the date — or any level of a graduate whose level is still provisional
    (the primary consilium confirms it) — is written to the level history with the consilium as
    its basis and linked to the decision; a kept level writes nothing. A plan approved by the
    consilium is approved if it is still a draft; one sent back stays a draft (the decision says so).
    """
    locked = _lock_consilium(consilium, expected_revision)
    _require_holder(actor, locked.service_id)
    if locked.held_on > _today():
        raise DomainError(
            _("Консилиум назначен на %(date)s: провести его можно в этот день или позже.")
            % {"date": locked.held_on.strftime("%d.%m.%Y")},
            field="held_on",
        )
    if not locked.participants.exists() and not locked.attracted_participants.strip():
        raise DomainError(_("Укажите участников консилиума."), field="participants")
    decisions = list(
        ConsiliumDecision.objects.select_for_update(of=("self",))
        .filter(consilium=locked)
        .select_related("graduate", "case", "level", "plan")
        .order_by("pk")
    )
    if not decisions:
        raise DomainError(_("На консилиум не добавлен ни один выпускник."), field="decisions")
    undecided = [d for d in decisions if d.level_id is None]
    if undecided:
        raise DomainError(
            _("Не принято решение об уровне: %(names)s.") % {"names": ", ".join(str(d.graduate) for d in undecided)},
            field="decisions",
        )
    list(SupportCase.objects.select_for_update().filter(pk__in=[d.case_id for d in decisions]).order_by("pk"))
    cases = SupportCase.objects.on_support(locked.held_on).filter(
        pk__in=[d.case_id for d in decisions], graduate__service_id=locked.service_id
    )
    on_support = set(cases.values_list("pk", flat=True))
    chair = locked.chair or actor
    for decision in decisions:
        if decision.case_id not in on_support:
            raise DomainError(
                _("%(name)s не на сопровождении в службе на дату консилиума: уберите его из списка.")
                % {"name": decision.graduate},
                field="decisions",
            )
        check_override(decision.level, decision.suggested_level, decision.override_reason)
        current = decision.case.level_change_on(locked.held_on)
        decision.level_before = current.level if current else None
        fields = ["level_before"]
        if current is None or current.level_id != decision.level_id or current.basis == LevelChange.Basis.PROVISIONAL:
            decision.level_change = LevelChange.objects.create(
                case_id=decision.case_id,
                level=decision.level,
                effective_from=locked.held_on,
                basis=LevelChange.Basis.CONSILIUM,
                reason=_decision_reason(locked, decision),
                decided_by=chair,
            )
            fields.append("level_change")
        changes: dict[str, list[Any]] = {"consilium_decision": [None, str(locked)]}
        if decision.level_change is not None:
            changes["support_level"] = [current.level.name if current else None, decision.level.name]
        _apply_plan_decision(decision, locked, actor, request)
        save_bumped(decision, fields)
        audit.record(Action.UPDATE, request=request, actor=actor, obj=decision.graduate, changes=changes)
    locked.status = Consilium.Status.HELD
    marker = save_bumped(locked, ["status"])
    audit.record(
        Action.UPDATE,
        request=request,
        actor=actor,
        obj=locked,
        record_ids=[d.graduate_id for d in decisions],
        changes={"consilium_status": [Consilium.Status.PREPARED, Consilium.Status.HELD], **marker},
    )
    return locked


def _apply_plan_decision(decision: ConsiliumDecision, consilium: Consilium, actor, request) -> None:
    from opora.support.services import approve_plan

    if decision.plan_decision != ConsiliumDecision.PlanDecision.APPROVED or decision.plan is None:
        return
    if decision.plan.status != SupportPlan.Status.DRAFT:
        return
    try:
        approve_plan(decision.plan, actor=actor, on=consilium.held_on, request=request)
    except DomainError as err:
        raise DomainError(f"{decision.graduate}: {err.message}", field="decisions") from None


# --- The preparation list ----------------------------------------------------------------------


def _day_of_quarter(year: int, quarter: int) -> dt.date:
    """The day the list is built for: today within the quarter, else the quarter's nearest end."""
    first, last = quarter_bounds(year, quarter)
    return min(max(_today(), first), last)


def candidates(service, year: int, quarter: int, *, consilium: Consilium | None = None, day: dt.date | None = None):
    """Every case on support in ``service`` (on ``day``: today within the quarter), annotated by the database:

    * ``level_id`` / ``level_basis`` — the level in force and its basis;
    * ``due`` — no primary or quarterly consilium held this quarter decided on the graduate;
    * ``provisional`` — the level is still provisional: the primary consilium is due;
    * ``assessment_id``, ``assessed_on``, ``suggested_level_id`` — the latest current assessment
      and the level the region's rule suggests from it;
    * ``change`` — the sum over domains of |severity − previous severity| between the last two
      current assessments (None without two);
    * ``differs`` — the suggestion differs from the level in force;
    * ``in_consilium`` — already on ``consilium``'s list.
    """
    day = day or _day_of_quarter(year, quarter)
    levels = LevelChange.objects.filter(case=OuterRef("pk"), effective_from__lte=day).order_by("-effective_from", "-id")
    assessments = Assessment.objects.current().filter(graduate=OuterRef("graduate"), assessed_on__lte=day)
    latest = assessments.order_by("-assessed_on", "-id")
    held = ConsiliumDecision.objects.filter(
        graduate=OuterRef("graduate"),
        consilium__status=Consilium.Status.HELD,
        consilium__year=year,
        consilium__quarter=quarter,
        consilium__kind__in=REGULAR_KINDS,
    )
    previous_severity = AssessmentDomain.objects.filter(
        assessment_id=OuterRef(OuterRef("previous_id")), domain_id=OuterRef("domain_id")
    ).values("severity")[:1]
    change = (
        AssessmentDomain.objects.filter(assessment_id=OuterRef("assessment_id"))
        .annotate(step=Abs(F("severity") - Subquery(previous_severity)))
        .values("assessment_id")
        .annotate(total=Sum("step"))
        .values("total")[:1]
    )
    rows = (
        SupportCase.objects.on_support(day)
        .filter(graduate__service=service, status=SupportCase.Status.ACTIVE)
        .select_related("graduate", "specialist")
        .annotate(
            level_id=Subquery(levels.values("level_id")[:1]),
            level_basis=Subquery(levels.values("basis")[:1]),
            assessment_id=Subquery(latest.values("pk")[:1]),
            assessed_on=Subquery(latest.values("assessed_on")[:1]),
            suggested_level_id=Subquery(latest.values("suggested_level_id")[:1]),
            previous_id=Subquery(latest.values("pk")[1:2]),
        )
        .annotate(
            change=Subquery(change),
            due=~Exists(held),
            provisional=ExpressionWrapper(Q(level_basis=LevelChange.Basis.PROVISIONAL), output_field=BooleanField()),
            differs=ExpressionWrapper(
                Q(suggested_level_id__isnull=False) & ~Q(suggested_level_id=F("level_id")), output_field=BooleanField()
            ),
        )
    )
    if consilium is not None:
        rows = rows.annotate(
            in_consilium=Exists(ConsiliumDecision.objects.filter(consilium=consilium, graduate=OuterRef("graduate")))
        )
    return rows


CANDIDATE_ORDERINGS = {
    "change": (F("change").desc(nulls_last=True), "graduate__last_name", "graduate__first_name", "pk"),
    "name": ("graduate__last_name", "graduate__first_name", "pk"),
    "assessed": (F("assessed_on").asc(nulls_first=True), "graduate__last_name", "pk"),
}


def ordered_candidates(rows, sort: str = "change"):
    return rows.order_by(*CANDIDATE_ORDERINGS.get(sort, CANDIDATE_ORDERINGS["change"]))
