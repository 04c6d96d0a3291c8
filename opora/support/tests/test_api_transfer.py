"""Transfer on a move through the API: both services see the case until the receiver accepts it."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from opora.core.models import AuditEvent
from opora.org.models import Service, Territory
from opora.registry.models import Graduate
from opora.support.models import SupportCase, Transfer
from opora.support.tests.conftest import days_ago


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def sender(client, specialist, support_region):
    client.force_login(specialist)
    return client


@pytest.fixture
def receiver(other_specialist):
    client = Client()
    client.force_login(other_specialist)
    return client


def start(sender, case, to_service, **extra):
    return post_json(
        sender,
        f"/api/v1/cases/{case.pk}/transfer/",
        {"moved_at": days_ago(1).isoformat(), "to_service": to_service.pk, "new_address": "ул. Новая, 1", **extra},
    )


def test_the_receiving_service_sees_the_case_accepts_it_and_the_sender_loses_it(
    sender, receiver, active_case, other_service, other_specialist, graduate
):
    assert ids(receiver.get("/api/v1/cases/")) == []
    assert receiver.get(f"/api/v1/cases/{active_case.pk}/").status_code == 404

    started = start(sender, active_case, other_service, recommendations="Нужна помощь с жильём")

    assert started.status_code == 201, started.content
    transfer = started.json()
    assert transfer["status"] == "pending"
    assert transfer["notice"]["full_name"] == graduate.full_name
    assert transfer["notice"]["recommendations"] == "Нужна помощь с жильём"
    # Until the receiver accepts, both services see the case and the transfer.
    assert ids(receiver.get("/api/v1/cases/")) == [active_case.pk]
    assert ids(receiver.get("/api/v1/transfers/", {"direction": "incoming"})) == [transfer["id"]]
    assert ids(sender.get("/api/v1/transfers/", {"direction": "outgoing"})) == [transfer["id"]]
    assert ids(sender.get("/api/v1/transfers/", {"direction": "incoming"})) == []
    assert sender.get(f"/api/v1/cases/{active_case.pk}/").status_code == 200

    accepted = post_json(receiver, f"/api/v1/transfers/{transfer['id']}/accept/")

    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["accepted_at"] == timezone.localdate().isoformat()
    # The case, with its whole history, belongs to the receiver now; the sender gets 404.
    case = receiver.get(f"/api/v1/cases/{active_case.pk}/").json()
    assert case["specialist"] == other_specialist.pk
    assert ids(receiver.get("/api/v1/contracts/", {"case": active_case.pk})) == [active_case.contracts.get().pk]
    assert sender.get(f"/api/v1/cases/{active_case.pk}/").status_code == 404
    assert ids(sender.get("/api/v1/cases/")) == []
    assert ids(sender.get("/api/v1/contracts/")) == []
    assert ids(sender.get("/api/v1/level-changes/")) == []
    assert post_json(sender, f"/api/v1/cases/{active_case.pk}/contact/").status_code == 404
    graduate.refresh_from_db()
    assert graduate.service == other_service
    assert graduate.actual_address == "ул. Новая, 1"


def test_only_the_receiving_service_accepts(sender, active_case, other_service):
    transfer = start(sender, active_case, other_service).json()

    response = post_json(sender, f"/api/v1/transfers/{transfer['id']}/accept/")

    # The sending side is not in the transfer's «receive» scope: as if there were no such transfer.
    assert response.status_code == 404
    assert response.json() == {"detail": "Запись не найдена."}
    assert Transfer.objects.get().status == "pending"


def test_the_receiver_may_hand_the_case_to_one_of_its_own_specialists_only(
    sender, receiver, active_case, other_service, specialist
):
    transfer = start(sender, active_case, other_service).json()

    response = post_json(receiver, f"/api/v1/transfers/{transfer['id']}/accept/", {"specialist": specialist.pk})

    assert response.status_code == 400
    assert list(response.json()) == ["specialist"]
    assert Transfer.objects.get().status == "pending"


def test_a_cancelled_transfer_leaves_the_case_with_the_sender(sender, receiver, active_case, other_service):
    transfer = start(sender, active_case, other_service).json()

    cancelled = post_json(sender, f"/api/v1/transfers/{transfer['id']}/cancel/")
    again = post_json(sender, f"/api/v1/transfers/{transfer['id']}/cancel/")

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["Эта передача уже завершена или отменена (сейчас: «Отменено»)."]}
    assert ids(receiver.get("/api/v1/cases/")) == []
    assert Graduate.objects.get().incoming_service is None


def test_the_notice_is_marked_sent_once(sender, active_case, other_service):
    transfer = start(sender, active_case, other_service).json()
    url = f"/api/v1/transfers/{transfer['id']}/notice-sent/"

    sent = post_json(sender, url, {"notice_sent_at": timezone.localdate().isoformat()})
    twice = post_json(sender, url)

    assert sent.status_code == 200
    assert sent.json()["notice_sent_at"] == timezone.localdate().isoformat()
    assert twice.status_code == 400
    assert twice.json() == {"non_field_errors": ["Уведомление уже отмечено как направленное."]}


def test_a_move_outside_the_region_sends_a_notice_and_closes_the_case(sender, active_case):
    response = post_json(
        sender,
        f"/api/v1/cases/{active_case.pk}/transfer/",
        {"moved_at": days_ago(2).isoformat(), "to_external": "Курская область, г. Курск, служба сопровождения"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "notified_outside"
    assert response.json()["notice_sent_at"] == timezone.localdate().isoformat()
    case = SupportCase.objects.get()
    assert (case.status, case.close_reason) == ("closed", "moved")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, {"to_service": ["Укажите службу региона или территорию за его пределами — одно из двух."]}),
        ({"to_service": "own"}, {"to_service": ["Выпускник уже в этой службе."]}),
        ({"to_service": "far"}, "to_service"),
    ],
)
def test_a_transfer_needs_one_destination_within_reach(sender, active_case, service, other_region, data, expected):
    far = Service.objects.create(
        region=other_region, territory=Territory.objects.create(region=other_region, name="Дальний"), name="Дальняя"
    )
    data = {key: {"own": service.pk, "far": far.pk}[value] for key, value in data.items()}

    response = post_json(
        sender, f"/api/v1/cases/{active_case.pk}/transfer/", {"moved_at": days_ago(1).isoformat(), **data}
    )

    assert response.status_code == 400
    if isinstance(expected, dict):
        assert response.json() == expected
    else:
        assert list(response.json()) == [expected]
    assert not Transfer.objects.exists()


def test_a_second_transfer_of_the_same_case_is_refused(sender, active_case, other_service):
    start(sender, active_case, other_service)

    response = start(sender, active_case, other_service)

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Передача этого выпускника уже начата."]}


def test_the_acceptance_is_audited_against_the_graduate_for_the_receiving_service(
    sender, receiver, active_case, other_service, other_specialist
):
    transfer = start(sender, active_case, other_service).json()

    post_json(receiver, f"/api/v1/transfers/{transfer['id']}/accept/")

    event = AuditEvent.objects.filter(actor=other_specialist, action=AuditEvent.Action.UPDATE).get()
    assert event.service == other_service
    assert event.object_id == str(active_case.graduate_id)
