"""Accepting a transfer: a confirmation step, the old contract ends by its own clause, then the
receiving specialist confirms the address, territory, housing and college (a mark on the card until then)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.core.models import AuditEvent
from opora.registry.models import Graduate
from opora.support import services
from opora.support.models import Contract, Transfer
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.usefixtures("support_region")
NEW_ADDRESS = "г. Старый Оскол, мкр. Жукова, д. 3, кв. 7"


@pytest.fixture
def pending(active_case, other_service, specialist) -> Transfer:
    return services.start_transfer(
        active_case,
        actor=specialist,
        moved_at=days_ago(2),
        to_service=other_service,
        new_address=NEW_ADDRESS,
        recommendations="Помочь встать в очередь на жильё.",
    )


def accept_url(transfer) -> str:
    return reverse("support:transfer_accept", args=[transfer.graduate_id, transfer.pk])


def confirm_url(graduate_id) -> str:
    return reverse("registry:confirm_details", args=[graduate_id])


# --- The service ---------------------------------------------------------------------------------


def test_accepting_ends_the_old_contract_by_its_moving_clause(pending, other_specialist, other_service):
    services.accept_transfer(pending, actor=other_specialist)

    contract = Contract.objects.get(case=pending.case)
    assert contract.terminated_at == timezone.localdate()
    # The contract had no terms of its own: the default template's 5.1 ends it on a move.
    assert contract.termination_reason == (
        f"Переезд выпускника: сопровождение принято службой «{other_service}» (п. 5.1 договора)"
    )
    assert not contract.is_in_force(timezone.localdate())


def test_a_contract_with_its_own_terms_ends_by_the_item_that_speaks_of_a_move(
    consented_graduate, make_active_case, other_service, specialist, other_specialist
):
    case = make_active_case(
        consented_graduate,
        termination_terms="1. По соглашению сторон.\n2. При переезде выпускника на другую территорию.",
    )
    transfer = services.start_transfer(case, actor=specialist, moved_at=days_ago(1), to_service=other_service)

    services.accept_transfer(transfer, actor=other_specialist)

    assert Contract.objects.get(case=case).termination_reason.endswith("(п. 5.2 договора)")


def test_a_contract_whose_term_had_already_run_out_is_left_as_it_ended(
    graduate, give_consent, make_active_case, other_service, specialist, other_specialist
):
    give_consent(graduate, on=days_ago(500))
    case = make_active_case(graduate, signed_at=days_ago(400))
    expired = Contract.objects.get(case=case)
    assert expired.ends_on < timezone.localdate()
    transfer = services.start_transfer(case, actor=specialist, moved_at=days_ago(1), to_service=other_service)

    services.accept_transfer(transfer, actor=other_specialist)

    expired.refresh_from_db()
    assert expired.terminated_at is None and expired.termination_reason == ""


def test_acceptance_marks_the_details_to_confirm_and_audits_the_ended_contract(pending, other_specialist):
    services.accept_transfer(pending, actor=other_specialist)

    graduate = Graduate.objects.get(pk=pending.graduate_id)
    assert graduate.details_to_confirm is True
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, changes__has_key="transfer_status").latest("id")
    assert event.changes["details_to_confirm"] == [False, True]
    (ended,) = event.changes["contract_ended_on_move"][1]
    assert ended.startswith(str(Contract.objects.get(case=pending.case))) and "п. 5.1" in ended


def test_a_declined_transfer_leaves_the_contract_in_force(pending, other_specialist):
    services.decline_transfer(pending, actor=other_specialist, reason="Выпускник не проживает у нас")

    contract = Contract.objects.get(case=pending.case)
    assert contract.terminated_at is None
    assert Graduate.objects.get(pk=pending.graduate_id).details_to_confirm is False


# --- The pages -----------------------------------------------------------------------------------


def test_the_accept_button_leads_to_a_confirmation_page_that_changes_nothing(login, other_specialist, pending):
    client = login(other_specialist)

    incoming = client.get(reverse("support:incoming_transfers")).content.decode()
    page = client.get(accept_url(pending) + "?back=incoming")

    assert f'href="{accept_url(pending)}?back=incoming"' in incoming
    assert page.status_code == 200
    body = page.content.decode()
    assert "Принять сопровождение в «Служба сопровождения Старооскольского округа»?" in body
    contract = Contract.objects.get(case=pending.case)
    assert f"{contract} прекращается по п. 5.1 (переезд выпускника) датой принятия" in body
    assert "Подтверждаю: принять сопровождение" in body
    assert NEW_ADDRESS in body
    assert f'href="{reverse("support:incoming_transfers")}"' in body  # «Отмена» goes back where it came from
    assert Transfer.objects.get(pk=pending.pk).status == Transfer.Status.PENDING
    assert contract.terminated_at is None


def test_a_post_without_the_confirmation_accepts_nothing(login, other_specialist, pending, service):
    response = login(other_specialist).post(accept_url(pending), {"back": "incoming"})

    assert response.status_code == 400
    assert "Подтвердите принятие на странице передачи" in response.content.decode()
    assert Transfer.objects.get(pk=pending.pk).status == Transfer.Status.PENDING
    assert Graduate.objects.get(pk=pending.graduate_id).service == service


def test_confirming_accepts_and_opens_the_prefilled_details_form(
    login, other_specialist, pending, other_service, other_territory
):
    client = login(other_specialist)

    response = client.post(accept_url(pending), {"confirmed": "1", "specialist": other_specialist.pk})

    assert response.status_code == 302 and response.url == confirm_url(pending.graduate_id)
    form_page = client.get(response.url)
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert form["actual_address"].value() == NEW_ADDRESS
    assert form["territory"].value() == other_territory.pk
    assert form["housing"].value() == Graduate.Housing.DORMITORY
    assert "education_place" in form.fields and "housing_on_list" in form.fields
    body = form_page.content.decode()
    assert 'id="details-to-confirm"' in body
    assert "Сведения нужно подтвердить после переезда" in body


def test_the_card_shows_the_mark_until_the_details_are_confirmed(login, other_specialist, pending):
    services.accept_transfer(pending, actor=other_specialist)
    client = login(other_specialist)
    card = reverse("registry:detail", args=[pending.graduate_id])
    graduate = Graduate.objects.get(pk=pending.graduate_id)
    assert f'href="{confirm_url(graduate.pk)}"' in client.get(card).content.decode()

    saved = client.post(
        confirm_url(graduate.pk),
        {
            "revision": graduate.revision,
            "actual_address": NEW_ADDRESS,
            "territory": graduate.territory_id,
            "housing": Graduate.Housing.QUEUE,
            "housing_right": "on",
            "housing_on_list": "on",
            "education": Graduate.Education.VOCATIONAL,
            "education_place": "Старооскольский политехнический колледж",
        },
    )

    assert saved.status_code == 302 and saved.url == card
    graduate.refresh_from_db()
    assert graduate.details_to_confirm is False
    assert graduate.housing == Graduate.Housing.QUEUE and graduate.housing_on_list is True
    assert graduate.education_place == "Старооскольский политехнический колледж"
    assert "Сведения нужно подтвердить" not in client.get(card).content.decode()
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(graduate.pk)).latest("id")
    assert event.changes["details_to_confirm"] == [True, False]


def test_confirming_unchanged_details_still_clears_the_mark(login, other_specialist, pending):
    services.accept_transfer(pending, actor=other_specialist)
    client = login(other_specialist)
    form = client.get(confirm_url(pending.graduate_id)).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}

    saved = client.post(confirm_url(pending.graduate_id), data)

    assert saved.status_code == 302
    assert Graduate.objects.get(pk=pending.graduate_id).details_to_confirm is False


def test_a_stale_confirmation_is_refused_with_the_colleagues_change_shown(login, other_specialist, pending):
    from opora.registry import services as registry

    services.accept_transfer(pending, actor=other_specialist)
    client = login(other_specialist)
    opened = Graduate.objects.get(pk=pending.graduate_id)
    registry.update_graduate(opened, actor=other_specialist, data={"education_place": "Колледж № 1"})

    response = client.post(
        confirm_url(opened.pk),
        {
            "revision": opened.revision - 1,
            "actual_address": NEW_ADDRESS,
            "territory": opened.territory_id,
            "housing": Graduate.Housing.DORMITORY,
            "education_place": "Другой колледж",
        },
    )

    assert response.status_code == 409
    assert "Колледж № 1" in response.content.decode()
    assert Graduate.objects.get(pk=opened.pk).details_to_confirm is True


def test_declining_from_the_confirmation_page_needs_a_reason(login, other_specialist, pending):
    client = login(other_specialist)
    url = reverse("support:transfer_decline", args=[pending.graduate_id, pending.pk])

    refused = client.post(url, {"reason": "  ", "back": "accept"})
    declined = client.post(url, {"reason": "Проживает на территории другой службы", "back": "accept"})

    assert refused.status_code == 400
    body = refused.content.decode()
    assert 'id="accept-transfer"' in body and 'id="decline-errors"' in body
    assert "Укажите причину" in body
    assert declined.status_code == 302
    assert Transfer.objects.get(pk=pending.pk).status == Transfer.Status.DECLINED


def test_the_sending_service_gets_no_confirmation_page(login, specialist, pending):
    assert login(specialist).get(accept_url(pending)).status_code == 404


# --- The API -------------------------------------------------------------------------------------


def test_the_api_accepts_ends_the_contract_and_clears_the_mark_with_if_match(client, other_specialist, pending):
    client.force_login(other_specialist)

    accepted = client.post(f"/api/v1/transfers/{pending.pk}/accept/", "{}", content_type="application/json")
    graduate = client.get(f"/api/v1/graduates/{pending.graduate_id}/")

    assert accepted.status_code == 200, accepted.content
    assert Contract.objects.get(case=pending.case).terminated_at == timezone.localdate()
    assert graduate.json()["details_to_confirm"] is True
    stale = client.patch(
        f"/api/v1/graduates/{pending.graduate_id}/",
        json.dumps({"details_to_confirm": False}),
        content_type="application/json",
        HTTP_IF_MATCH=graduate["ETag"],
    )
    assert Graduate.objects.get(pk=pending.graduate_id).details_to_confirm is True  # read-only: not a way to clear it
    confirmed = client.patch(
        f"/api/v1/graduates/{pending.graduate_id}/",
        json.dumps({"confirm_details": True, "education_place": "Колледж № 2"}),
        content_type="application/json",
        HTTP_IF_MATCH=stale["ETag"],
    )
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["details_to_confirm"] is False
    assert confirmed.json()["education_place"] == "Колледж № 2"
