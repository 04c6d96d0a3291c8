"""Handing a case over on a move: start, the 3-day notice, cancel, and the receiving service's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.core.models import AuditEvent
from opora.org.models import Region, Service, Territory
from opora.registry.models import Graduate
from opora.support import services
from opora.support.models import SupportCase, Transfer
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.usefixtures("support_region")
INCOMING = reverse("support:incoming_transfers")


def tab(graduate) -> str:
    return reverse("support:case", kwargs={"pk": graduate.pk})


def ru(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def start_url(case) -> str:
    return reverse("support:transfer_start", args=[case.graduate_id, case.pk])


@pytest.fixture
def pending(active_case, other_service, specialist) -> Transfer:
    return services.start_transfer(
        active_case,
        actor=specialist,
        moved_at=days_ago(1),
        to_service=other_service,
        new_address="г. Старый Оскол, ул. Ленина, 1",
        recommendations="Нужна помощь с жильём.",
    )


def test_the_form_offers_the_regions_other_services(login, specialist, active_case, other_service, service):
    response = login(specialist).get(start_url(active_case))

    offered = list(response.context["form"].fields["to_service"].queryset)
    assert response.status_code == 200
    assert other_service in offered
    assert service not in offered


def test_starting_a_transfer_shows_it_pending_with_the_notice_deadline(login, specialist, active_case, other_service):
    client = login(specialist)

    response = client.post(
        start_url(active_case),
        {
            "to_service": other_service.pk,
            "moved_at": ru(days_ago(1)),
            "new_address": "г. Старый Оскол",
            "recommendations": "Контакт с тётей",
        },
    )

    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert transfer.status == Transfer.Status.PENDING
    body = client.get(tab(active_case.graduate)).content.decode()
    assert 'id="pending-transfer"' in body
    assert f"направить до {ru(timezone.localdate() + dt.timedelta(days=3))}" in body
    assert "Уведомление направлено" in body
    assert "Отменить передачу" in body
    assert 'data-confirm="Отменить передачу? Выпускник останется в вашей службе."' in body
    assert "Передать в другую службу" not in body


def test_one_of_service_or_outside_territory_is_required(login, specialist, active_case, other_service):
    client = login(specialist)

    neither = client.post(start_url(active_case), {"moved_at": ru(days_ago(1))})
    both = client.post(
        start_url(active_case),
        {"moved_at": ru(days_ago(1)), "to_service": other_service.pk, "to_external": "Курская область"},
    )

    for response in (neither, both):
        assert response.status_code == 400
        assert response.context["form"].errors["to_service"] == [
            "Укажите службу региона или территорию за его пределами — одно из двух."
        ]
    assert not Transfer.objects.exists()


def test_an_overdue_notice_is_shown_in_red(login, specialist, pending):
    Transfer.objects.filter(pk=pending.pk).update(notice_due=days_ago(1))

    body = login(specialist).get(tab(pending.graduate)).content.decode()

    assert f'text-danger fw-semibold">направить до {ru(days_ago(1))} — срок пропущен' in body


def test_the_notice_is_marked_sent(login, specialist, pending):
    client = login(specialist)

    response = client.post(reverse("support:transfer_notified", args=[pending.graduate_id, pending.pk]))
    again = client.post(reverse("support:transfer_notified", args=[pending.graduate_id, pending.pk]))

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.notice_sent_at == timezone.localdate()
    assert again.status_code == 400
    assert "Уведомление уже отмечено как направленное." in again.content.decode()


def test_cancelling_keeps_the_graduate_in_the_service(login, specialist, other_specialist, pending):
    client = login(specialist)

    response = client.post(reverse("support:transfer_cancel", args=[pending.graduate_id, pending.pk]))

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Transfer.Status.CANCELLED
    assert Graduate.objects.get(pk=pending.graduate_id).incoming_service is None
    client.force_login(other_specialist)
    assert client.get(tab(pending.graduate)).status_code == 404


def test_the_receiving_service_sees_the_graduate_lists_it_and_accepts(
    login, specialist, other_specialist, pending, other_service
):
    client = login(other_specialist)

    card = client.get(tab(pending.graduate)).content.decode()
    incoming = client.get(INCOMING)
    accepted = client.post(
        reverse("support:transfer_accept", args=[pending.graduate_id, pending.pk]),
        {"back": "incoming", "confirmed": "1", "specialist": other_specialist.pk},
    )

    assert "Принять" in card
    assert "Отменить передачу" not in card
    assert incoming.status_code == 200
    assert pending.graduate.full_name in incoming.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LIST, record_ids=[pending.graduate_id]).exists()
    assert accepted.status_code == 302
    graduate = Graduate.objects.get(pk=pending.graduate_id)
    assert graduate.service == other_service
    assert graduate.actual_address == "г. Старый Оскол, ул. Ленина, 1"
    assert SupportCase.objects.get(pk=pending.case_id).specialist == other_specialist
    assert "Входящих передач нет." in client.get(INCOMING).content.decode()
    # The sending service no longer sees the graduate.
    client.force_login(specialist)
    assert client.get(tab(graduate)).status_code == 404


def test_the_sending_service_cannot_accept_its_own_transfer(login, specialist, pending):
    response = login(specialist).post(reverse("support:transfer_accept", args=[pending.graduate_id, pending.pk]))

    # Receiving is not the holder's action: the sender's request finds no such transfer.
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == Transfer.Status.PENDING


def test_a_move_outside_the_region_closes_the_case(login, specialist, active_case):
    client = login(specialist)

    response = client.post(
        start_url(active_case), {"to_external": "Курская область, г. Курск", "moved_at": ru(days_ago(2))}
    )

    assert response.status_code == 302
    active_case.refresh_from_db()
    assert active_case.status == SupportCase.Status.CLOSED
    assert active_case.close_reason == SupportCase.CloseReason.MOVED
    body = client.get(tab(active_case.graduate)).content.decode()
    assert "сопровождение завершено" in body
    assert "Курская область, г. Курск" in body


# --- The incoming page's scope -------------------------------------------------------------------


@pytest.fixture
def outside_transfer(make_graduate, support_region):
    """A pending transfer between two services of another region."""
    region = Region.objects.create(name="Дальняя область", code="97")
    services.setup_region(region)
    territory = Territory.objects.create(region=region, name="Дальний район")
    sender = Service.objects.create(region=region, territory=territory, name="Дальняя служба 1")
    receiver = Service.objects.create(region=region, territory=territory, name="Дальняя служба 2")
    graduate = make_graduate(sender, last_name="Дальнева")
    case = SupportCase.objects.create(graduate=graduate, identified_at=days_ago(3))
    return Transfer.objects.create(
        case=case,
        graduate=graduate,
        from_service=sender,
        to_service=receiver,
        moved_at=days_ago(1),
        started_at=days_ago(1),
        notice_due=days_ago(-2),
    )


@pytest.mark.parametrize(
    ("role", "sees"),
    [("other_specialist", True), ("coordinator", False), ("specialist", False), ("regional", True)],
)
def test_the_incoming_page_lists_only_transfers_to_ones_own_service(
    request, login, pending, outside_transfer, role, sees
):
    response = login(request.getfixturevalue(role)).get(INCOMING)

    body = response.content.decode()
    assert response.status_code == 200
    assert (pending.graduate.full_name in body) is sees
    assert "Дальнева" not in body


@pytest.mark.parametrize("role", ["administrator", "attracted"])
def test_roles_without_personal_data_have_no_incoming_page(request, login, pending, role):
    client = login(request.getfixturevalue(role))

    assert client.get(INCOMING).status_code == 403
    assert client.post(reverse("support:transfer_accept", args=[pending.graduate_id, pending.pk])).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Transfer.Status.PENDING


def test_a_transfer_of_another_region_answers_404(login, other_specialist, outside_transfer):
    client = login(other_specialist)
    url = reverse("support:transfer_accept", args=[outside_transfer.graduate_id, outside_transfer.pk])

    assert client.post(url).status_code == 404
    outside_transfer.refresh_from_db()
    assert outside_transfer.status == Transfer.Status.PENDING


def test_a_transfer_is_not_reachable_through_another_graduates_card(login, specialist, pending, make_graduate, service):
    own = make_graduate(service, last_name="Своя")

    response = login(specialist).post(reverse("support:transfer_cancel", args=[own.pk, pending.pk]))

    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == Transfer.Status.PENDING


def test_the_navbar_links_to_incoming_transfers(login, specialist, administrator):
    client = login(specialist)
    assert INCOMING in client.get(reverse("registry:list")).content.decode()
    client.force_login(administrator)
    assert INCOMING not in client.get(reverse("admin:index")).content.decode()
