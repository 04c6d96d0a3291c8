"""The level in force on a date comes from the history of level changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.support import services
from opora.support.models import LevelChange, SupportLevel
from opora.support.tests.conftest import INTENSIVE, MONITORING, SUPPORTING, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(graduate, give_consent, make_active_case):
    """On support at «Поддерживающий» from 100 days ago."""
    give_consent(graduate, on=days_ago(120))
    return make_active_case(graduate, level=SUPPORTING, signed_at=days_ago(100))


@pytest.fixture
def history(case, levels, coordinator):
    """Поддерживающий (−100) → Интенсивный (−60) → Мониторинговый (−20) → Поддерживающий (+10)."""
    for level, day in ((INTENSIVE, days_ago(60)), (MONITORING, days_ago(20)), (SUPPORTING, days_ago(-10))):
        services.change_level(case, levels[level], actor=coordinator, reason="Решение консилиума", effective_from=day)
    return case


def test_the_contract_sets_the_initial_level_from_its_start(case, levels):
    change = case.level_changes.get()
    assert change.level == levels[SUPPORTING]
    assert change.effective_from == case.activated_at == days_ago(100)
    assert change.basis == LevelChange.Basis.PROVISIONAL


def test_there_is_no_level_before_the_first_decision(history):
    assert history.level_on(days_ago(101)) is None
    assert history.level_change_on(days_ago(101)) is None


def test_a_change_is_in_force_from_its_own_date(history, levels):
    assert history.level_on(days_ago(100)) == levels[SUPPORTING]
    assert history.level_on(days_ago(60)) == levels[INTENSIVE]
    assert history.level_on(days_ago(20)) == levels[MONITORING]


def test_between_changes_the_earlier_one_holds(history, levels):
    assert history.level_on(days_ago(61)) == levels[SUPPORTING]
    assert history.level_on(days_ago(40)) == levels[INTENSIVE]
    assert history.level_on(days_ago(21)) == levels[INTENSIVE]


def test_a_change_effective_in_the_future_is_not_in_force_today(history, levels):
    today = timezone.localdate()
    assert history.level_on(today) == levels[MONITORING]
    assert history.level_on(today + dt.timedelta(days=9)) == levels[MONITORING]
    assert history.level_on(today + dt.timedelta(days=10)) == levels[SUPPORTING]


def test_the_history_keeps_who_decided_why_and_on_what_basis(history, coordinator):
    latest = history.level_change_on(days_ago(20))
    assert latest.decided_by == coordinator
    assert latest.reason == "Решение консилиума"
    assert latest.basis == LevelChange.Basis.CONSILIUM
    assert history.level_changes.count() == 4


def test_a_later_decision_on_the_same_day_prevails(case, levels, coordinator):
    day = days_ago(30)
    services.change_level(case, levels[INTENSIVE], actor=coordinator, reason="Кризис", effective_from=day)
    services.change_level(case, levels[MONITORING], actor=coordinator, reason="Ошибка исправлена", effective_from=day)
    assert case.level_on(day) == levels[MONITORING]


def test_a_change_defaults_to_today(case, levels, coordinator):
    change = services.change_level(case, levels[INTENSIVE], actor=coordinator, reason="Потерял работу")
    assert change.effective_from == timezone.localdate()
    assert case.level_on(timezone.localdate()) == levels[INTENSIVE]


def test_the_level_already_in_force_is_refused(history, levels, coordinator):
    with pytest.raises(DomainError, match="и так действует") as error:
        services.change_level(
            history, levels[MONITORING], actor=coordinator, reason="Повтор", effective_from=days_ago(5)
        )
    assert error.value.field == "level"
    assert history.level_changes.count() == 4


def test_a_change_before_the_graduate_was_put_on_support_is_refused(case, levels, coordinator):
    with pytest.raises(DomainError, match="раньше постановки на сопровождение"):
        services.change_level(case, levels[INTENSIVE], actor=coordinator, reason="Кризис", effective_from=days_ago(101))


def test_a_case_not_on_support_has_no_level_to_change(graduate, specialist, levels):
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(3))
    with pytest.raises(DomainError, match="только по действующему сопровождению"):
        services.change_level(case, levels[INTENSIVE], actor=specialist, reason="Кризис")
    assert not LevelChange.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_change_needs_a_reason(case, levels, coordinator, reason):
    with pytest.raises(DomainError, match="обоснование") as error:
        services.change_level(case, levels[INTENSIVE], actor=coordinator, reason=reason)
    assert error.value.field == "reason"


def test_only_a_level_of_the_graduates_region_is_accepted(case, other_region, coordinator):
    services.setup_region(other_region)
    foreign = SupportLevel.objects.get(region=other_region, name=INTENSIVE)
    with pytest.raises(DomainError, match="не действует в регионе"):
        services.change_level(case, foreign, actor=coordinator, reason="Кризис")


def test_a_retired_level_is_refused(case, levels, coordinator):
    SupportLevel.objects.filter(pk=levels[INTENSIVE].pk).update(is_active=False)
    levels[INTENSIVE].refresh_from_db()
    with pytest.raises(DomainError, match="не действует в регионе"):
        services.change_level(case, levels[INTENSIVE], actor=coordinator, reason="Кризис")


def test_a_level_change_is_audited_with_the_old_and_new_level(case, levels, coordinator):
    services.change_level(case, levels[INTENSIVE], actor=coordinator, reason="Кризис")
    event = AuditEvent.objects.filter(object_id=str(case.graduate_id)).latest("id")
    assert event.changes == {"support_level": [SUPPORTING, INTENSIVE]}
    assert event.actor == coordinator
