"""Dates out of the domain's bounds are refused with a Russian message, through the API, the pages and
the services alike — never a 500, never stored — and a contract never runs past the 23rd birthday.

Year 9999 once crashed the date arithmetic of a contract's start, a renewal and a plan's start (a 500
that lost what was typed); year 1 or 2000 was accepted for identification, a contract's start and a
move (a case «на сопровождении» under a contract two thousand years old); a move «to a territory
named "0"» was accepted too.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.conftest import born_to_turn
from opora.core.errors import DomainError
from opora.core.validators import support_ends_on
from opora.support import services
from opora.support.models import Contract, LevelChange, SupportCase, SupportPlan, Transfer
from opora.support.tests.conftest import HELP_AGREED, OBLIGATIONS, SUPPORTING

pytestmark = pytest.mark.usefixtures("support_region")

TOO_FAR = "Дата слишком далеко в будущем: не позже"
TOO_EARLY = "Дата не может быть раньше 01.01.2000."
BEFORE_BIRTH = "Дата не может быть раньше дня рождения выпускника"
FUTURE = "Дата не может быть в будущем."


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def ru(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.fixture
def api(login, specialist):
    client = login(specialist)
    client.raise_request_exception = False  # a 500 must show as a 500, not as a test error
    return client


@pytest.fixture
def pages(login, specialist):
    client = login(specialist)
    client.raise_request_exception = False
    return client


def sign_payload(levels, **overrides) -> dict:
    data = {
        "level": levels[SUPPORTING].pk,
        "signed_at": timezone.localdate().isoformat(),
        "help_agreed": HELP_AGREED,
        "graduate_obligations": OBLIGATIONS,
    }
    data.update(overrides)
    return data


def errors_of(response, field: str) -> str:
    return " ".join(response.json().get(field, []))


# --- The contract's start ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "message"),
    [("9999-12-31", TOO_FAR), ("0001-01-01", TOO_EARLY), ("2000-01-01", BEFORE_BIRTH)],
    ids=["year-9999", "year-1", "year-2000-before-birth"],
)
def test_a_contract_start_out_of_bounds_is_a_400_through_the_api_and_nothing_is_signed(
    api, contacted_case, levels, starts_on, message
):
    response = post_json(
        api, f"/api/v1/cases/{contacted_case.pk}/sign-contract/", sign_payload(levels, starts_on=starts_on)
    )

    assert response.status_code == 400
    assert message in errors_of(response, "starts_on")
    contacted_case.refresh_from_db()
    assert contacted_case.status == SupportCase.Status.CONTACT
    assert not Contract.objects.exists()
    assert not LevelChange.objects.exists()


def test_a_contract_start_in_year_9999_is_shown_at_its_field_with_what_was_typed(pages, contacted_case, levels):
    url = reverse("support:contract_sign", args=[contacted_case.graduate_id, contacted_case.pk])
    response = pages.post(
        url,
        {
            "level": levels[SUPPORTING].pk,
            "signed_at": ru(timezone.localdate()),
            "starts_on": "31.12.9999",
            "help_agreed": "Помощь в поиске работы, которую мы набрали",
            "graduate_obligations": OBLIGATIONS,
        },
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert TOO_FAR in body
    assert 'value="31.12.9999"' in body
    assert "Помощь в поиске работы, которую мы набрали" in body
    assert not Contract.objects.exists()


def test_a_contract_may_not_start_before_the_graduate_was_identified(api, contacted_case, levels):
    before = contacted_case.identified_at - dt.timedelta(days=1)

    response = post_json(
        api, f"/api/v1/cases/{contacted_case.pk}/sign-contract/", sign_payload(levels, starts_on=before.isoformat())
    )

    assert response.status_code == 400
    assert errors_of(response, "starts_on") == (
        f"Договор не может начать действовать раньше выявления выпускника ({ru(contacted_case.identified_at)})."
    )


def test_the_service_refuses_year_9999_with_a_domain_error_not_an_overflow(contacted_case, levels, specialist):
    with pytest.raises(DomainError) as refused:
        services.sign_contract(
            contacted_case,
            actor=specialist,
            level=levels[SUPPORTING],
            signed_at=timezone.localdate(),
            starts_on=dt.date(9999, 12, 31),
            help_agreed=HELP_AGREED,
            graduate_obligations=OBLIGATIONS,
        )

    assert refused.value.field == "starts_on"
    assert TOO_FAR in refused.value.message


# --- The renewal ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"signed_at": "9999-12-31"}, "signed_at", FUTURE),
        ({"signed_at": "0001-01-01"}, "signed_at", TOO_EARLY),
        ({"signed_at": "today", "ends_on": "9999-12-31"}, "ends_on", TOO_FAR),
    ],
    ids=["signed-9999", "signed-year-1", "ends-9999"],
)
def test_a_renewal_out_of_bounds_is_a_400_through_the_api(api, active_case, payload, field, message):
    contract = active_case.contracts.get()
    payload = {k: timezone.localdate().isoformat() if v == "today" else v for k, v in payload.items()}

    response = post_json(api, f"/api/v1/contracts/{contract.pk}/renew/", payload)

    assert response.status_code == 400
    assert message in errors_of(response, field)
    assert Contract.objects.count() == 1


def test_a_renewal_ending_in_year_9999_is_shown_at_its_field_on_the_page(pages, active_case):
    contract = active_case.contracts.get()
    url = reverse("support:contract_renew", args=[active_case.graduate_id, contract.pk])

    response = pages.post(
        url,
        {
            "signed_at": ru(timezone.localdate()),
            "ends_on": "31.12.9999",
            "help_agreed": HELP_AGREED,
            "graduate_obligations": OBLIGATIONS,
        },
    )

    assert response.status_code == 400
    assert TOO_FAR in response.content.decode()
    assert 'value="31.12.9999"' in response.content.decode()
    assert Contract.objects.count() == 1


# --- The plan's start -----------------------------------------------------------------------------------


def test_a_plan_starting_in_year_9999_is_a_400_through_the_api(api, active_case):
    response = post_json(api, "/api/v1/plans/", {"case": active_case.pk, "starts_on": "9999-12-01"})

    assert response.status_code == 400
    assert TOO_FAR in errors_of(response, "starts_on")
    assert not SupportPlan.objects.exists()


def test_a_plan_starting_in_year_9999_is_shown_on_the_page_with_what_was_typed(pages, active_case):
    response = pages.post(reverse("support:plan_create", args=[active_case.graduate_id]), {"starts_on": "01.12.9999"})

    assert response.status_code == 400
    assert TOO_FAR in response.content.decode()
    assert 'value="01.12.9999"' in response.content.decode()
    assert not SupportPlan.objects.exists()


def test_the_plan_service_refuses_year_9999_with_a_domain_error(active_case, specialist):
    with pytest.raises(DomainError, match=TOO_FAR):
        services.create_plan(active_case, actor=specialist, starts_on=dt.date(9999, 12, 1))


# --- Identification -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("identified_at", "message"),
    [("9999-12-31", FUTURE), ("0001-01-01", TOO_EARLY), ("2000-01-01", BEFORE_BIRTH)],
    ids=["year-9999", "year-1", "year-2000-before-birth"],
)
def test_an_identification_date_out_of_bounds_is_a_400_through_the_api(api, graduate, identified_at, message):
    response = post_json(api, "/api/v1/cases/", {"graduate": graduate.pk, "identified_at": identified_at})

    assert response.status_code == 400
    assert message in errors_of(response, "identified_at")
    assert not SupportCase.objects.exists()


def test_an_identification_before_birth_is_shown_at_its_field_on_the_page(pages, graduate):
    response = pages.post(
        reverse("support:case_open", kwargs={"pk": graduate.pk}),
        {"identified_at": "01.01.2000", "how": "Выпуск из организации"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert f"Дата не может быть раньше дня рождения выпускника ({ru(graduate.birth_date)})." in body
    assert 'value="01.01.2000"' in body
    assert "Выпуск из организации" in body
    assert not SupportCase.objects.exists()


# --- Moves ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moved_at", "message"),
    [("9999-12-31", FUTURE), ("0001-01-01", TOO_EARLY), ("2000-01-01", BEFORE_BIRTH)],
    ids=["year-9999", "year-1", "year-2000-before-birth"],
)
def test_a_move_date_out_of_bounds_is_a_400_through_the_api(api, active_case, other_service, moved_at, message):
    response = post_json(
        api, f"/api/v1/cases/{active_case.pk}/transfer/", {"moved_at": moved_at, "to_service": other_service.pk}
    )

    assert response.status_code == 400
    assert message in errors_of(response, "moved_at")
    assert not Transfer.objects.exists()


def test_a_move_before_the_identification_is_refused(api, active_case, other_service):
    before = active_case.identified_at - dt.timedelta(days=1)

    response = post_json(
        api,
        f"/api/v1/cases/{active_case.pk}/transfer/",
        {"moved_at": before.isoformat(), "to_service": other_service.pk},
    )

    assert response.status_code == 400
    assert errors_of(response, "moved_at") == (
        f"Дата переезда не может быть раньше выявления выпускника ({ru(active_case.identified_at)})."
    )


@pytest.mark.parametrize("place", ["0", "-", "12", " . "])
def test_a_move_to_a_territory_named_by_no_word_is_refused_through_the_api(api, active_case, place):
    response = post_json(
        api,
        f"/api/v1/cases/{active_case.pk}/transfer/",
        {"moved_at": timezone.localdate().isoformat(), "to_external": place},
    )

    assert response.status_code == 400
    assert "Напишите место словами" in errors_of(response, "to_external")
    assert not Transfer.objects.exists()
    active_case.refresh_from_db()
    assert active_case.status == SupportCase.Status.ACTIVE


def test_a_move_to_a_territory_named_0_is_refused_on_the_page_and_by_the_service(pages, active_case, specialist):
    url = reverse("support:transfer_start", args=[active_case.graduate_id, active_case.pk])

    response = pages.post(url, {"to_external": "0", "moved_at": ru(timezone.localdate()), "new_address": "0"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "Напишите место словами: «0» не похоже на название территории или адрес." in body
    with pytest.raises(DomainError, match="Напишите место словами"):
        services.start_transfer(active_case, actor=specialist, moved_at=timezone.localdate(), to_external="0")
    assert not Transfer.objects.exists()


def test_a_move_to_a_real_place_outside_the_region_is_accepted(api, active_case):
    response = post_json(
        api,
        f"/api/v1/cases/{active_case.pk}/transfer/",
        {
            "moved_at": timezone.localdate().isoformat(),
            "to_external": "Курская область, г. Курск, служба сопровождения",
        },
    )

    assert response.status_code == 201
    assert Transfer.objects.get().to_external == "Курская область, г. Курск, служба сопровождения"


# --- The contract never runs past the 23rd birthday -------------------------------------------------------


@pytest.fixture
def nearly_23(make_graduate, service, give_consent, specialist):
    """A graduate who turns 23 in four months, with a case ready for the contract."""
    birthday = timezone.localdate() + dt.timedelta(days=120)
    if birthday.month == 2 and birthday.day == 29:
        birthday += dt.timedelta(days=1)
    graduate = make_graduate(service, birth_date=born_to_turn(23, birthday))
    give_consent(graduate, on=timezone.localdate() - dt.timedelta(days=20))
    case = services.open_case(graduate, actor=specialist, identified_at=timezone.localdate() - dt.timedelta(days=10))
    services.establish_contact(case, actor=specialist, on=timezone.localdate() - dt.timedelta(days=5))
    return case


def test_a_default_one_year_contract_is_cut_at_the_day_before_the_23rd_birthday(api, nearly_23, levels):
    response = post_json(api, f"/api/v1/cases/{nearly_23.pk}/sign-contract/", sign_payload(levels))

    assert response.status_code == 201
    last_day = nearly_23.graduate.turns_23_on - dt.timedelta(days=1)
    assert response.json()["ends_on"] == last_day.isoformat()
    assert Contract.objects.get().ends_on == last_day


def test_a_contract_end_typed_past_the_23rd_birthday_is_refused(api, nearly_23, levels):
    turns_23 = nearly_23.graduate.turns_23_on

    response = post_json(
        api, f"/api/v1/cases/{nearly_23.pk}/sign-contract/", sign_payload(levels, ends_on=turns_23.isoformat())
    )

    assert response.status_code == 400
    assert errors_of(response, "ends_on") == (
        f"Договор действует не дольше, чем до 23 лет выпускника: не позже {ru(turns_23 - dt.timedelta(days=1))} "
        f"(23 года исполняется {ru(turns_23)})."
    )
    assert not Contract.objects.exists()


def test_the_contract_form_says_until_which_day_the_contract_may_run(pages, nearly_23):
    url = reverse("support:contract_sign", args=[nearly_23.graduate_id, nearly_23.pk])

    body = pages.get(url).content.decode()

    last_day = support_ends_on(nearly_23.graduate.birth_date)
    assert f"Не позже {ru(last_day)}: в этот день выпускнику ещё нет 23 лет." in body


def test_a_renewal_cannot_start_on_or_after_the_23rd_birthday(api, nearly_23, levels, specialist):
    contract = services.sign_contract(
        nearly_23,
        actor=specialist,
        level=levels[SUPPORTING],
        signed_at=timezone.localdate(),
        help_agreed=HELP_AGREED,
        graduate_obligations=OBLIGATIONS,
    )

    response = post_json(
        api, f"/api/v1/contracts/{contract.pk}/renew/", {"signed_at": timezone.localdate().isoformat()}
    )

    assert response.status_code == 400
    turns_23 = nearly_23.graduate.turns_23_on
    assert response.json() == {
        "starts_on": [
            f"Выпускнику {ru(turns_23)} исполняется 23 года: договор о сопровождении с этого дня не заключается."
        ]
    }
    assert Contract.objects.count() == 1


def test_a_level_from_year_9999_is_refused(api, active_case, levels):
    response = post_json(
        api,
        f"/api/v1/cases/{active_case.pk}/change-level/",
        {"level": levels["Интенсивный"].pk, "reason": "Кризис", "effective_from": "9999-12-31"},
    )

    assert response.status_code == 400
    assert TOO_FAR in errors_of(response, "effective_from")
    assert LevelChange.objects.count() == 1
