"""The whole support cycle through /api/v1/: the same workflows as the pages, step by step."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from opora.conftest import if_match_for
from opora.core.models import AuditEvent
from opora.support import services
from opora.support.models import Contract, JournalEntry, LevelChange, PlanMeasure, SupportCase, SupportPlan
from opora.support.tests.conftest import HELP_AGREED, INTENSIVE, OBLIGATIONS, SUPPORTING, days_ago

NO_CONSENT = (
    "Нет действующего письменного согласия на обработку персональных данных: внесите его на вкладке «Согласие»."
)


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def patch_json(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json", **if_match_for(url))


@pytest.fixture
def api(login, specialist, support_region):
    return login(specialist)


def test_a_case_goes_through_the_whole_cycle_through_the_api(api, graduate, give_consent, levels, domains, specialist):
    today = timezone.localdate()

    # Выявлен.
    opened = post_json(
        api,
        "/api/v1/cases/",
        {"graduate": graduate.pk, "identified_at": days_ago(10).isoformat(), "identified_how": "Обратился сам"},
    )
    assert opened.status_code == 201, opened.content
    case_url = f"/api/v1/cases/{opened.json()['id']}/"
    assert opened.json()["status"] == "identified"
    assert opened.json()["specialist"] == specialist.pk

    # Контакт установлен.
    contact = post_json(api, case_url + "contact/", {"contact_at": days_ago(5).isoformat()})
    assert contact.status_code == 200, contact.content
    assert contact.json()["status"] == "contact"
    assert contact.json()["contact_at"] == days_ago(5).isoformat()

    # The contract is refused without a written consent, then signed with one.
    contract_data = {
        "level": levels[SUPPORTING].pk,
        "signed_at": today.isoformat(),
        "help_agreed": HELP_AGREED,
        "graduate_obligations": OBLIGATIONS,
    }
    refused = post_json(api, case_url + "sign-contract/", contract_data)
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": [NO_CONSENT]}
    assert not Contract.objects.exists()
    assert SupportCase.objects.get().status == "contact"

    give_consent(graduate)
    signed = post_json(api, case_url + "sign-contract/", contract_data)
    assert signed.status_code == 201, signed.content
    contract = signed.json()
    assert contract["number"] == f"1/{today.year}"
    assert contract["starts_on"] == today.isoformat()
    assert contract["graduate_obligations"] == OBLIGATIONS
    case = api.get(case_url).json()
    assert case["status"] == "active"
    assert case["activated_at"] == today.isoformat()
    assert case["current_level_name"] == SUPPORTING

    # The level changes; the history keeps both decisions.
    changed = post_json(
        api, case_url + "change-level/", {"level": levels[INTENSIVE].pk, "reason": "Потерял работу", "basis": "crisis"}
    )
    assert changed.status_code == 201, changed.content
    assert changed.json()["level_name"] == INTENSIVE
    assert api.get(case_url).json()["current_level"] == levels[INTENSIVE].pk
    history = api.get("/api/v1/level-changes/", {"case": case["id"]}).json()["results"]
    assert [row["level_name"] for row in history] == [INTENSIVE, SUPPORTING]

    # The plan: a goal, a measure, progress, approval.
    plan = post_json(api, "/api/v1/plans/", {"case": case["id"]})
    assert plan.status_code == 201, plan.content
    plan_url = f"/api/v1/plans/{plan.json()['id']}/"
    assert plan.json()["level_name"] == INTENSIVE
    assert plan.json()["version"] == 1
    housing = domains["Жильё"]
    goal = post_json(api, plan_url + "goals/", {"domain": housing.pk, "text": "Получить жильё из спецфонда"})
    assert goal.status_code == 201, goal.content
    measure = post_json(
        api,
        "/api/v1/measures/",
        {
            "plan": plan.json()["id"],
            "goal": goal.json()["id"],
            "text": "Собрать документы для постановки в очередь",
            "responsible": "graduate",
            "deadline": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert measure.status_code == 201, measure.content
    assert measure.json()["domain"] == housing.pk  # from the goal
    progress = patch_json(api, f"/api/v1/measures/{measure.json()['id']}/", {"status": "in_progress"})
    assert progress.status_code == 200, progress.content
    assert progress.json()["status"] == "in_progress"
    approved = post_json(api, plan_url + "approve/")
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["status"] == "approved"
    assert body["approved_at"] == today.isoformat()
    assert [g["text"] for g in body["goals"]] == ["Получить жильё из спецфонда"]
    assert [m["status"] for m in body["measures"]] == ["in_progress"]

    # A journal entry linked to the measure.
    entry = post_json(
        api,
        "/api/v1/journal/",
        {
            "case": case["id"],
            "kind": "meeting",
            "domain": housing.pk,
            "text": "Вместе заполнили заявление",
            "measure": measure.json()["id"],
            "duration_minutes": 45,
        },
    )
    assert entry.status_code == 201, entry.content
    assert entry.json()["date"] == today.isoformat()
    assert entry.json()["graduate"] == graduate.pk
    assert entry.json()["author"] == specialist.pk

    # Closure: open measures are cancelled, the contract ends.
    closed = post_json(
        api, case_url + "close/", {"close_reason": "adapted", "close_report": "Жильё получено, работает."}
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_at"] == today.isoformat()
    assert PlanMeasure.objects.get().status == PlanMeasure.Status.CANCELLED
    assert Contract.objects.get().terminated_at == today
    assert LevelChange.objects.count() == 2
    assert SupportPlan.objects.count() == 1
    # The contact step's entry and the one written through the API.
    assert sorted(JournalEntry.objects.values_list("kind", flat=True)) == ["contact", "meeting"]
    # Every step was written to the graduate's history by the services.
    assert AuditEvent.objects.filter(action__in=AuditEvent.CHANGE_ACTIONS, object_id=str(graduate.pk)).count() >= 9


def test_a_renewed_contract_starts_the_day_after_the_old_one_ends(api, active_case):
    contract = active_case.contracts.get()

    response = post_json(
        api, f"/api/v1/contracts/{contract.pk}/renew/", {"signed_at": timezone.localdate().isoformat()}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["renewed_from"] == contract.pk
    assert body["starts_on"] == (contract.ends_on + dt.timedelta(days=1)).isoformat()
    assert body["help_agreed"] == contract.help_agreed
    assert api.get(f"/api/v1/contracts/{contract.pk}/").json()["renewal"] == body["id"]


def test_a_refusal_before_the_contract_ends_the_case(api, graduate):
    opened = post_json(api, "/api/v1/cases/", {"graduate": graduate.pk, "identified_at": days_ago(3).isoformat()})

    refused = post_json(api, f"/api/v1/cases/{opened.json()['id']}/refuse/", {"note": "Не хочет сопровождения"})

    assert refused.status_code == 200, refused.content
    assert refused.json()["status"] == "refused"
    assert refused.json()["close_reason"] == "refusal"
    assert refused.json()["close_report"] == "Не хочет сопровождения"


def test_a_new_plan_version_needs_a_reason_and_supersedes_the_old(api, active_case):
    first = post_json(api, "/api/v1/plans/", {"case": active_case.pk})

    without_reason = post_json(api, "/api/v1/plans/", {"case": active_case.pk})
    second = post_json(api, "/api/v1/plans/", {"case": active_case.pk, "review_reason": "Смена уровня"})

    assert without_reason.status_code == 400
    assert without_reason.json() == {"review_reason": ["Укажите причину пересмотра плана."]}
    assert second.status_code == 201
    assert second.json()["version"] == 2
    assert api.get(f"/api/v1/plans/{first.json()['id']}/").json()["status"] == "superseded"


def test_a_contract_scan_is_uploaded_and_linked_to_the_scoped_download_not_the_media_path(
    api, settings, tmp_path, consented_graduate, specialist, levels
):
    settings.MEDIA_ROOT = tmp_path
    case = services.open_case(consented_graduate, actor=specialist, identified_at=days_ago(5))
    services.establish_contact(case, actor=specialist, on=days_ago(2))
    scan = SimpleUploadedFile("contract.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")

    response = api.post(
        f"/api/v1/cases/{case.pk}/sign-contract/",
        {
            "level": levels[SUPPORTING].pk,
            "signed_at": timezone.localdate().isoformat(),
            "help_agreed": HELP_AGREED,
            "graduate_obligations": OBLIGATIONS,
            "scan": scan,
        },
    )

    assert response.status_code == 201, response.content
    link = response.json()["scan"]
    assert link.endswith(f"/graduates/{consented_graduate.pk}/support/contracts/{response.json()['id']}/scan/")
    assert "/media/" not in response.content.decode()
    assert api.get(link).status_code == 200


def test_a_scan_of_another_kind_is_refused_on_its_field(api, consented_graduate, specialist, levels):
    case = services.open_case(consented_graduate, actor=specialist, identified_at=days_ago(5))
    services.establish_contact(case, actor=specialist, on=days_ago(2))

    response = api.post(
        f"/api/v1/cases/{case.pk}/sign-contract/",
        {
            "level": levels[SUPPORTING].pk,
            "signed_at": timezone.localdate().isoformat(),
            "help_agreed": HELP_AGREED,
            "graduate_obligations": OBLIGATIONS,
            "scan": SimpleUploadedFile("contract.exe", b"MZ", content_type="application/octet-stream"),
        },
    )

    assert response.status_code == 400
    assert list(response.json()) == ["scan"]
    assert not Contract.objects.exists()
