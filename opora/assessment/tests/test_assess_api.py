"""The assessment API: an assessment created with the graduate's own ratings and read back with its
domains and difficulties; a correction with If-Match; monitorings; the region's catalogue; filters;
the schema; refusals are 400 with a Russian message."""

from __future__ import annotations

import json

import pytest

from opora.assessment.models import Assessment, DifficultyType, Monitoring
from opora.support.models import Domain

from .assess_helpers import difficulty, quarter_day

pytestmark = pytest.mark.django_db


def body(region_id, case, *, scores=None, **over) -> dict:
    scores = scores or {}
    data = {
        "case": case.pk,
        "assessed_on": quarter_day(1).isoformat(),
        "conclusion": "Итог",
        "domains": [
            {
                "domain": d.pk,
                "severity": scores.get(d.name, 0),
                "reason": f"Почему: {d.name}",
                "graduate_severity": 1,
                "graduate_comment": "Мои слова",
            }
            for d in Domain.objects.filter(region_id=region_id, is_active=True)
        ],
    }
    data.update(over)
    return data


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def api(client, specialist):
    client.force_login(specialist)
    return client


def test_an_assessment_is_created_and_read_back_with_its_domains_and_difficulties(api, on_support):
    region = on_support.graduate.service.region_id
    data = body(region, on_support, scores={"Жильё": 4})
    housing = next(d for d in data["domains"] if d["domain"] == Domain.objects.get(region_id=region, name="Жильё").pk)
    housing.update(difficulty_types=[difficulty(region, "Жильё", 0).pk], texts=["  Долг за свет "])

    created = post(api, "/api/v1/assessments/", data)

    assert created.status_code == 201, created.content
    assert created["ETag"] == '"1"'
    got = api.get(f"/api/v1/assessments/{created.json()['id']}/").json()
    assert got["suggested_level_name"] == "Интенсивный"
    assert {d["label"]: d["status"] for d in got["difficulties"]} == {
        difficulty(region, "Жильё", 0).name: "new",
        "Долг за свет": "new",
    }
    assert {d["graduate_severity"] for d in got["domains"]} == {1}


def test_a_missing_domain_or_reason_is_a_400_in_russian(api, on_support):
    region = on_support.graduate.service.region_id
    data = body(region, on_support)
    data["domains"][0]["reason"] = ""

    response = post(api, "/api/v1/assessments/", data)
    fewer = post(api, "/api/v1/assessments/", body(region, on_support, domains=body(region, on_support)["domains"][1:]))

    assert response.status_code == fewer.status_code == 400
    assert "Обоснуйте оценку" in response.json()["domains"][0]
    assert "не оценены" in fewer.json()["domains"][0]
    assert not Assessment.objects.exists()


def test_a_second_assessment_of_the_quarter_is_refused(api, on_support):
    region = on_support.graduate.service.region_id
    post(api, "/api/v1/assessments/", body(region, on_support))

    again = post(api, "/api/v1/assessments/", body(region, on_support))

    assert again.status_code == 400
    assert "уже есть ежеквартальная оценка" in again.json()["assessed_on"][0]


def test_a_correction_needs_if_match_and_keeps_the_original(api, on_support):
    region = on_support.graduate.service.region_id
    original = post(api, "/api/v1/assessments/", body(region, on_support)).json()
    url = f"/api/v1/assessments/{original['id']}/correct/"
    data = {k: v for k, v in body(region, on_support, scores={"Жильё": 3}).items() if k != "case"}
    data["reason"] = "Ошибка"

    without = post(api, url, data)
    stale = post(api, url, data, HTTP_IF_MATCH='"7"')
    done = post(api, url, data, HTTP_IF_MATCH='"1"')

    assert without.status_code == 428
    assert stale.status_code == 412
    assert done.status_code == 201, done.content
    assert done.json()["corrects"] == original["id"]
    listed = api.get("/api/v1/assessments/", {"current": "true"}).json()
    assert [a["id"] for a in listed["results"]] == [done.json()["id"]]
    assert api.get(f"/api/v1/assessments/{original['id']}/").json()["is_current"] is False


@pytest.mark.parametrize(
    ("query", "found"),
    [({"quarter": "1"}, None), ({"year": "2001"}, 0), ({"current": "false"}, 0), ({"graduate": "self"}, 1)],
)
def test_the_list_filters(api, on_support, query, found):
    region = on_support.graduate.service.region_id
    created = post(api, "/api/v1/assessments/", body(region, on_support)).json()
    if query.get("graduate") == "self":
        query = {"graduate": on_support.graduate_id}
    if "quarter" in query:
        query = {"quarter": str(created["quarter"]), "year": str(created["year"])}
        found = 1

    response = api.get("/api/v1/assessments/", query)

    assert response.status_code == 200
    assert response.json()["count"] == found


@pytest.mark.parametrize("value", ["1e20", "-1", "abc", "99999999999999999999"])
def test_a_bad_filter_value_is_a_400(api, on_support, value):
    assert api.get("/api/v1/assessments/", {"graduate": value}).status_code == 400


def test_a_monitoring_is_created_and_listed(api, on_support):
    data = {"case": on_support.pk, "monitored_on": quarter_day(1).isoformat(), "outcome": "successful"}
    data.update({name: "Описание" for name in Monitoring.INDICATORS}, criterion_health=True)

    created = post(api, "/api/v1/monitorings/", data)
    again = post(api, "/api/v1/monitorings/", data)

    assert created.status_code == 201, created.content
    assert created.json()["criteria_met"] == ["прикреплён к поликлинике, получает медицинскую помощь"]
    assert again.status_code == 400 and "полугодие" in again.json()["monitored_on"][0]
    assert api.get("/api/v1/monitorings/", {"graduate": on_support.graduate_id}).json()["count"] == 1


def test_the_catalogue_is_the_users_regions_and_filters_by_domain(api, support_region, region, other_region):
    housing = Domain.objects.get(region=region, name="Жильё")
    foreign = DifficultyType.objects.create(
        region=other_region, domain=Domain.objects.create(region=other_region, name="Жильё"), name="Чужая"
    )

    listed = api.get("/api/v1/difficulty-types/", {"domain": housing.pk, "page_size": 100}).json()

    assert {row["domain"] for row in listed["results"]} == {housing.pk}
    assert listed["count"] == DifficultyType.objects.filter(domain=housing).count()
    everything = api.get("/api/v1/difficulty-types/", {"page_size": 200}).json()
    assert foreign.pk not in {row["id"] for row in everything["results"]}


PATHS = {
    "/api/v1/assessments/": {"get", "post"},
    "/api/v1/assessments/{id}/": {"get"},
    "/api/v1/assessments/{id}/correct/": {"post"},
    "/api/v1/monitorings/": {"get", "post"},
    "/api/v1/monitorings/{id}/": {"get"},
    "/api/v1/difficulty-types/": {"get"},
}


def test_the_schema_describes_each_assessment_endpoint_with_a_russian_summary(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()

    for path, methods in PATHS.items():
        operations = schema["paths"][path]
        assert set(operations) & {"get", "post", "put", "patch", "delete"} == methods, path
        for method in methods:
            assert any("а" <= ch <= "я" for ch in operations[method]["summary"].lower()), path
