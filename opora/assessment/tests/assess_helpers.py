"""What the assessment-card tests («assess» area) share: a graduate long on support, dates by quarter,
and the answers of an assessment built from a few scores.

The other areas' fixtures live in conftest.py; these are plain functions and fixtures imported by
the test_assess_*.py modules.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opora.assessment import services
from opora.assessment.models import DifficultyType, quarter_bounds, quarter_of
from opora.conftest import years_ago
from opora.registry.models import Consent
from opora.support.models import Domain, SupportCase
from opora.support.tests.conftest import CONSENT_SCOPE

# How long before «today» the graduates of these tests went on support.
ON_SUPPORT_DAYS = 800


def quarter_day(back: int = 0, *, day: int = 5) -> dt.date:
    """A day of the quarter ``back`` quarters before today's (today's quarter: its first day, never after today)."""
    year, quarter = quarter_of(timezone.localdate())
    index = year * 4 + (quarter - 1) - back
    first, _last = quarter_bounds(index // 4, index % 4 + 1)
    return first if back == 0 else first + dt.timedelta(days=day - 1)


def answers(region_id: int, scores: dict[str, int] | None = None, **per_domain) -> dict[int, dict]:
    """Answers for every active domain of the region: 0 «без трудностей» unless ``scores`` says
    otherwise (by domain name); ``per_domain`` adds fields by domain name, e.g.
    ``Жильё={"difficulty_types": [...], "texts": [...]}``."""
    scores = scores or {}
    out = {}
    for domain in Domain.objects.filter(region_id=region_id, is_active=True):
        entry = {"severity": scores.get(domain.name, 0), "reason": f"Обоснование: {domain.name}"}
        entry.update(per_domain.get(domain.name.replace(" ", "_"), {}))
        out[domain.pk] = entry
    return out


def difficulty(region_id: int, domain: str, n: int = 0) -> DifficultyType:
    """The ``n``-th catalogue difficulty of ``domain`` in the region."""
    return DifficultyType.objects.filter(region_id=region_id, domain__name=domain).order_by("order", "id")[n]


def found(assessment) -> dict[str, str]:
    """{difficulty label: status} of an assessment (closed rows included)."""
    return {d.label: d.status for d in assessment.difficulties.select_related("difficulty_type")}


@pytest.fixture
def long_case(make_active_case, make_graduate, service):
    """Make a graduate of ``service`` (20 years old) on support since ``ON_SUPPORT_DAYS`` days ago."""

    def make(last_name: str = "Оценкина", **fields) -> SupportCase:
        graduate = make_graduate(service, last_name=last_name, birth_date=years_ago(20), **fields)
        signed = timezone.localdate() - dt.timedelta(days=ON_SUPPORT_DAYS)
        Consent.objects.create(graduate=graduate, given_at=signed - dt.timedelta(days=20), scope=CONSENT_SCOPE)
        return make_active_case(graduate, signed_at=signed)

    return make


@pytest.fixture
def on_support(long_case):
    """A graduate long on support (the case)."""
    return long_case()


@pytest.fixture
def assess(specialist):
    """Write an assessment of ``case`` on ``day`` with ``scores`` (see :func:`answers`)."""

    def write(case, day: dt.date, scores: dict[str, int] | None = None, *, actor=None, **fields):
        per_domain = {k: v for k, v in fields.items() if isinstance(v, dict) and k not in ("domains", "monitoring")}
        rest = {k: v for k, v in fields.items() if k not in per_domain}
        region_id = case.graduate.service.region_id
        return services.create_assessment(
            case,
            actor=actor or specialist,
            assessed_on=day,
            conclusion=rest.pop("conclusion", "Заключение специалиста"),
            domains=rest.pop("domains", None) or answers(region_id, scores, **per_domain),
            **rest,
        )

    return write
