"""Workflows of the life-situation assessment and the half-yearly monitoring (issue 8, points 1–4).

Each function runs in one transaction, checks the rules of the domain, raises
:class:`~opora.core.errors.DomainError` with a Russian message when they refuse, and writes the
audit event in the same transaction. Views (HTML and API alike) only call these.

* :func:`setup_region_assessment` — the default catalogue of difficulties and level rule of a
  region (run whenever the support directories are set up: ``opora.support.signals.region_set_up``);
* :func:`create_assessment`, :func:`correct_assessment` — the assessment card; a correction
  replaces the original (kept readable) and recomputes what follows;
* :func:`restatus_from` — the statuses of the found difficulties (new / persisting) and the
  closed rows, exact at write time, against the graduate's previous *current* assessment by
  (``assessed_on``, ``id``), across cases and services, whatever quarters were skipped;
* :func:`record_monitoring` — the monitoring indicators and the criteria of social adaptation,
  once per graduate and half-year, alone or with the quarterly assessment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.assessment import events
from opora.assessment.defaults import DEFAULT_DIFFICULTIES, DEFAULT_LEVEL_RULES
from opora.assessment.models import (
    Assessment,
    AssessmentDifficulty,
    AssessmentDomain,
    AssessmentTask,
    DifficultyType,
    LevelRule,
    Monitoring,
    Severity,
    half_of,
    quarter_of,
    suggest_level,
)
from opora.core import audit
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.core.validators import FACT, check_date
from opora.core.versioning import lock_for_edit, save_bumped
from opora.support.models import Domain, SupportCase, SupportLevel

Action = AuditEvent.Action
Status = AssessmentDifficulty.Status

# The longest text of a difficulty typed by hand (AssessmentDifficulty.text).
TEXT_MAX = AssessmentDifficulty._meta.get_field("text").max_length
REASON_MAX = Assessment._meta.get_field("correction_reason").max_length


def _fmt(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


# --- The region's defaults -----------------------------------------------------------------------


@transaction.atomic
def setup_region_assessment(region) -> None:
    """Give a region the default catalogue of typical difficulties and the level rule it has none of.

    The catalogue goes to the region's domains by name (a domain the region renamed or does not
    have gets nothing); the rule's levels are the region's active levels by their order (1 = the
    most intensive). Running it again changes nothing.
    """
    if not DifficultyType.objects.filter(region=region).exists():
        domains = {d.name: d for d in Domain.objects.filter(region=region)}
        DifficultyType.objects.bulk_create(
            DifficultyType(region=region, domain=domains[domain_name], name=name, order=order)
            for domain_name, names in DEFAULT_DIFFICULTIES.items()
            if domain_name in domains
            for order, name in enumerate(names, 1)
        )
    if not LevelRule.objects.filter(region=region).exists():
        levels = list(SupportLevel.objects.filter(region=region, is_active=True).order_by("order", "id"))
        LevelRule.objects.bulk_create(
            LevelRule(region=region, order=order, min_severity=severity, min_domains=count, level=levels[n - 1])
            for order, severity, count, n in DEFAULT_LEVEL_RULES
            if 0 < n <= len(levels)
        )


def on_region_set_up(sender, region, **kwargs) -> None:
    """The receiver of ``opora.support.signals.region_set_up`` (connected in AssessmentConfig.ready)."""
    setup_region_assessment(region)


# --- Reading the domain input ----------------------------------------------------------------------


def domain_field(domain_id: int, name: str) -> str:
    """The name of a domain's field in the assessment form (and of the field a refusal names)."""
    return f"d{domain_id}_{name}"


@dataclass
class DomainInput:
    """One domain of an assessment, checked: the score, its reason, the graduate's own, the difficulties."""

    domain: Domain
    severity: int
    reason: str
    graduate_severity: int | None = None
    graduate_comment: str = ""
    notes: str = ""
    # (difficulty type or None, text) in the order given, deduplicated by key.
    difficulties: list[tuple[DifficultyType | None, str]] = field(default_factory=list)


def _severity(value, *, field_name: str, required: bool) -> int | None:
    if value in (None, ""):
        if required:
            raise DomainError(_("Выберите оценку по шкале."), field=field_name)
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number not in Severity.values:
        raise DomainError(_("Оценка — одна из ступеней шкалы от 0 до 4."), field=field_name)
    return number


def _text(value) -> str:
    return "\n".join(line.rstrip() for line in str(value or "").strip().splitlines())


def difficulty_texts(value) -> list[str]:
    """Free-text difficulties as a list: a text of several lines gives one difficulty a line."""
    if value is None:
        return []
    items = value.splitlines() if isinstance(value, str) else [line for v in value for line in str(v).splitlines()]
    return [" ".join(item.split()) for item in items if item.strip()]


def _by_domain(domains) -> dict[int, dict]:
    """``domains`` as {domain id: fields}: a mapping keyed by Domain or id, or a list of dicts with «domain»."""
    out: dict[int, dict] = {}
    items: Iterable[tuple[Any, Mapping]]
    if isinstance(domains, Mapping):
        items = domains.items()
    else:
        items = []
        for entry in domains or []:
            if not isinstance(entry, Mapping) or "domain" not in entry:
                raise DomainError(_("Для каждой сферы укажите, какая это сфера."), field="domains")
            items.append((entry["domain"], entry))
    for key, entry in items:
        pk = key.pk if isinstance(key, Domain) else key
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise DomainError(_("Неизвестная сфера жизнедеятельности."), field="domains") from None
        if pk in out:
            raise DomainError(_("Каждая сфера оценивается один раз."), field="domains")
        out[pk] = dict(entry)
    return out


def check_domains(region_id: int, domains) -> list[DomainInput]:
    """Check the per-domain input against the region's directory: every active domain answered,
    a reason for every score, catalogue difficulties of the domain and region, typed ones trimmed
    and deduplicated. Returns the domains in the directory's order."""
    given = _by_domain(domains)
    active = list(Domain.objects.filter(region_id=region_id, is_active=True).order_by("order", "name"))
    known = {d.pk: d for d in Domain.objects.filter(region_id=region_id, pk__in=list(given))}
    unknown = [pk for pk in given if pk not in known]
    if unknown:
        raise DomainError(
            _("Сфера не из справочника региона: оцените сферы, которые предлагает форма."), field="domains"
        )
    missing = [d for d in active if d.pk not in given]
    if missing:
        raise DomainError(
            _("Оцените все сферы: не оценены %(names)s.") % {"names": ", ".join(f"«{d.name}»" for d in missing)},
            field=domain_field(missing[0].pk, "severity"),
        )
    inactive = [known[pk] for pk in given if not known[pk].is_active]
    if inactive:
        raise DomainError(
            _("Сфера «%(name)s» больше не используется в регионе.") % {"name": inactive[0].name}, field="domains"
        )
    types = {
        t.pk: t
        for t in DifficultyType.objects.filter(region_id=region_id, domain_id__in=list(given)).select_related("domain")
    }
    names = {(t.domain_id, AssessmentDifficulty.key_for(None, t.name)): t for t in types.values() if t.is_active}
    seen: set[str] = set()
    out = []
    for domain in active:
        entry = given[domain.pk]
        severity = _severity(entry.get("severity"), field_name=domain_field(domain.pk, "severity"), required=True)
        reason = _text(entry.get("reason"))
        if not reason:
            raise DomainError(
                _("Обоснуйте оценку сферы «%(name)s»: почему именно эта ступень шкалы.") % {"name": domain.name},
                field=domain_field(domain.pk, "reason"),
            )
        item = DomainInput(
            domain=domain,
            severity=severity,
            reason=reason,
            graduate_severity=_severity(
                entry.get("graduate_severity"), field_name=domain_field(domain.pk, "graduate_severity"), required=False
            ),
            graduate_comment=_text(entry.get("graduate_comment")),
            notes=_text(entry.get("notes")),
        )
        for raw in entry.get("difficulty_types") or []:
            pk = raw.pk if isinstance(raw, DifficultyType) else raw
            kind = types.get(int(pk)) if str(pk).isdigit() else None
            if kind is None or kind.domain_id != domain.pk:
                raise DomainError(
                    _("Трудность не из каталога сферы «%(name)s».") % {"name": domain.name},
                    field=domain_field(domain.pk, "difficulty_types"),
                )
            key = AssessmentDifficulty.key_for(kind.pk)
            if key not in seen:
                seen.add(key)
                item.difficulties.append((kind, ""))
        for text in difficulty_texts(entry.get("texts")):
            if len(text) > TEXT_MAX:
                raise DomainError(
                    _("Трудность «%(start)s…» длиннее %(max)s знаков: сократите её.")
                    % {"start": text[:40], "max": TEXT_MAX},
                    field=domain_field(domain.pk, "texts"),
                )
            typed_key = AssessmentDifficulty.key_for(None, text)
            # A typed difficulty that is a catalogue item of the domain is that item.
            kind = names.get((domain.pk, typed_key))
            key = AssessmentDifficulty.key_for(kind.pk) if kind else typed_key
            if key not in seen:
                seen.add(key)
                item.difficulties.append((kind, "" if kind else text))
        out.append(item)
    return out


# --- Locks and checks ------------------------------------------------------------------------------


def _lock_case(case: SupportCase) -> SupportCase:
    """The case re-read under a row lock (its own row only), with its graduate and service."""
    list(SupportCase.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    return SupportCase.objects.select_related("graduate", "graduate__service").get(pk=case.pk)


def check_assessed_on(case: SupportCase, day: dt.date, *, field_name: str = "assessed_on") -> dt.date:
    """A date of an assessment or a monitoring: a fact, not before the case went on support, on support that day."""
    if day is None:
        raise DomainError(_("Укажите дату."), field=field_name)
    check_date(
        day,
        kind=FACT,
        field=field_name,
        birth_date=case.graduate.birth_date,
        not_before=case.activated_at,
        not_before_message=(
            _("Дата не может быть раньше постановки на сопровождение (%(date)s).") % {"date": _fmt(case.activated_at)}
            if case.activated_at
            else ""
        ),
    )
    if not SupportCase.objects.on_support(day).filter(pk=case.pk).exists():
        raise DomainError(
            _(
                "Оценка и мониторинг ведутся только для выпускника на сопровождении: %(date)s он не был на сопровождении."
            )
            % {"date": _fmt(day)},
            field=field_name,
        )
    return day


def quarter_taken_message(year: int, quarter: int) -> str:
    return _(
        "За %(q)s квартал %(y)s г. у выпускника уже есть ежеквартальная оценка: откройте её и исправьте, "
        "если нужно, или проведите внеочередную."
    ) % {"q": quarter, "y": year}


def _check_quarter_free(graduate_id: int, year: int, quarter: int, *, kind: str, exclude: int | None = None) -> None:
    if kind != Assessment.Kind.QUARTERLY:
        return
    taken = Assessment.objects.current().filter(
        graduate_id=graduate_id, kind=Assessment.Kind.QUARTERLY, year=year, quarter=quarter
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise DomainError(quarter_taken_message(year, quarter), field="assessed_on")


def _check_task(task: AssessmentTask | None, graduate_id: int, assessed_on: dt.date) -> AssessmentTask | None:
    """The task the assessment does: the one named, or else the graduate's open reassessment task
    when the assessment comes after the events that set it (a reassessment after a life event is
    done by the next assessment, whichever kind the specialist chose)."""
    if task is None:
        return (
            AssessmentTask.objects.select_for_update(of=("self",))
            .filter(graduate_id=graduate_id, status=AssessmentTask.Status.OPEN)
            .exclude(events__occurred_on__gt=assessed_on)
            .order_by("due_on", "id")
            .first()
        )
    locked = AssessmentTask.objects.select_for_update(of=("self",)).filter(pk=task.pk).first()
    if locked is None or locked.graduate_id != graduate_id:
        raise DomainError(_("Задача внеочередной оценки не относится к этому выпускнику."), field="task")
    if locked.status != AssessmentTask.Status.OPEN:
        raise DomainError(_("Задача внеочередной оценки уже закрыта."), field="task")
    return locked


# --- Writing an assessment -------------------------------------------------------------------------


def _write(
    case: SupportCase,
    *,
    actor,
    assessed_on: dt.date,
    conclusion: str,
    items: list[DomainInput],
    kind: str,
    task: AssessmentTask | None,
    corrects: Assessment | None = None,
    correction_reason: str = "",
) -> Assessment:
    graduate = case.graduate
    year, quarter = quarter_of(assessed_on)
    severities = [i.severity for i in items]
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                graduate=graduate,
                case=case,
                service_id=graduate.service_id,
                kind=kind,
                assessed_on=assessed_on,
                year=year,
                quarter=quarter,
                conclusion=conclusion,
                suggested_level=suggest_level(graduate.service.region_id, severities),
                task=task,
                corrects=corrects,
                correction_reason=correction_reason,
                author=actor,
            )
    except IntegrityError:
        raise DomainError(quarter_taken_message(year, quarter), field="assessed_on") from None
    AssessmentDomain.objects.bulk_create(
        AssessmentDomain(
            assessment=assessment,
            domain=i.domain,
            severity=i.severity,
            reason=i.reason,
            graduate_severity=i.graduate_severity,
            graduate_comment=i.graduate_comment,
            notes=i.notes,
        )
        for i in items
    )
    AssessmentDifficulty.objects.bulk_create(
        AssessmentDifficulty(
            assessment=assessment,
            domain=i.domain,
            difficulty_type=kind_,
            text=text,
            key=AssessmentDifficulty.key_for(kind_.pk if kind_ else None, text),
            # The real status is written by restatus_from, against the previous assessment.
            status=Status.NEW,
        )
        for i in items
        for kind_, text in i.difficulties
    )
    if task is not None:
        events.complete_task(task, assessment, actor=actor)
    return assessment


def _check_conclusion(conclusion) -> str:
    text = _text(conclusion)
    if not text:
        raise DomainError(_("Напишите короткое заключение по итогам оценки."), field="conclusion")
    return text


def _summary(assessment: Assessment, items: list[DomainInput]) -> dict[str, Any]:
    """What the audit log keeps of an assessment: the quarter, the scores, the suggested level."""
    return {
        "assessed_on": [None, assessment.assessed_on.isoformat()],
        "quarter": [None, f"{assessment.quarter}/{assessment.year}"],
        "severities": [None, {i.domain.name: i.severity for i in items}],
        "suggested_level": [None, str(assessment.suggested_level) if assessment.suggested_level else None],
    }


@transaction.atomic
def create_assessment(
    case: SupportCase,
    *,
    actor,
    assessed_on: dt.date,
    conclusion: str,
    domains,
    kind: str = Assessment.Kind.QUARTERLY,
    task: AssessmentTask | None = None,
    monitoring: Mapping[str, Any] | None = None,
    request=None,
) -> Assessment:
    """Write a life-situation assessment of a graduate on support (and, if given, the monitoring with it).

    ``domains``: per domain of the region's directory {severity, reason, graduate_severity,
    graduate_comment, notes, difficulty_types: [ids], texts: [free-text difficulties]}, as a
    mapping keyed by the domain (or its id) or a list of dicts with «domain».
    """
    if kind not in Assessment.Kind.values:
        raise DomainError(_("Неизвестный вид оценки."), field="kind")
    case = _lock_case(case)
    graduate = case.graduate
    check_assessed_on(case, assessed_on)
    conclusion = _check_conclusion(conclusion)
    items = check_domains(graduate.service.region_id, domains)
    year, quarter = quarter_of(assessed_on)
    _check_quarter_free(graduate.pk, year, quarter, kind=kind)
    task = _check_task(task, graduate.pk, assessed_on)
    assessment = _write(
        case, actor=actor, assessed_on=assessed_on, conclusion=conclusion, items=items, kind=kind, task=task
    )
    restatus_from(graduate, assessment.assessed_on)
    audit.record(Action.CREATE, request=request, actor=actor, obj=assessment, changes=_summary(assessment, items))
    if monitoring is not None:
        _record_monitoring(case, actor=actor, assessment=assessment, request=request, **monitoring)
    return assessment


@transaction.atomic
def correct_assessment(
    original: Assessment,
    *,
    actor,
    reason: str,
    expected_revision: int | None = None,
    assessed_on: dt.date | None = None,
    conclusion: str,
    domains,
    request=None,
) -> Assessment:
    """Replace ``original`` with a corrected assessment; the original stays readable («исправлена»).

    The correction keeps the original's kind, case and task; its date may be corrected too (within
    the same rules). The statuses of every later assessment of the graduate are recomputed.
    """
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise DomainError(_("Укажите причину исправления."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_("Причина исправления — не длиннее %(max)s знаков.") % {"max": REASON_MAX}, field="reason")
    case = _lock_case(original.case)
    locked = lock_for_edit(Assessment.objects.all(), original.pk, expected_revision)
    if locked.replaced_by_id is not None:
        raise DomainError(_("Эта оценка уже исправлена: исправляйте её последнюю редакцию."))
    graduate = case.graduate
    assessed_on = assessed_on or locked.assessed_on
    check_assessed_on(case, assessed_on)
    conclusion = _check_conclusion(conclusion)
    items = check_domains(graduate.service.region_id, domains)
    year, quarter = quarter_of(assessed_on)
    _check_quarter_free(graduate.pk, year, quarter, kind=locked.kind, exclude=locked.pk)
    # The original leaves the current ones first (the one-per-quarter constraint); inside this
    # transaction it points at itself until the correction exists, then at the correction.
    Assessment.objects.filter(pk=locked.pk).update(replaced_by=locked.pk)
    correction = _write(
        case,
        actor=actor,
        assessed_on=assessed_on,
        conclusion=conclusion,
        items=items,
        kind=locked.kind,
        task=None,
        corrects=locked,
        correction_reason=reason,
    )
    correction.task_id = locked.task_id
    correction.save(update_fields=["task"])
    locked.replaced_by = correction
    marker = save_bumped(locked, ["replaced_by"])
    Monitoring.objects.filter(assessment=locked).update(assessment=correction)
    restatus_from(graduate, min(locked.assessed_on, assessed_on))
    audit.record(
        Action.UPDATE,
        request=request,
        actor=actor,
        obj=correction,
        changes={
            **_summary(correction, items),
            "corrects": [None, locked.pk],
            "correction_reason": [None, reason],
            **marker,
        },
    )
    return correction


# --- Statuses of the difficulties ------------------------------------------------------------------


def restatus_from(graduate, day: dt.date) -> int:
    """Recompute the statuses of the difficulties of the graduate's current assessments from ``day`` on.

    For each current assessment on or after ``day`` (by ``assessed_on``, then id) the previous one
    is the graduate's current assessment just before it, whatever its case, service or quarter.
    A found difficulty is *persisting* when the previous one found it too, else *new*; each
    difficulty the previous one found and this one did not is a *closed* row of this one. Runs
    with the graduate's assessments locked. Returns how many assessments were rewritten.
    """
    graduate_id = getattr(graduate, "pk", graduate)
    current = list(
        Assessment.objects.select_for_update()
        .filter(graduate_id=graduate_id, replaced_by__isnull=True)
        .order_by("assessed_on", "id")
        .values_list("pk", "assessed_on")
    )
    start = next((n for n, (_pk, on) in enumerate(current) if on >= day), None)
    if start is None:
        return 0
    window = [pk for pk, _on in current[max(start - 1, 0) :]]
    rows: dict[int, list[AssessmentDifficulty]] = {pk: [] for pk in window}
    for row in AssessmentDifficulty.objects.filter(assessment_id__in=window).order_by("id"):
        rows[row.assessment_id].append(row)
    changed_rows: list[AssessmentDifficulty] = []
    closed_rows: list[AssessmentDifficulty] = []
    previous_found: dict[str, AssessmentDifficulty] = {}
    if start > 0:
        previous_found = {r.key: r for r in rows[window[0]] if r.status in AssessmentDifficulty.FOUND}
    targets = window[1:] if start > 0 else window
    for pk in targets:
        found = [r for r in rows[pk] if r.status in AssessmentDifficulty.FOUND]
        for row in found:
            status = Status.PERSISTING if row.key in previous_found else Status.NEW
            if row.status != status:
                row.status = status
                changed_rows.append(row)
        found_keys = {r.key for r in found}
        closed_rows.extend(
            AssessmentDifficulty(
                assessment_id=pk,
                domain_id=r.domain_id,
                difficulty_type_id=r.difficulty_type_id,
                text=r.text,
                key=r.key,
                status=Status.CLOSED,
            )
            for key, r in previous_found.items()
            if key not in found_keys
        )
        previous_found = {r.key: r for r in found}
    AssessmentDifficulty.objects.filter(assessment_id__in=targets, status=Status.CLOSED).delete()
    if changed_rows:
        AssessmentDifficulty.objects.bulk_update(changed_rows, ["status"])
    if closed_rows:
        AssessmentDifficulty.objects.bulk_create(closed_rows)
    return len(targets)


# --- Monitoring ------------------------------------------------------------------------------------


def monitoring_due(graduate, day: dt.date | None = None) -> bool:
    """Whether the graduate has no monitoring in the half-year of ``day`` (today by default)."""
    year, half = half_of(day or timezone.localdate())
    return not Monitoring.objects.filter(graduate=graduate, year=year, half=half).exists()


def half_taken_message(year: int, half: int) -> str:
    return _("За %(h)s полугодие %(y)s г. мониторинг выпускника уже проведён.") % {"h": half, "y": year}


def _record_monitoring(
    case: SupportCase,
    *,
    actor,
    monitored_on: dt.date | None = None,
    assessment: Assessment | None = None,
    outcome: str = "",
    comment: str = "",
    request=None,
    **fields,
) -> Monitoring:
    graduate = case.graduate
    if assessment is not None:
        monitored_on = monitored_on or assessment.assessed_on
        if assessment.graduate_id != graduate.pk:
            raise DomainError(_("Оценка относится к другому выпускнику."), field="assessment")
    check_assessed_on(case, monitored_on, field_name="monitored_on")
    unknown = set(fields) - set(Monitoring.INDICATORS) - set(Monitoring.CRITERIA)
    if unknown:
        raise DomainError(_("Неизвестное поле мониторинга: %(name)s.") % {"name": ", ".join(sorted(unknown))})
    values: dict[str, Any] = {}
    for name in Monitoring.INDICATORS:
        text = _text(fields.get(name))
        if not text:
            label = Monitoring._meta.get_field(name).verbose_name
            raise DomainError(_("Заполните показатель «%(label)s».") % {"label": label}, field=name)
        values[name] = text
    for name in Monitoring.CRITERIA:
        values[name] = bool(fields.get(name))
    if outcome not in Monitoring.Outcome.values:
        raise DomainError(_("Выберите итог: насколько выпускник социализирован."), field="outcome")
    year, half = half_of(monitored_on)
    if Monitoring.objects.filter(graduate=graduate, year=year, half=half).exists():
        raise DomainError(half_taken_message(year, half), field="monitored_on")
    try:
        with transaction.atomic():
            monitoring = Monitoring.objects.create(
                graduate=graduate,
                case=case,
                service_id=graduate.service_id,
                assessment=assessment,
                monitored_on=monitored_on,
                year=year,
                half=half,
                outcome=outcome,
                comment=_text(comment),
                author=actor,
                **values,
            )
    except IntegrityError:
        raise DomainError(half_taken_message(year, half), field="monitored_on") from None
    audit.record(
        Action.CREATE,
        request=request,
        actor=actor,
        obj=monitoring,
        changes={
            "monitored_on": [None, monitored_on.isoformat()],
            "outcome": [None, outcome],
            "criteria": [None, [n for n in Monitoring.CRITERIA if values[n]]],
        },
    )
    return monitoring


@transaction.atomic
def record_monitoring(
    case: SupportCase,
    *,
    actor,
    monitored_on: dt.date | None = None,
    assessment: Assessment | None = None,
    outcome: str = "",
    comment: str = "",
    request=None,
    **fields,
) -> Monitoring:
    """Record the half-yearly monitoring: seven indicators (text, required), the criteria of social
    adaptation met, the outcome. One per graduate and half-year; only on support that day."""
    case = _lock_case(case)
    return _record_monitoring(
        case,
        actor=actor,
        monitored_on=monitored_on,
        assessment=assessment,
        outcome=outcome,
        comment=comment,
        request=request,
        **fields,
    )
