"""A held consilium writes its level decisions to the support cycle's level history."""

from __future__ import annotations

import pytest

from opora.assessment import consilium as consilia
from opora.assessment.tests.conftest import INTENSIVE, SUPPORTING, days_ago  # noqa: F401
from opora.assessment.tests.consilium_factories import make_assessment
from opora.assessment.tests.consilium_fixtures import hold
from opora.support.models import LevelChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed_case(active_case, levels, coordinator):
    """``active_case`` whose provisional level an earlier consilium confirmed (same level, 50 days ago)."""
    LevelChange.objects.filter(case=active_case).update(effective_from=days_ago(100))
    active_case.activated_at = days_ago(100)
    active_case.save(update_fields=["activated_at"])
    LevelChange.objects.create(
        case=active_case,
        level=levels[SUPPORTING],
        effective_from=days_ago(50),
        basis=LevelChange.Basis.CONSILIUM,
        reason="Первичный консилиум",
        decided_by=coordinator,
    )
    return active_case


def test_a_decision_to_raise_the_level_changes_the_level_from_the_consilium_date(
    confirmed_case, levels, level_rules, prepare, coordinator, today
):
    make_assessment(confirmed_case, days_ago(5), {"Жильё": 4})
    consilium = prepare()
    (decision,) = consilia.add_graduates(consilium, [confirmed_case], actor=coordinator)
    assert decision.level_before == levels[SUPPORTING]
    assert decision.suggested_level == decision.level == levels[INTENSIVE]

    hold(consilium, coordinator)

    decision.refresh_from_db()
    assert confirmed_case.level_on(today) == levels[INTENSIVE]
    assert confirmed_case.level_on(days_ago(1)) == levels[SUPPORTING]
    change = decision.level_change
    assert change.basis == LevelChange.Basis.CONSILIUM
    assert change.effective_from == today
    assert change.decided_by == coordinator
    assert f"Решение консилиума от {today:%d.%m.%Y}" in change.reason


def test_a_kept_level_writes_nothing_to_the_history(confirmed_case, level_rules, prepare, coordinator):
    make_assessment(confirmed_case, days_ago(5), {"Жильё": 3})
    consilium = prepare()
    (decision,) = consilia.add_graduates(consilium, [confirmed_case], actor=coordinator)
    before = confirmed_case.level_changes.count()

    hold(consilium, coordinator)

    decision.refresh_from_db()
    assert decision.level_change is None
    assert confirmed_case.level_changes.count() == before


def test_the_primary_consilium_ends_the_provisional_level_even_when_it_keeps_it(
    active_case, levels, level_rules, prepare, coordinator, today
):
    assert active_case.level_change_on(today).basis == LevelChange.Basis.PROVISIONAL
    make_assessment(active_case, today, {"Жильё": 3})
    consilium = prepare(kind="primary")
    (decision,) = consilia.add_graduates(consilium, [active_case], actor=coordinator)
    consilia.update_decision(decision, actor=coordinator, level=levels[SUPPORTING], route="Маршрут: жильё, работа")

    hold(consilium, coordinator)

    current = active_case.level_change_on(today)
    assert current.level == levels[SUPPORTING]
    assert current.basis == LevelChange.Basis.CONSILIUM
    decision.refresh_from_db()
    assert decision.level_change == current
