"""The consilium through the API: prepared, filled with If-Match, held with If-Match, in the schema."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from opora.assessment import consilium as consilia
from opora.assessment.models import Consilium
from opora.assessment.tests.conftest import INTENSIVE, MONITORING, days_ago
from opora.assessment.tests.consilium_factories import make_assessment

pytestmark = pytest.mark.django_db


def patch(client, url, data, etag):
    return client.patch(url, json.dumps(data), content_type="application/json", HTTP_IF_MATCH=etag)


def test_a_coordinator_prepares_fills_and_holds_a_consilium_through_the_api(
    login, coordinator, specialist, active_case, levels, level_rules, today
):
    make_assessment(active_case, days_ago(1), {"Жильё": 4})
    client = login(coordinator)
    created = client.post(
        reverse("consilium-list"),
        {
            "kind": "quarterly",
            "held_on": today.isoformat(),
            "number": "3",
            "participants": [coordinator.pk, specialist.pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    consilium = Consilium.objects.get(pk=created.json()["id"])
    (decision,) = consilia.add_graduates(consilium, [active_case], actor=coordinator)

    url = reverse("consilium-decision-detail", args=[decision.pk])
    etag = client.get(url)["ETag"]
    refused = patch(client, url, {"level": levels[MONITORING].pk}, etag)
    assert refused.status_code == 400 and "override_reason" in refused.json()
    assert client.patch(url, "{}", content_type="application/json").status_code == 428
    filled = patch(
        client,
        url,
        {
            "level": levels[INTENSIVE].pk,
            "recommendations": [{"text": "Встать в очередь", "responsible": "Специалист", "deadline": "2027-02-01"}],
        },
        etag,
    )
    assert filled.status_code == 200, filled.json()
    assert filled.json()["recommendations"][0]["text"] == "Встать в очередь"
    assert patch(client, url, {"notes": "старая редакция"}, etag).status_code == 412

    hold_url = reverse("consilium-hold", args=[consilium.pk])
    detail = client.get(reverse("consilium-detail", args=[consilium.pk]))
    assert client.post(hold_url, content_type="application/json").status_code == 428
    held = client.post(hold_url, content_type="application/json", HTTP_IF_MATCH=detail["ETag"])

    assert held.status_code == 200, held.json()
    assert held.json()["status"] == "held"
    assert held["ETag"] == f'"{held.json()["revision"]}"'
    assert held.json()["decisions"][0]["level_change"] is not None
    assert active_case.level_on(today) == levels[INTENSIVE]
    again = client.post(hold_url, content_type="application/json", HTTP_IF_MATCH=held["ETag"])
    assert again.status_code == 400


def test_a_specialist_reads_the_consilia_and_cannot_hold_them(login, specialist, coordinator, active_case, prepare):
    consilium = prepare()
    consilia.add_graduates(consilium, [active_case], actor=coordinator)
    client = login(specialist)

    assert client.get(reverse("consilium-detail", args=[consilium.pk])).status_code == 200
    hold = client.post(
        reverse("consilium-hold", args=[consilium.pk]), content_type="application/json", HTTP_IF_MATCH="*"
    )
    assert hold.status_code == 403


def test_the_schema_describes_the_consilium_endpoints(login, specialist):
    schema = login(specialist).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert set(paths["/api/v1/consilia/"]) >= {"get", "post"}
    assert set(paths["/api/v1/consilia/{id}/"]) & {"get", "patch", "put", "delete"} == {"get", "patch"}
    assert paths["/api/v1/consilia/{id}/hold/"]["post"]["summary"] == "Провести консилиум"
    assert set(paths["/api/v1/consilium-decisions/{id}/"]) & {"get", "patch", "put", "delete"} == {"get", "patch"}
    parameters = {p["name"] for p in paths["/api/v1/consilium-decisions/"]["get"]["parameters"]}
    assert {"consilium", "graduate"} <= parameters
