"""A level other than the one the region's rule suggests needs a reason."""

from __future__ import annotations

import pytest

from opora.assessment import consilium as consilia
from opora.assessment.tests.conftest import INTENSIVE, MONITORING, days_ago  # noqa: F401
from opora.assessment.tests.consilium_factories import make_assessment
from opora.assessment.tests.consilium_fixtures import hold
from opora.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(active_case, level_rules, prepare, coordinator):
    make_assessment(active_case, days_ago(3), {"Жильё": 4})
    (decision,) = consilia.add_graduates(prepare(), [active_case], actor=coordinator)
    return decision


def test_overriding_the_suggestion_without_a_reason_is_refused(decision, levels, coordinator):
    with pytest.raises(DomainError) as err:
        consilia.update_decision(decision, actor=coordinator, level=levels[MONITORING], override_reason=" ")
    assert err.value.field == "override_reason"
    assert "Интенсивный" in err.value.message
    decision.refresh_from_db()
    assert decision.level == levels[INTENSIVE]


def test_an_override_with_its_reason_is_written_and_held(decision, levels, coordinator, today):
    consilia.update_decision(
        decision,
        actor=coordinator,
        expected_revision=decision.revision,
        level=levels[MONITORING],
        override_reason="Жильё получено вчера, оценка устарела.",
    )
    hold(decision.consilium, coordinator)

    decision.refresh_from_db()
    assert decision.level == levels[MONITORING]
    assert "Жильё получено вчера" in decision.level_change.reason
    assert decision.case.level_on(today) == levels[MONITORING]


def test_a_stale_decision_edit_is_refused(decision, levels, coordinator):
    consilia.update_decision(decision, actor=coordinator, notes="Обсудили")
    with pytest.raises(DomainError) as err:
        consilia.update_decision(decision, actor=coordinator, expected_revision=decision.revision, notes="Другое")
    assert err.value.code == "stale"
