"""The caseload's level is the one in force today, read from the level history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.support.caseload import caseload
from opora.support.models import LevelChange, SupportCase
from opora.support.tests.conftest import INTENSIVE, MONITORING, SUPPORTING

pytestmark = pytest.mark.django_db


def row_of(case: SupportCase) -> SupportCase:
    return caseload(SupportCase.objects.filter(pk=case.pk), timezone.localdate()).get()


def change(case, level, days_from_today: int) -> LevelChange:
    return LevelChange.objects.create(
        case=case, level=level, effective_from=timezone.localdate() + dt.timedelta(days=days_from_today), reason="—"
    )


def test_the_latest_change_in_force_gives_the_level_and_its_norm(caseload_case, levels):
    case = caseload_case(level=MONITORING, activated=90)
    change(case, levels[SUPPORTING], -30)

    row = row_of(case)

    assert row.level_name == SUPPORTING
    assert row.level_id == levels[SUPPORTING].pk
    assert row.interval_days == levels[SUPPORTING].contact_interval_days == 15


def test_a_level_change_effective_tomorrow_is_not_yet_applied(caseload_case, levels, login, specialist):
    case = caseload_case("Завтрашняя", level=MONITORING, contacted=20)
    change(case, levels[INTENSIVE], 1)

    row = row_of(case)
    body = login(specialist).get(reverse("support:caseload")).content.decode()

    assert row.level_name == MONITORING
    assert row.interval_days == 30
    assert row.contact_state == "ok"  # 20 days is within a monthly norm, not yet a weekly one
    assert MONITORING in body
    assert INTENSIVE not in body


def test_a_change_effective_today_applies_today(caseload_case, levels):
    case = caseload_case(level=MONITORING, contacted=20)
    change(case, levels[INTENSIVE], 0)

    row = row_of(case)

    assert (row.level_name, row.interval_days, row.contact_state) == (INTENSIVE, 7, "very_late")


def test_the_level_agrees_with_the_model_method(caseload_case, levels):
    case = caseload_case(level=SUPPORTING, activated=100)
    change(case, levels[MONITORING], -50)
    change(case, levels[INTENSIVE], -10)
    change(case, levels[SUPPORTING], 10)

    assert row_of(case).level_id == case.level_on(timezone.localdate()).pk == levels[INTENSIVE].pk


def test_a_changed_norm_of_the_level_changes_the_interval(caseload_case, levels):
    level = levels[SUPPORTING]
    level.contacts_per_month = 31
    level.save()
    case = caseload_case(level=SUPPORTING)

    assert row_of(case).interval_days == level.contact_interval_days == 1
