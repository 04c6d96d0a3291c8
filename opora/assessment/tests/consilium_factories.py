"""Data for the consilium's tests, made directly with the models (the assessment workflows are
another area's): assessments with their domain scores and the suggested level, the region's level
rule, a coordinator's consilium with graduates on it."""

from __future__ import annotations

import datetime as dt

import pytest

from opora.assessment.defaults import DEFAULT_LEVEL_RULES
from opora.assessment.models import Assessment, AssessmentDomain, LevelRule, quarter_of, suggest_level
from opora.support.models import Domain, SupportLevel


def ensure_level_rules(region) -> None:
    """The default level-suggestion rule of ``region`` (once)."""
    if LevelRule.objects.filter(region=region).exists():
        return
    by_order = {level.order: level for level in SupportLevel.objects.filter(region=region)}
    for order, severity, count, level_order in DEFAULT_LEVEL_RULES:
        LevelRule.objects.create(
            region=region, order=order, min_severity=severity, min_domains=count, level=by_order[level_order]
        )


def make_assessment(case, assessed_on: dt.date, severity: int | dict[str, int] = 1, *, author=None, **fields):
    """A current quarterly assessment of ``case``'s graduate: every domain of the region scored
    ``severity`` (or by domain name from a dict, the others 1), the suggested level from the rule."""
    graduate = case.graduate
    region = graduate.service.region
    ensure_level_rules(region)
    domains = list(Domain.objects.filter(region=region, is_active=True).order_by("order"))
    scores = {d.pk: (severity.get(d.name, 1) if isinstance(severity, dict) else severity) for d in domains}
    year, quarter = quarter_of(assessed_on)
    assessment = Assessment.objects.create(
        graduate=graduate,
        case=case,
        service=graduate.service,
        assessed_on=assessed_on,
        year=year,
        quarter=quarter,
        conclusion=fields.pop("conclusion", "Ситуация стабильная."),
        suggested_level=suggest_level(region.pk, list(scores.values())),
        author=author,
        **fields,
    )
    AssessmentDomain.objects.bulk_create(
        AssessmentDomain(assessment=assessment, domain_id=pk, severity=s, reason=f"Оценка {s}")
        for pk, s in scores.items()
    )
    return assessment


@pytest.fixture
def level_rules(support_region, region):
    ensure_level_rules(region)
    return LevelRule.objects.filter(region=region)
