"""Closing a case cancels its open measures without overwriting what was written about them."""

from __future__ import annotations

import pytest

from opora.core.models import AuditEvent
from opora.support import services
from opora.support.models import PlanMeasure

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures(active_case, specialist, domains):
    plan = services.create_plan(active_case, actor=specialist)
    domain = next(iter(domains.values()))

    def add(text: str) -> PlanMeasure:
        return services.add_measure(
            plan,
            actor=specialist,
            text=text,
            domain=domain,
            responsible=PlanMeasure.Responsible.SPECIALIST,
            deadline=plan.ends_on,
        )

    in_progress = add("Подать документы на жильё")
    services.update_measure(in_progress, actor=specialist, status=PlanMeasure.Status.IN_PROGRESS)
    PlanMeasure.objects.filter(pk=in_progress.pk).update(result="Заявление подано, ждём ответа")
    return {"in_progress": in_progress, "planned": add("Встать на учёт в центре занятости")}


def test_closing_cancels_open_measures_and_keeps_their_result_text(active_case, measures, specialist):
    services.close_case(active_case, actor=specialist, reason="adapted", report="Адаптирована.")

    in_progress = PlanMeasure.objects.get(pk=measures["in_progress"].pk)
    planned = PlanMeasure.objects.get(pk=measures["planned"].pk)
    assert in_progress.status == planned.status == PlanMeasure.Status.CANCELLED
    assert in_progress.result == "Заявление подано, ждём ответа"
    assert planned.result == ""


def test_the_closing_event_says_how_many_measures_were_cancelled(active_case, measures, specialist):
    services.close_case(active_case, actor=specialist, reason="adapted", report="Адаптирована.")

    event = AuditEvent.objects.filter(subjects__person_id=active_case.graduate_id).latest("id")
    assert event.changes["support_status"] == ["active", "closed"]
    assert event.changes["close_reason"] == [None, "adapted"]
    assert event.changes["plan_measures_cancelled"] == [None, 2]
