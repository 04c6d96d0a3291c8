"""After a transfer is accepted, the former service keeps the fact of it, not the person (issue 6, point 5).

The transfer stays in the sending service's list (date, direction, status), but its notice —
birth date, phone, status, housing, contract — and every other trace of the person is gone
from what that service can read: the API answers them as empty, the documents and the card 404.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from opora.support import services
from opora.support.models import Transfer
from opora.support.tests.conftest import days_ago

PERSONAL = ("case", "graduate", "graduate_name", "new_address", "recommendations", "notice")


@pytest.fixture
def accepted(active_case, specialist, other_specialist, other_service) -> Transfer:
    transfer = services.start_transfer(
        active_case,
        actor=specialist,
        moved_at=days_ago(1),
        to_service=other_service,
        new_address="г. Старый Оскол, ул. Ленина, 1",
        recommendations="Нужна помощь с жильём.",
    )
    return services.accept_transfer(transfer, actor=other_specialist)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_former_service_lists_the_transfer_without_the_persons_data(accepted, specialist, graduate):
    client = _client(specialist)

    listed = client.get(reverse("transfer-list"), {"direction": "outgoing"})
    detail = client.get(reverse("transfer-detail", kwargs={"pk": accepted.pk}))

    assert listed.status_code == detail.status_code == 200
    [row] = listed.json()["results"]
    for data in (row, detail.json()):
        assert data["status"] == "accepted"
        assert data["to_service"] == accepted.to_service_id
        assert data["started_at"] and data["moved_at"]
        assert all(data[name] is None for name in PERSONAL), {name: data[name] for name in PERSONAL}
    body = listed.content.decode() + detail.content.decode()
    assert graduate.last_name not in body
    assert graduate.birth_date.strftime("%d.%m.%Y") not in body
    assert "Ленина" not in body


def test_the_former_service_cannot_open_the_notice_or_the_card(accepted, specialist, graduate):
    client = _client(specialist)

    notice = client.get(reverse("docs:transfer", kwargs={"pk": graduate.pk, "transfer_pk": accepted.pk}))
    card = client.get(reverse("registry:detail", args=[graduate.pk]))

    assert notice.status_code == card.status_code == 404


def test_the_receiving_service_still_reads_the_whole_notice(accepted, other_specialist, graduate):
    data = _client(other_specialist).get(reverse("transfer-detail", kwargs={"pk": accepted.pk})).json()

    assert data["graduate"] == graduate.pk
    assert data["notice"]["full_name"] == graduate.full_name
    assert data["new_address"] == "г. Старый Оскол, ул. Ленина, 1"


def test_a_declined_transfer_hides_the_person_from_the_service_that_declined(
    active_case, specialist, other_specialist, other_service, graduate
):
    transfer = services.start_transfer(active_case, actor=specialist, moved_at=days_ago(1), to_service=other_service)
    services.decline_transfer(transfer, actor=other_specialist, reason="Выпускник по этому адресу не проживает")

    data = _client(other_specialist).get(reverse("transfer-detail", kwargs={"pk": transfer.pk})).json()
    sender = _client(specialist).get(reverse("transfer-detail", kwargs={"pk": transfer.pk})).json()

    assert data["status"] == "declined" and data["notice"] is None and data["graduate_name"] is None
    assert sender["graduate_name"] == graduate.full_name, json.dumps(sender, ensure_ascii=False)
