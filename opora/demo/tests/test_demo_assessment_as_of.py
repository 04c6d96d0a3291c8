"""The demo's assessments and consilia are the same for the same ``--as-of`` and coherent on any day."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from opora.assessment.models import Assessment, AssessmentDifficulty, Consilium, ConsiliumDecision, Monitoring
from opora.conftest import suite_today
from opora.support.models import LevelChange

pytestmark = pytest.mark.django_db
GRADUATES = 150


def load(as_of: dt.date) -> None:
    call_command("load_demo", graduates=GRADUATES, as_of=as_of, stdout=io.StringIO())


def digest() -> str:
    """The assessment data by natural keys (names, dates), not by ids."""
    lines = []

    def who(graduate) -> str:
        return f"{graduate.last_name} {graduate.first_name} {graduate.birth_date}"

    for a in Assessment.objects.select_related("graduate", "suggested_level").prefetch_related("domains"):
        scores = ",".join(f"{d.severity}/{d.graduate_severity}" for d in a.domains.all())
        lines.append(f"A {who(a.graduate)} {a.kind} {a.assessed_on} {a.suggested_level} {scores} {a.conclusion}")
    for d in AssessmentDifficulty.objects.select_related("assessment__graduate", "difficulty_type"):
        lines.append(f"D {who(d.assessment.graduate)} {d.assessment.assessed_on} {d.label} {d.status}")
    for m in Monitoring.objects.select_related("graduate"):
        lines.append(f"M {who(m.graduate)} {m.monitored_on} {m.outcome}")
    for d in ConsiliumDecision.objects.select_related("consilium__service", "graduate", "level", "level_before"):
        c = d.consilium
        lines.append(f"C {c.service.name} {c.kind} {c.held_on} {c.status} {who(d.graduate)} {d.level_before}>{d.level}")
    for change in LevelChange.objects.select_related("case__graduate", "level"):
        lines.append(f"L {who(change.case.graduate)} {change.effective_from} {change.level} {change.basis}")
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def test_the_same_as_of_day_gives_the_same_assessments_and_consilia():
    digests = []
    for _run in range(2):
        with transaction.atomic():
            load(suite_today())
            assert Assessment.objects.exists()
            digests.append(digest())
            transaction.set_rollback(True)
    assert digests[0] == digests[1]


@pytest.mark.parametrize(
    "as_of", [dt.date(2027, 3, 26), dt.date(2027, 4, 1)], ids=["after-the-quarter-s-consilium-day", "first-day"]
)
def test_on_another_day_the_consilia_still_make_the_level_history(as_of):
    """As of the last week of a quarter (its consilium day passed) and the first day of the next."""
    load(as_of)
    assert Assessment.objects.filter(assessed_on__gt=as_of).count() == 0
    for change in LevelChange.objects.filter(basis=LevelChange.Basis.CONSILIUM).select_related("consilium_decision"):
        assert change.consilium_decision.consilium.held_on == change.effective_from <= as_of
    prepared = Consilium.objects.get(status=Consilium.Status.PREPARED)
    assert prepared.held_on == as_of
    held_now = Consilium.objects.filter(status=Consilium.Status.HELD, held_on__gte=dt.date(2027, 1, 1))
    if as_of.month == 3:  # this quarter's consilia of the other services are held; none changed a level
        assert held_now.filter(kind=Consilium.Kind.QUARTERLY).exclude(service=prepared.service).exists()
        assert (
            not ConsiliumDecision.objects.filter(consilium__in=held_now, consilium__kind="quarterly")
            .exclude(level_change=None)
            .exists()
        )
