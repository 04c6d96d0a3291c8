"""Assessments written straight into the models, for the trajectory and summary-card tests.

The assessment services are another area's; these tests need exact, hand-made data: scores per
domain, the graduate's own ratings and difficulties with the statuses given — nothing computed.
"""

from __future__ import annotations

import datetime as dt

from opora.assessment.models import Assessment, AssessmentDifficulty, AssessmentDomain, quarter_of
from opora.support.models import Domain, SupportCase


def make_assessment(
    case: SupportCase,
    on: dt.date,
    scores: dict[str, int | tuple[int, int | None]],
    *,
    difficulties: dict[str, list[tuple[str, str]]] | None = None,
    service=None,
    kind: str = Assessment.Kind.QUARTERLY,
    corrects: Assessment | None = None,
    author=None,
) -> Assessment:
    """An assessment of ``case``'s graduate on ``on``.

    ``scores``: domain name -> the specialist's score, or (specialist's, graduate's own). Domains
    not named get 0. ``difficulties``: domain name -> [(text, status)], status one of
    AssessmentDifficulty.Status. ``corrects``: the original this one corrects (it is marked replaced).
    """
    graduate = case.graduate
    region_id = graduate.service.region_id
    year, quarter = quarter_of(on)
    if corrects is not None:
        # Out of the «one current per quarter» constraint first; pointed at its correction below.
        Assessment.objects.filter(pk=corrects.pk).update(replaced_by=corrects)
    assessment = Assessment.objects.create(
        graduate=graduate,
        case=case,
        service=service or graduate.service,
        kind=kind,
        assessed_on=on,
        year=year,
        quarter=quarter,
        conclusion="Заключение",
        corrects=corrects,
        correction_reason="Исправление ошибки" if corrects else "",
        author=author,
    )
    if corrects is not None:
        Assessment.objects.filter(pk=corrects.pk).update(replaced_by=assessment)
    domains = {d.name: d for d in Domain.objects.filter(region_id=region_id, is_active=True)}
    for name, domain in domains.items():
        value = scores.get(name, 0)
        severity, own = value if isinstance(value, tuple) else (value, None)
        AssessmentDomain.objects.create(
            assessment=assessment, domain=domain, severity=severity, graduate_severity=own, reason="Обоснование"
        )
    for name, rows in (difficulties or {}).items():
        for text, status in rows:
            AssessmentDifficulty.objects.create(
                assessment=assessment,
                domain=domains[name],
                text=text,
                key=AssessmentDifficulty.key_for(None, text),
                status=status,
            )
    return assessment


NEW = AssessmentDifficulty.Status.NEW
PERSISTING = AssessmentDifficulty.Status.PERSISTING
CLOSED = AssessmentDifficulty.Status.CLOSED


def make_case(graduate, level, *, activated: dt.date = dt.date(2026, 1, 20)) -> SupportCase:
    """A case on support since ``activated`` at ``level`` (its first level decision), written directly."""
    from opora.support.models import LevelChange

    case = SupportCase.objects.create(
        graduate=graduate,
        status=SupportCase.Status.ACTIVE,
        identified_at=activated - dt.timedelta(days=10),
        contact_at=activated - dt.timedelta(days=5),
        activated_at=activated,
    )
    LevelChange.objects.create(case=case, level=level, effective_from=activated, reason="Первичное определение")
    return case
