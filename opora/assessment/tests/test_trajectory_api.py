"""GET /api/v1/trajectories/{graduate_id}/ and /api/v1/assessment-summary/: data, scope, bad filters, schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from opora.core.models import AuditEvent

from .summary_data import third_quarter
from .trajectory_factories import CLOSED, NEW, make_assessment, make_case


@pytest.fixture
def quarter(service, other_service, levels, make_graduate):
    return third_quarter(service, other_service, levels, make_graduate)


def test_the_trajectory_gives_the_scores_the_difficulties_and_the_level_history(client, specialist, graduate, levels):
    case = make_case(graduate, levels["Поддерживающий"])
    first = make_assessment(case, dt.date(2026, 4, 2), {"Жильё": (3, 4)}, difficulties={"Жильё": [("Долг", NEW)]})
    second = make_assessment(case, dt.date(2026, 7, 2), {"Жильё": 1}, difficulties={"Жильё": [("Долг", CLOSED)]})
    client.force_login(specialist)

    response = client.get(reverse("trajectory-detail", kwargs={"pk": graduate.pk}))

    assert response.status_code == 200
    data = response.json()
    housing = next(d["id"] for d in data["domains"] if d["name"] == "Жильё")
    assert [a["id"] for a in data["assessments"]] == [first.pk, second.pk]
    cells = [next(d for d in a["domains"] if d["domain"] == housing) for a in data["assessments"]]
    assert [(c["severity"], c["graduate_severity"]) for c in cells] == [(3, 4), (1, None)]
    assert (cells[0]["opened"], cells[1]["closed"]) == (["Долг"], ["Долг"])
    assert [(c["level_name"], c["basis"]) for c in data["level_history"]] == [("Поддерживающий", "initial")]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_READ, object_id=str(graduate.pk)).exists()


@pytest.mark.parametrize(("role", "status"), [("other_specialist", 404), ("attracted", 403), ("admin", 403)])
def test_the_trajectory_of_a_graduate_out_of_reach_is_refused(client, users, graduate, levels, role, status):
    make_assessment(make_case(graduate, levels["Поддерживающий"]), dt.date(2026, 4, 2), {"Жильё": 3})
    client.force_login(users[role])

    response = client.get(reverse("trajectory-detail", kwargs={"pk": graduate.pk}))

    assert response.status_code == status
    assert "Иванова" not in response.content.decode()


def test_the_summary_gives_the_counts_over_every_row_and_a_page_of_rows(client, quarter, specialist, service):
    client.force_login(specialist)

    response = client.get(reverse("assessment-summary-list"), {"year": 2026, "quarter": 3, "page_size": 2})

    assert response.status_code == 200
    data = response.json()
    assert data["service"] == {"id": service.pk, "name": service.name}
    assert (data["total_rows"], data["count"], data["hidden_rows"]) == (4, 3, 1)
    assert len(data["results"]) == 2 and data["next"]
    housing = next(d for d in data["domains"] if d["name"] == "Жильё")
    assert (housing["with_difficulties"], housing["found"], housing["new"], housing["mean"]) == (4, 4, 3, 2.75)
    borisova = data["results"][0]
    assert borisova["full_name"].startswith("Борисова")
    cell = next(c for c in borisova["cells"] if c["domain"] == housing["domain"])
    assert (cell["severity"], cell["difficulties"]) == (2, ["Долг"])
    event = AuditEvent.objects.get(action=AuditEvent.Action.API_READ, actor=specialist)
    assert len(event.record_ids) == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"quarter": "0"}, "quarter"),
        ({"year": "abc"}, "year"),
        ({"year": "1999"}, "year"),
        ({"service": "-1"}, "service"),
    ],
)
def test_a_bad_summary_filter_is_a_400_in_russian(client, quarter, specialist, query, field):
    client.force_login(specialist)

    response = client.get(reverse("assessment-summary-list"), query)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert "Нужно целое число" in response.json()[field][0]


def test_another_services_summary_answers_like_a_missing_one(client, quarter, specialist, other_service):
    client.force_login(specialist)

    foreign = client.get(reverse("assessment-summary-list"), {"service": other_service.pk, "year": 2026, "quarter": 3})
    missing = client.get(reverse("assessment-summary-list"), {"service": 987654, "year": 2026, "quarter": 3})

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_both_endpoints_are_in_the_schema(client, specialist):
    client.force_login(specialist)

    schema = client.get(reverse("api-schema"), {"format": "json"}).json()

    assert "/api/v1/trajectories/{id}/" in schema["paths"]
    summary = schema["paths"]["/api/v1/assessment-summary/"]["get"]
    assert {p["name"] for p in summary["parameters"]} >= {"service", "year", "quarter", "page", "page_size"}
