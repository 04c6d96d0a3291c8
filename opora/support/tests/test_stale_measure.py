"""A plan measure carries a revision too: a stale update is refused with the colleague's
change shown — through the service, the form and the API — and only what changed is written."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from opora.core.models import AuditEvent
from opora.core.versioning import StaleEdit
from opora.support import services
from opora.support.models import PlanMeasure, SupportPlan


@pytest.fixture
def measure(planned_case, domains, specialist) -> PlanMeasure:
    plan: SupportPlan = planned_case.plans.get()
    return services.add_measure(
        plan,
        actor=specialist,
        domain=domains["Образование"],
        text="Поступить в колледж",
        responsible=PlanMeasure.Responsible.GRADUATE,
        deadline=plan.ends_on,
    )


def url(measure) -> str:
    return reverse("support:measure_update", args=[measure.plan.case.graduate_id, measure.pk])


def test_a_stale_measure_update_is_refused_with_the_colleagues_change(measure, specialist, colleague):
    services.update_measure(measure, actor=colleague, status="in_progress", expected_revision=1)

    with pytest.raises(StaleEdit) as refused:
        services.update_measure(measure, actor=specialist, status="done", result="Поступила", expected_revision=1)

    assert "Запись уже изменил(а) Коллегова В.," in refused.value.message
    assert "статус мероприятия: «Запланировано» → «Выполняется»" in refused.value.message
    measure.refresh_from_db()
    assert (measure.status, measure.result, measure.revision) == ("in_progress", "", 2)


def test_a_measure_update_writes_only_what_changed_and_keeps_the_rest(measure, specialist, colleague):
    services.update_measure(measure, actor=colleague, status="in_progress", result="Подала документы")

    # A caller that names only the status keeps the result the row holds now.
    services.update_measure(measure, actor=specialist, status="done")

    measure.refresh_from_db()
    assert (measure.status, measure.result) == ("done", "Подала документы")
    last = AuditEvent.objects.filter(action="update").order_by("-id").first()
    assert last.changes["plan_measure_status"] == ["in_progress", "done"]  # codes; the history shows labels
    assert "plan_measure_result" not in last.changes


def test_the_measure_form_carries_its_revision(login, specialist, measure):
    page = login(specialist).get(url(measure)).content.decode()

    assert re.search(r'<input type="hidden" name="revision" value="1"', page)
    assert "Revision" not in page and "редакция" not in page.lower()


def test_the_second_measure_form_save_gets_the_conflict_and_keeps_the_typed_result(measure, specialist, colleague):
    mine, theirs = Client(), Client()
    mine.force_login(specialist)
    theirs.force_login(colleague)

    theirs.post(url(measure), {"status": "in_progress", "result": "", "revision": 1})
    response = mine.post(url(measure), {"status": "done", "result": "Зачислена на 1 курс", "revision": 1})

    assert response.status_code == 409
    page = response.content.decode()
    assert "пока вы заполняли форму, запись изменил другой сотрудник" in page
    assert "статус мероприятия: «Запланировано» → «Выполняется»" in page
    assert "Зачислена на 1 курс" in page
    assert re.search(r'<input type="hidden" name="revision" value="2"', page)
    again = mine.post(url(measure), {"status": "done", "result": "Зачислена на 1 курс", "revision": 2})
    assert again.status_code == 302
    measure.refresh_from_db()
    assert (measure.status, measure.result) == ("done", "Зачислена на 1 курс")


def test_the_inline_form_on_the_plan_tab_carries_the_revision(login, specialist, measure):
    tab = reverse("support:plan", args=[measure.plan.case.graduate_id])

    page = login(specialist).get(tab).content.decode()

    assert re.search(r'<input type="hidden" name="revision" value="1"', page)


def measure_patch(client, measure, data, **headers):
    return client.patch(f"/api/v1/measures/{measure.pk}/", json.dumps(data), content_type="application/json", **headers)


def test_the_api_gives_a_measure_its_etag(login, specialist, measure):
    response = login(specialist).get(f"/api/v1/measures/{measure.pk}/")

    assert response["ETag"] == '"1"'
    assert response.json()["revision"] == 1


def test_a_measure_patch_needs_if_match(login, specialist, measure):
    response = measure_patch(login(specialist), measure, {"status": "in_progress"})

    assert response.status_code == 428
    assert PlanMeasure.objects.get(pk=measure.pk).status == "planned"


def test_a_measure_patch_with_an_old_etag_is_412_and_with_the_current_one_saves(login, specialist, colleague, measure):
    services.update_measure(measure, actor=colleague, status="in_progress")
    client = login(specialist)

    stale = measure_patch(client, measure, {"result": "Моё"}, HTTP_IF_MATCH='"1"')
    fresh = measure_patch(client, measure, {"result": "Моё"}, HTTP_IF_MATCH='"2"')

    assert stale.status_code == 412
    assert "статус мероприятия: «Запланировано» → «Выполняется»" in stale.json()["detail"]
    assert fresh.status_code == 200
    assert fresh["ETag"] == '"3"'
    measure.refresh_from_db()
    assert (measure.status, measure.result) == ("in_progress", "Моё")


def test_workflows_advance_the_revision_of_the_rows_they_change(planned_case, measure, specialist):
    plan = measure.plan
    services.approve_plan(plan, actor=specialist)
    services.close_case(planned_case, actor=specialist, reason="adapted", report="Итог")

    plan.refresh_from_db()
    measure.refresh_from_db()
    planned_case.refresh_from_db()
    contract = planned_case.contracts.get()
    assert plan.revision == 2
    assert measure.revision == 2  # cancelled on closure
    assert contract.revision == 2  # terminated on closure
    assert planned_case.revision > 1
