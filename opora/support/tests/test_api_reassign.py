"""Reassignment through the API: the coordinator gives a case to another specialist of the service."""

from __future__ import annotations

import json

import pytest

from opora.org.models import User
from opora.support.models import Reassignment, SupportCase


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def colleague(service):
    return User.objects.create(username="colleague", role="specialist", service=service, last_name="Петрова")


def test_the_coordinator_gives_a_case_to_a_colleague_with_a_reason(
    login, coordinator, active_case, colleague, specialist
):
    response = post_json(
        login(coordinator),
        f"/api/v1/cases/{active_case.pk}/reassign/",
        {"to_specialist": colleague.pk, "reason": "Отпуск специалиста"},
    )

    assert response.status_code == 200, response.content
    assert response.json()["specialist"] == colleague.pk
    assert response.json()["specialist_name"] == "Петрова"
    reassignment = Reassignment.objects.get()
    assert (reassignment.from_specialist, reassignment.to_specialist) == (specialist, colleague)
    assert reassignment.reason == "Отпуск специалиста"


def test_a_specialist_cannot_reassign(login, specialist, active_case, colleague):
    response = post_json(
        login(specialist),
        f"/api/v1/cases/{active_case.pk}/reassign/",
        {"to_specialist": colleague.pk, "reason": "Хочу"},
    )

    assert response.status_code == 403
    assert SupportCase.objects.get().specialist == specialist


def test_a_specialist_of_another_service_is_not_a_valid_choice(login, coordinator, active_case, other_specialist):
    response = post_json(
        login(coordinator),
        f"/api/v1/cases/{active_case.pk}/reassign/",
        {"to_specialist": other_specialist.pk, "reason": "Переезд"},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["to_specialist"]
    assert not Reassignment.objects.exists()


def test_the_regional_centre_reassigns_within_the_graduates_service(
    login, regional, active_case, colleague, other_specialist
):
    client = login(regional)

    wrong = post_json(
        client,
        f"/api/v1/cases/{active_case.pk}/reassign/",
        {"to_specialist": other_specialist.pk, "reason": "Так надо"},
    )
    right = post_json(
        client, f"/api/v1/cases/{active_case.pk}/reassign/", {"to_specialist": colleague.pk, "reason": "Так надо"}
    )

    assert wrong.status_code == 400
    assert wrong.json() == {"to_specialist": ["Специалист не из службы выпускника."]}
    assert right.status_code == 200
    assert SupportCase.objects.get().specialist == colleague
