"""The rhythm's API: life events create the task, tasks cancel with If-Match, the rhythm lists; bad
input is a 400 with a Russian message."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from opora.assessment.models import AssessmentTask
from opora.assessment.tests.rhythm_factories import on_support, open_task


@pytest.fixture
def supported(levels, graduate, today, specialist):
    return on_support(graduate, today - dt.timedelta(days=200), specialist=specialist)


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_a_life_event_posted_sets_the_task(login, specialist, supported, today):
    response = post(
        login(specialist),
        reverse("life-event-list"),
        {"graduate": supported.graduate_id, "kind": "child_born", "occurred_on": today.isoformat()},
    )

    assert response.status_code == 201, response.content
    task = AssessmentTask.objects.get()
    assert response.json()["task"] == task.pk
    assert task.due_on == today + dt.timedelta(days=14)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "child_born", "occurred_on": "2999-01-01"}, "occurred_on"),
        ({"kind": "party", "occurred_on": "2026-11-01"}, "kind"),
        ({"kind": "child_born", "occurred_on": "1e20"}, "occurred_on"),
    ],
)
def test_a_bad_life_event_is_a_400_at_its_field(login, specialist, supported, body, field):
    response = post(login(specialist), reverse("life-event-list"), {"graduate": supported.graduate_id, **body})

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_task_is_cancelled_only_with_the_etag_it_was_read_with(login, specialist, supported, today):
    task = open_task(supported.graduate, today)
    client = login(specialist)
    url = reverse("assessment-task-cancel", kwargs={"pk": task.pk})

    etag = client.get(reverse("assessment-task-detail", kwargs={"pk": task.pk}))["ETag"]
    without = post(client, url, {"reason": "Не нужна"})
    stale = post(client, url, {"reason": "Не нужна"}, HTTP_IF_MATCH='"7"')
    done = post(client, url, {"reason": "Не нужна"}, HTTP_IF_MATCH=etag)
    again = post(client, url, {"reason": "Не нужна"}, HTTP_IF_MATCH=done["ETag"])

    assert etag == '"1"'
    assert (without.status_code, stale.status_code, done.status_code) == (428, 412, 200)
    assert done.json()["status"] == "cancelled"
    assert again.status_code == 400
    assert "Задача уже закрыта" in again.json()["non_field_errors"][0]


def test_the_tasks_filter_by_status(login, specialist, supported, today):
    open_task(supported.graduate, today)
    open_task(supported.graduate, today - dt.timedelta(days=30), status=AssessmentTask.Status.DONE)

    response = login(specialist).get(reverse("assessment-task-list"), {"status": "open"})

    assert [row["status"] for row in response.json()["results"]] == ["open"]


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "all"},
        {"kind": "due", "year": "2026"},
        {"kind": "due", "year": "2031", "quarter": "1"},
        {"kind": "due", "specialist": "1.5"},
        {"kind": "due", "quarter": "9", "year": "2026"},
    ],
)
def test_a_rhythm_list_with_a_bad_filter_is_a_400(login, specialist, supported, params):
    response = login(specialist).get(reverse("assessment-due-list"), params)

    assert response.status_code == 400


def test_the_rhythm_list_names_who_is_due(login, specialist, supported):
    response = login(specialist).get(reverse("assessment-due-list"), {"kind": "due"})

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["graduate"], r["assessed"]) for r in rows] == [(supported.graduate_id, False)]


def test_the_schema_has_the_rhythm_endpoints(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()

    for path in ("/api/v1/life-events/", "/api/v1/assessment-tasks/{id}/cancel/", "/api/v1/assessment-due/"):
        assert path in schema["paths"]
