"""Refusals through the API: a 400 with the Russian message of the field at fault, and nothing changes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from opora.conftest import if_match_for
from opora.org.models import Region
from opora.support import services
from opora.support.models import JournalEntry, LevelChange, PlanMeasure, SupportCase, SupportLevel
from opora.support.tests.conftest import INTENSIVE, MONITORING, SUPPORTING, days_ago

FUTURE = "Дата не может быть в будущем."


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def patch_json(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json", **if_match_for(url))


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


@pytest.fixture
def api(login, specialist, support_region):
    return login(specialist)


@pytest.fixture
def identified(graduate, specialist):
    return services.open_case(graduate, actor=specialist, identified_at=days_ago(10))


@pytest.fixture
def plan(active_case, specialist):
    return services.create_plan(active_case, actor=specialist)


# --- illegal transitions ----------------------------------------------------------------------------


def test_a_contract_cannot_be_signed_before_contact(api, identified, levels, consented_graduate):
    response = post_json(
        api,
        f"/api/v1/cases/{identified.pk}/sign-contract/",
        {
            "level": levels[SUPPORTING].pk,
            "signed_at": timezone.localdate().isoformat(),
            "help_agreed": "Помощь",
            "graduate_obligations": "Обязательства",
        },
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Нельзя перевести сопровождение из состояния «Выявлен» в состояние «На сопровождении»."]
    }
    assert SupportCase.objects.get().status == "identified"


def test_a_case_on_support_cannot_be_refused(api, active_case):
    response = post_json(api, f"/api/v1/cases/{active_case.pk}/refuse/")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Нельзя перевести сопровождение из состояния «На сопровождении» в состояние «Отказ от сопровождения»."
        ]
    }


def test_a_closed_case_takes_no_contact_and_no_journal_entry(api, identified, specialist):
    services.close_case(identified, actor=specialist, reason="other")

    contact = post_json(api, f"/api/v1/cases/{identified.pk}/contact/")
    entry = post_json(api, "/api/v1/journal/", {"case": identified.pk, "kind": "phone", "text": "Звонок"})

    assert contact.status_code == 400
    assert contact.json()["non_field_errors"] == [
        "Нельзя перевести сопровождение из состояния «Сопровождение завершено» в состояние «Контакт установлен»."
    ]
    assert entry.status_code == 400
    assert entry.json() == {"non_field_errors": ["Сопровождение завершено: новые записи в журнал не вносятся."]}
    assert not JournalEntry.objects.exists()


def test_the_level_does_not_change_before_the_contract(api, identified, levels):
    response = post_json(
        api, f"/api/v1/cases/{identified.pk}/change-level/", {"level": levels[INTENSIVE].pk, "reason": "Кризис"}
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Уровень меняют только по действующему сопровождению."]}


def test_an_approved_plan_is_not_approved_twice_and_an_empty_one_not_at_all(api, plan, domains, specialist):
    empty = post_json(api, f"/api/v1/plans/{plan.pk}/approve/")
    services.add_measure(
        plan,
        actor=specialist,
        domain=domains["Жильё"],
        text="Подать заявление",
        responsible="graduate",
        deadline=plan.starts_on,
    )
    post_json(api, f"/api/v1/plans/{plan.pk}/approve/")
    twice = post_json(api, f"/api/v1/plans/{plan.pk}/approve/")

    assert empty.json() == {"non_field_errors": ["В плане нет ни одного мероприятия."]}
    assert twice.status_code == 400
    assert twice.json() == {"non_field_errors": ["План уже утверждён."]}


# --- the status changes only through the actions ------------------------------------------------


@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_a_case_is_not_edited_directly(api, identified, method):
    response = getattr(api, method)(
        f"/api/v1/cases/{identified.pk}/", json.dumps({"status": "active"}), content_type="application/json"
    )

    assert response.status_code == 405
    assert SupportCase.objects.get().status == "identified"


def test_a_status_in_a_create_request_is_ignored(api, graduate):
    response = post_json(
        api, "/api/v1/cases/", {"graduate": graduate.pk, "status": "active", "activated_at": "2024-01-01"}
    )

    assert response.status_code == 201
    assert response.json()["status"] == "identified"
    assert response.json()["activated_at"] is None


def test_a_measure_patch_changes_only_its_progress(api, plan, domains, specialist):
    measure = services.add_measure(
        plan,
        actor=specialist,
        domain=domains["Жильё"],
        text="Подать заявление",
        responsible="graduate",
        deadline=plan.ends_on,
    )

    response = patch_json(
        api,
        f"/api/v1/measures/{measure.pk}/",
        {"status": "done", "result": "Подано", "text": "Другое", "deadline": "2020-01-01"},
    )

    assert response.status_code == 200, response.content
    measure.refresh_from_db()
    assert (measure.status, measure.result, measure.done_at) == ("done", "Подано", timezone.localdate())
    assert (measure.text, measure.deadline) == ("Подать заявление", plan.ends_on)
    assert api.put(f"/api/v1/measures/{measure.pk}/", {}).status_code == 405


def test_a_finished_measure_needs_its_result(api, plan, domains, specialist):
    measure = services.add_measure(
        plan,
        actor=specialist,
        domain=domains["Жильё"],
        text="Подать заявление",
        responsible="graduate",
        deadline=plan.ends_on,
    )

    response = patch_json(api, f"/api/v1/measures/{measure.pk}/", {"status": "done"})

    assert response.status_code == 400
    assert response.json() == {"result": ["Опишите результат мероприятия."]}
    assert PlanMeasure.objects.get().status == "planned"


# --- field messages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/api/v1/cases/", {"identified_at": "tomorrow"}, "identified_at"),
        ("/api/v1/cases/{case}/contact/", {"contact_at": "tomorrow"}, "contact_at"),
        ("/api/v1/cases/{case}/refuse/", {"closed_at": "tomorrow"}, "closed_at"),
        ("/api/v1/cases/{case}/close/", {"close_reason": "other", "closed_at": "tomorrow"}, "closed_at"),
        ("/api/v1/journal/", {"case": "{case}", "kind": "phone", "text": "Звонок", "date": "tomorrow"}, "date"),
    ],
)
def test_a_date_in_the_future_is_refused_on_its_field(api, graduate, identified, url, data, field):
    if url == "/api/v1/cases/":
        identified.delete()
        data = {**data, "graduate": graduate.pk}
    data = {key: tomorrow() if value == "tomorrow" else value for key, value in data.items()}
    data = {key: identified.pk if value == "{case}" else value for key, value in data.items()}

    response = post_json(api, url.format(case=identified.pk), data)

    assert response.status_code == 400
    assert response.json() == {field: [FUTURE]}


def test_a_renewal_signed_tomorrow_is_refused_on_its_date(api, active_case):
    contract = active_case.contracts.get()

    response = post_json(api, f"/api/v1/contracts/{contract.pk}/renew/", {"signed_at": tomorrow()})

    assert response.status_code == 400
    assert response.json() == {"signed_at": [FUTURE]}
    assert active_case.contracts.count() == 1


def test_a_measure_deadline_outside_the_plan_period_is_refused(api, plan, domains):
    late = plan.ends_on + dt.timedelta(days=1)

    response = post_json(
        api,
        "/api/v1/measures/",
        {
            "plan": plan.pk,
            "domain": domains["Жильё"].pk,
            "text": "Подать заявление",
            "responsible": "specialist",
            "deadline": late.isoformat(),
        },
    )

    assert response.status_code == 400
    assert response.json() == {
        "deadline": [f"Срок должен быть в периоде плана: с {plan.starts_on:%d.%m.%Y} по {plan.ends_on:%d.%m.%Y}."]
    }
    assert not PlanMeasure.objects.exists()


@pytest.mark.parametrize(
    ("action", "data", "expected"),
    [
        ("change-level", {"level": "intensive", "reason": "  "}, {"reason": ["Укажите обоснование смены уровня."]}),
        ("change-level", {"level": "intensive"}, {"reason": ["Обязательное поле."]}),
        ("close", {"close_reason": "adapted"}, {"close_report": ["Напишите итоговое заключение о сопровождении."]}),
        ("close", {"close_report": "Итог"}, {"close_reason": ["Обязательное поле."]}),
        ("reassign", {"to_specialist": "coordinator", "reason": ""}, {"reason": ["Укажите причину передачи."]}),
    ],
)
def test_a_missing_reason_is_refused_on_its_field(login, coordinator, active_case, levels, action, data, expected):
    client = login(coordinator)
    data = {
        **data,
        **({"level": levels[INTENSIVE].pk} if "level" in data else {}),
        **({"to_specialist": coordinator.pk} if "to_specialist" in data else {}),
    }

    response = post_json(client, f"/api/v1/cases/{active_case.pk}/{action}/", data)

    assert response.status_code == 400
    assert response.json() == expected
    assert LevelChange.objects.count() == 1
    assert SupportCase.objects.get().status == "active"


def test_an_unknown_choice_is_named(api, active_case):
    response = post_json(
        api, f"/api/v1/cases/{active_case.pk}/close/", {"close_reason": "bored", "close_report": "Итог"}
    )

    assert response.status_code == 400
    assert response.json() == {"close_reason": ["Значения bored нет среди допустимых вариантов."]}


def test_a_level_of_another_region_is_not_a_valid_choice(api, active_case, other_region):
    services.setup_region(other_region)
    foreign_level = SupportLevel.objects.get(region=other_region, name=MONITORING)

    response = post_json(
        api, f"/api/v1/cases/{active_case.pk}/change-level/", {"level": foreign_level.pk, "reason": "Стабильно"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["level"]
    assert LevelChange.objects.count() == 1
    assert Region.objects.count() == 2


def test_the_same_level_again_is_refused(api, active_case, levels):
    response = post_json(
        api,
        f"/api/v1/cases/{active_case.pk}/change-level/",
        {"level": levels[SUPPORTING].pk, "reason": "Без изменений"},
    )

    assert response.status_code == 400
    assert response.json() == {"level": ["Этот уровень и так действует на эту дату."]}


def test_a_second_open_case_is_refused(api, identified, graduate):
    response = post_json(api, "/api/v1/cases/", {"graduate": graduate.pk})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["У выпускника уже есть незавершённое сопровождение."]}


def test_a_specialist_of_another_service_cannot_lead_the_case(
    login, regional, graduate, other_specialist, support_region
):
    response = post_json(
        login(regional), "/api/v1/cases/", {"graduate": graduate.pk, "specialist": other_specialist.pk}
    )

    assert response.status_code == 400
    assert response.json() == {"specialist": ["Специалист не из службы выпускника."]}
    assert not SupportCase.objects.exists()


def test_a_journal_entry_cannot_point_at_a_measure_of_another_case(
    api, plan, domains, specialist, make_graduate, service, give_consent, make_active_case
):
    other = make_active_case(give_consent(make_graduate(service, last_name="Орлова")).graduate)
    measure = services.add_measure(
        plan,
        actor=specialist,
        domain=domains["Жильё"],
        text="Подать заявление",
        responsible="graduate",
        deadline=plan.ends_on,
    )

    response = post_json(
        api, "/api/v1/journal/", {"case": other.pk, "kind": "phone", "text": "Звонок", "measure": measure.pk}
    )

    assert response.status_code == 400
    assert response.json() == {"measure": ["Мероприятие из плана другого сопровождения."]}


def test_malformed_json_is_a_400(api, active_case):
    response = api.post(f"/api/v1/cases/{active_case.pk}/close/", "{oops", content_type="application/json")

    assert response.status_code == 400
