"""Who may use the support API: a token works like the session; roles without personal data get 403."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from opora.core.models import AuditEvent
from opora.org import tokens
from opora.support.models import JournalEntry, SupportCase


@pytest.fixture
def token(specialist):
    return tokens.issue(specialist)


def test_a_token_reads_the_cases_in_scope(client, token, active_case, foreign_graduate):
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [active_case.pk]


def test_a_token_writes_through_the_same_workflow_and_audit(client, token, specialist, active_case):
    response = client.post(
        "/api/v1/journal/",
        json.dumps({"case": active_case.pk, "kind": "phone", "text": "Созвонились"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )

    assert response.status_code == 201, response.content
    assert JournalEntry.objects.get(text="Созвонились").author == specialist
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, actor=specialist, changes__has_key="journal"
    ).exists()


def test_a_token_action_needs_no_csrf_token(token, active_case):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        f"/api/v1/cases/{active_case.pk}/close/",
        json.dumps({"close_reason": "adapted", "close_report": "Всё хорошо"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )

    assert response.status_code == 200, response.content
    assert SupportCase.objects.get().status == "closed"


def test_a_wrong_token_is_refused(client, token):
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION="Token " + "0" * 40).status_code == 401


@pytest.mark.parametrize("url", ["/api/v1/cases/", "/api/v1/journal/", "/api/v1/levels/"])
def test_an_anonymous_request_is_refused(client, db, url):
    assert client.get(url).status_code in (401, 403)


@pytest.mark.parametrize("role", ["attracted", "administrator"])
@pytest.mark.parametrize("url", ["/api/v1/cases/", "/api/v1/journal/", "/api/v1/transfers/", "/api/v1/plans/"])
def test_roles_without_personal_data_get_403(request, login, active_case, role, url):
    client = login(request.getfixturevalue(role))

    response = client.get(url)

    assert response.status_code == 403
    assert active_case.graduate.last_name not in response.content.decode()


def test_the_attracted_specialist_sees_the_regions_directories(login, attracted, support_region):
    response = login(attracted).get("/api/v1/levels/")

    assert response.status_code == 200
    assert response.json()["count"] == 3
