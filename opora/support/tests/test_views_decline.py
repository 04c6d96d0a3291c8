"""Declining a transfer on the pages and through the API: the reason is asked for and shown to the sender."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from opora.registry.models import Graduate
from opora.support import services
from opora.support.models import Transfer
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.usefixtures("support_region")
REASON = "Выпускник проживает на территории другой службы"
INCOMING = reverse("support:incoming_transfers")


@pytest.fixture
def pending(active_case, other_service, specialist) -> Transfer:
    return services.start_transfer(active_case, actor=specialist, moved_at=days_ago(1), to_service=other_service)


def decline_url(transfer) -> str:
    return reverse("support:transfer_decline", args=[transfer.graduate_id, transfer.pk])


def test_the_incoming_page_and_the_case_tab_offer_decline_beside_accept(login, other_specialist, pending):
    client = login(other_specialist)

    incoming = client.get(INCOMING).content.decode()
    tab = client.get(reverse("support:case", args=[pending.graduate_id])).content.decode()

    for body in (incoming, tab):
        assert "Принять" in body and "Отклонить" in body
        assert decline_url(pending) in body
        assert 'name="reason"' in body


def test_declining_from_the_incoming_page_leaves_the_graduate_with_the_sender(
    login, other_specialist, specialist, pending, service
):
    client = login(other_specialist)

    response = client.post(decline_url(pending), {"reason": REASON, "back": "incoming"})

    assert response.status_code == 302 and response.url == INCOMING
    assert Transfer.objects.get(pk=pending.pk).status == Transfer.Status.DECLINED
    assert Graduate.objects.get(pk=pending.graduate_id).service == service
    assert client.get(reverse("support:case", args=[pending.graduate_id])).status_code == 404
    sender_tab = login(specialist).get(reverse("support:case", args=[pending.graduate_id])).content.decode()
    assert "Отклонено принимающей службой" in sender_tab
    assert REASON in sender_tab


def test_declining_without_a_reason_is_refused_on_the_page(login, other_specialist, pending):
    response = login(other_specialist).post(decline_url(pending), {"reason": " ", "back": "incoming"})

    assert response.status_code == 400
    assert "Укажите причину" in response.content.decode()
    assert Transfer.objects.get(pk=pending.pk).status == Transfer.Status.PENDING


def test_the_api_declines_with_a_reason_and_refuses_without_one(login, other_specialist, pending):
    client = login(other_specialist)
    url = f"/api/v1/transfers/{pending.pk}/decline/"

    blank = client.post(url, json.dumps({"reason": ""}), content_type="application/json")
    declined = client.post(url, json.dumps({"reason": REASON}), content_type="application/json")

    assert blank.status_code == 400
    assert list(blank.json()) == ["reason"]
    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["decline_reason"]) == ("declined", REASON)
