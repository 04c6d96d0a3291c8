"""The receiving service's page and API for the new contract after a move: the tab's call to action
with the reason the old contract ended, the form that keeps the level, the sending service's 404."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.support import services
from opora.support.models import Contract, LevelChange, SupportCase
from opora.support.tests.conftest import OBLIGATIONS, SUPPORTING, days_ago

pytestmark = pytest.mark.usefixtures("support_region")

NEW_HELP = "Содействие в постановке на учёт в центре занятости по новому месту жительства."


@pytest.fixture
def moved_case(active_case, other_service, specialist, other_specialist) -> SupportCase:
    transfer = services.start_transfer(
        active_case, actor=specialist, moved_at=days_ago(3), to_service=other_service, new_address="ул. Новая, 5"
    )
    services.accept_transfer(transfer, actor=other_specialist)
    return SupportCase.objects.select_related("graduate").get(pk=active_case.pk)


def tab(case) -> str:
    return reverse("support:case", kwargs={"pk": case.graduate_id})


def sign_url(case) -> str:
    return reverse("support:contract_sign", args=[case.graduate_id, case.pk])


def new_contract_data(**overrides) -> dict:
    data = {
        "signed_at": timezone.localdate().strftime("%d.%m.%Y"),
        "help_agreed": NEW_HELP,
        "graduate_obligations": OBLIGATIONS,
        "termination_terms": "По заявлению сторон; при переезде выпускника на другую территорию.",
    }
    data.update(overrides)
    return data


# --- The tab -------------------------------------------------------------------------------------


def test_the_tab_asks_the_receiving_service_for_a_new_contract_and_says_why_the_old_one_ended(
    login, other_specialist, moved_case, other_service
):
    body = login(other_specialist).get(tab(moved_case)).content.decode()

    old = moved_case.contracts.get()
    assert 'id="new-contract"' in body
    assert f"{old} прекращён {timezone.localdate():%d.%m.%Y}" in body
    assert f"Переезд выпускника: сопровождение принято службой «{other_service}» (п. 5.1 договора)" in body
    assert "Заключить новый договор" in body
    assert f'href="{sign_url(moved_case)}"' in body
    # The old contract is not offered for renewal.
    assert reverse("support:contract_renew", args=[moved_case.graduate_id, old.pk]) not in body


def test_the_tab_does_not_ask_while_the_contract_is_in_force(login, specialist, active_case):
    body = login(specialist).get(tab(active_case)).content.decode()

    assert 'id="new-contract"' not in body
    assert "Заключить новый договор" not in body


def test_an_expired_contract_of_the_own_service_offers_renewal_or_a_new_contract(
    login, specialist, graduate, give_consent, make_active_case
):
    give_consent(graduate, on=days_ago(500))
    case = make_active_case(graduate, signed_at=days_ago(400))

    body = login(specialist).get(tab(case)).content.decode()

    assert 'id="contract-expiry"' in body and "Продлить договор" in body
    assert "Заключить новый договор" in body
    assert 'id="new-contract"' not in body


# --- The form ------------------------------------------------------------------------------------


def test_the_form_is_a_new_contract_with_the_current_level_kept_and_the_old_terms_offered(
    login, other_specialist, moved_case
):
    page = login(other_specialist).get(sign_url(moved_case)).content.decode()

    old = moved_case.contracts.get()
    assert "Новый договор о сопровождении" in page
    assert f"— оставить текущий: «{SUPPORTING}» —" in page
    assert f"следующий номер службы: 1/{timezone.localdate().year}" in page
    assert str(old) in page and "прекращён" in page
    assert old.help_agreed in page
    assert "Подписан — заключить новый договор" in page


def test_signing_on_the_page_records_the_new_contract_and_keeps_the_level(
    login, other_specialist, moved_case, other_service
):
    client = login(other_specialist)

    response = client.post(sign_url(moved_case), new_contract_data())

    assert response.status_code == 302
    new = Contract.objects.filter(case=moved_case).latest("id")
    assert (new.service, new.number) == (other_service, f"1/{timezone.localdate().year}")
    assert new.help_agreed == NEW_HELP
    assert LevelChange.objects.filter(case=moved_case).count() == 1
    body = client.get(tab(moved_case)).content.decode()
    assert f"{new} подписан: новый договор действует с {new.starts_on:%d.%m.%Y}." in body
    assert 'id="new-contract"' not in body
    assert "Заключить новый договор" not in body


def test_a_level_chosen_on_the_page_is_a_level_change(login, other_specialist, moved_case, levels):
    login(other_specialist).post(sign_url(moved_case), new_contract_data(level=levels["Интенсивный"].pk))

    assert moved_case.level_on(timezone.localdate()) == levels["Интенсивный"]
    assert LevelChange.objects.filter(case=moved_case).count() == 2


def test_a_second_signing_is_refused_on_the_form(login, other_specialist, moved_case):
    client = login(other_specialist)
    client.post(sign_url(moved_case), new_contract_data())

    response = client.post(sign_url(moved_case), new_contract_data())

    assert response.status_code == 400
    assert "есть действующий договор" in response.content.decode()
    assert moved_case.contracts.count() == 2


def test_the_sending_service_gets_404_after_the_move(login, specialist, moved_case):
    client = login(specialist)

    assert client.get(sign_url(moved_case)).status_code == 404
    assert client.post(sign_url(moved_case), new_contract_data()).status_code == 404
    assert moved_case.contracts.count() == 1


# --- The API -------------------------------------------------------------------------------------


def api_sign_url(case) -> str:
    return f"/api/v1/cases/{case.pk}/sign-contract/"


def api_data(**overrides) -> dict:
    data = {"signed_at": timezone.localdate().isoformat(), "help_agreed": NEW_HELP, "graduate_obligations": OBLIGATIONS}
    data.update(overrides)
    return data


def test_the_api_signs_the_new_contract_without_a_level(login, other_specialist, moved_case, other_service):
    response = login(other_specialist).post(api_sign_url(moved_case), api_data(), content_type="application/json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == f"1/{timezone.localdate().year}"
    assert Contract.objects.get(pk=body["id"]).service == other_service
    assert LevelChange.objects.filter(case=moved_case).count() == 1


def test_the_api_refuses_a_second_contract_with_a_russian_400(login, other_specialist, moved_case):
    client = login(other_specialist)
    client.post(api_sign_url(moved_case), api_data(), content_type="application/json")

    response = client.post(api_sign_url(moved_case), api_data(), content_type="application/json")

    assert response.status_code == 400
    assert "есть действующий договор" in response.content.decode()


def test_the_api_answers_404_to_the_sending_service(login, specialist, moved_case):
    response = login(specialist).post(api_sign_url(moved_case), api_data(), content_type="application/json")

    assert response.status_code == 404
    assert moved_case.contracts.count() == 1


def test_the_api_still_needs_a_level_for_the_first_contract(login, specialist, contacted_case):
    response = login(specialist).post(
        api_sign_url(contacted_case), api_data(signed_at=days_ago(1).isoformat()), content_type="application/json"
    )

    assert response.status_code == 400
    assert "Выберите уровень" in response.content.decode()
    assert not contacted_case.contracts.exists()
