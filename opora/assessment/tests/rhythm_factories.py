"""Records of the rhythm's tests, written directly with the models (not through the services of the
assessment card or the consilium), so that every date is exactly the one a test needs."""

from __future__ import annotations

import datetime as dt

from opora.assessment.models import Assessment, AssessmentTask, Consilium, ConsiliumDecision, LifeEvent, quarter_of
from opora.support.models import LevelChange, SupportCase, SupportLevel


def on_support(graduate, since: dt.date, *, specialist=None, closed_at: dt.date | None = None, basis="initial"):
    """A case of ``graduate`` on support since ``since`` (closed on ``closed_at``), with a level."""
    case = SupportCase.objects.create(
        graduate=graduate,
        specialist=specialist,
        status=SupportCase.Status.CLOSED if closed_at else SupportCase.Status.ACTIVE,
        identified_at=since - dt.timedelta(days=10),
        contact_at=since - dt.timedelta(days=5),
        activated_at=since,
        closed_at=closed_at,
        close_reason="adapted" if closed_at else "",
    )
    level = SupportLevel.objects.filter(region=graduate.service.region).order_by("order").first()
    if level is not None:
        LevelChange.objects.create(case=case, level=level, effective_from=since, basis=basis, reason="—")
    return case


def assessed(case, on: dt.date, *, kind=Assessment.Kind.QUARTERLY, quarter: tuple[int, int] | None = None, **extra):
    """A current assessment of the case's graduate made on ``on`` (for ``quarter``, by default of ``on``)."""
    year, q = quarter or quarter_of(on)
    return Assessment.objects.create(
        graduate=case.graduate,
        case=case,
        service=case.graduate.service,
        kind=kind,
        assessed_on=on,
        year=year,
        quarter=q,
        conclusion="Заключение",
        **extra,
    )


def corrected(original: Assessment, on: dt.date) -> Assessment:
    """Replace ``original`` by a correction; the original stays readable, no longer current."""
    # Out of the «one current quarterly» constraint first (pointing at itself for a moment).
    Assessment.objects.filter(pk=original.pk).update(replaced_by=original.pk)
    correction = Assessment.objects.create(
        graduate=original.graduate,
        case=original.case,
        service=original.service,
        kind=original.kind,
        assessed_on=on,
        year=original.year,
        quarter=original.quarter,
        conclusion="Исправлено",
        corrects=original,
        correction_reason="Ошибка",
    )
    Assessment.objects.filter(pk=original.pk).update(replaced_by=correction.pk)
    return correction


def decided(case, held_on: dt.date, *, status=Consilium.Status.HELD, kind=Consilium.Kind.QUARTERLY):
    """A consilium of the graduate's service on ``held_on`` with a decision on the graduate."""
    year, quarter = quarter_of(held_on)
    consilium = Consilium.objects.create(
        service=case.graduate.service, kind=kind, held_on=held_on, year=year, quarter=quarter, status=status
    )
    return ConsiliumDecision.objects.create(consilium=consilium, graduate=case.graduate, case=case)


def open_task(graduate, due_on: dt.date, *, status=AssessmentTask.Status.OPEN, created_on: dt.date | None = None):
    event = LifeEvent.objects.create(graduate=graduate, kind=LifeEvent.Kind.JOB_LOST, occurred_on=due_on)
    extra = {}
    if created_on is not None:
        extra["created_at"] = dt.datetime.combine(created_on, dt.time(12, 0), tzinfo=dt.UTC)
    task = AssessmentTask.objects.create(graduate=graduate, life_event=event, due_on=due_on, status=status, **extra)
    LifeEvent.objects.filter(pk=event.pk).update(task=task)
    return task
