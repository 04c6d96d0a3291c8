"""Monitoring twice a year: seven indicators in words, the criteria of social adaptation met and the
outcome; once per graduate and half-year, alone or with the quarterly assessment (issue 8, point 4)."""

from __future__ import annotations

import pytest

from opora.assessment import services
from opora.assessment.models import Assessment, Monitoring, half_of
from opora.core.errors import DomainError

from .assess_helpers import quarter_day

pytestmark = pytest.mark.django_db


def indicators(**over):
    data = {name: f"Показатель {n}" for n, name in enumerate(Monitoring.INDICATORS, 1)}
    data.update(criterion_education=True, criterion_housing=True, outcome=Monitoring.Outcome.PARTIAL)
    data.update(over)
    return data


def test_a_monitoring_records_its_half_year_and_the_criteria_met(on_support, specialist):
    day = quarter_day(1)

    monitoring = services.record_monitoring(on_support, actor=specialist, monitored_on=day, **indicators())

    assert (monitoring.year, monitoring.half) == half_of(day)
    assert monitoring.criteria_met == ["получает образование или получил профессию", "обеспечен жильём"]
    assert monitoring.service == on_support.graduate.service


@pytest.mark.parametrize("missing", Monitoring.INDICATORS)
def test_every_indicator_is_required(on_support, specialist, missing):
    with pytest.raises(DomainError, match="Заполните показатель") as err:
        services.record_monitoring(
            on_support, actor=specialist, monitored_on=quarter_day(1), **indicators(**{missing: " "})
        )

    assert err.value.field == missing


def test_the_outcome_is_required(on_support, specialist):
    with pytest.raises(DomainError, match="Выберите итог"):
        services.record_monitoring(on_support, actor=specialist, monitored_on=quarter_day(1), **indicators(outcome=""))


def test_one_monitoring_per_half_year(on_support, specialist):
    services.record_monitoring(on_support, actor=specialist, monitored_on=quarter_day(2), **indicators())
    same_half = quarter_day(2, day=20)

    with pytest.raises(DomainError, match="полугодие"):
        services.record_monitoring(on_support, actor=specialist, monitored_on=same_half, **indicators())
    assert Monitoring.objects.count() == 1


def test_monitoring_is_due_until_one_is_made_in_the_half_year(on_support, specialist, today):
    assert services.monitoring_due(on_support.graduate, today)

    services.record_monitoring(on_support, actor=specialist, monitored_on=quarter_day(0), **indicators())

    assert not services.monitoring_due(on_support.graduate, today)


def test_a_monitoring_filled_with_the_assessment_is_saved_with_it_or_not_at_all(on_support, assess):
    with pytest.raises(DomainError, match="Заполните показатель"):
        assess(on_support, quarter_day(1), monitoring=indicators(family_status=""))
    assert not Assessment.objects.exists(), "no half-save: the assessment is not written without its monitoring"

    assessment = assess(on_support, quarter_day(1), monitoring=indicators())

    assert assessment.monitoring.monitored_on == assessment.assessed_on


def test_a_correction_keeps_the_monitoring_with_the_current_assessment(on_support, assess, specialist):
    from .assess_helpers import answers

    original = assess(on_support, quarter_day(1), monitoring=indicators())

    correction = services.correct_assessment(
        original,
        actor=specialist,
        reason="Правка",
        conclusion="Исправлено",
        domains=answers(on_support.graduate.service.region_id),
    )

    assert Monitoring.objects.get().assessment == correction
