"""The API sends a record's revision as its ETag and honours If-Match on PUT and PATCH:
428 without it, 412 when the record changed since, the save when it matches."""

from __future__ import annotations

import json

import pytest

from opora.registry import services
from opora.registry.models import Graduate


def detail(pk) -> str:
    return f"/api/v1/graduates/{pk}/"


def patch(client, pk, data, **headers):
    return client.patch(detail(pk), json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def api(login, specialist):
    return login(specialist)


@pytest.fixture
def colleague(service):
    from opora.org.models import User

    return User.objects.create(
        username="colleague", role="specialist", service=service, last_name="Коллегова", first_name="Вера"
    )


def test_reading_a_graduate_gives_its_revision_and_etag(api, graduate):
    response = api.get(detail(graduate.pk))

    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["revision"] == 1


def test_a_list_has_no_etag_but_each_row_its_revision(api, graduate):
    response = api.get("/api/v1/graduates/")

    assert not response.has_header("ETag")
    assert response.json()["results"][0]["revision"] == 1


def test_a_patch_without_if_match_is_refused_with_428_and_changes_nothing(api, graduate):
    response = patch(api, graduate.pk, {"notes": "без заголовка"})

    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert Graduate.objects.get(pk=graduate.pk).notes == ""


def test_a_put_without_if_match_is_refused_with_428(api, graduate):
    response = api.put(detail(graduate.pk), json.dumps({"notes": "x"}), content_type="application/json")

    assert response.status_code == 428


def test_a_patch_with_the_current_etag_saves_and_answers_with_the_next_one(api, graduate):
    response = patch(api, graduate.pk, {"notes": "Новое"}, HTTP_IF_MATCH='"1"')

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["revision"] == 2
    assert Graduate.objects.get(pk=graduate.pk).notes == "Новое"


def test_a_patch_with_an_old_etag_is_refused_with_412_naming_the_other_change(api, graduate, colleague):
    services.update_graduate(graduate, actor=colleague, data={"phone": "+7 (912) 000-11-22"}, expected_revision=1)

    response = patch(api, graduate.pk, {"notes": "Моё"}, HTTP_IF_MATCH='"1"')

    assert response.status_code == 412
    detail_text = response.json()["detail"]
    assert "Запись уже изменил(а) Коллегова В.," in detail_text
    assert "телефон: «—» → «+7 (912) 000-11-22»" in detail_text
    assert Graduate.objects.get(pk=graduate.pk).notes == ""


def test_a_put_with_the_current_etag_replaces_the_record(api, graduate, payload_for_put):
    response = api.put(
        detail(graduate.pk),
        json.dumps(payload_for_put(notes="Полная замена")),
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert Graduate.objects.get(pk=graduate.pk).notes == "Полная замена"


def test_a_weak_or_listed_etag_matches_too(api, graduate):
    response = patch(api, graduate.pk, {"notes": "Новое"}, HTTP_IF_MATCH='W/"7", W/"1"')

    assert response.status_code == 200


def test_a_foreign_record_is_a_404_whatever_the_headers(api, foreign_graduate):
    without = patch(api, foreign_graduate.pk, {"notes": "чужое"})
    stale = patch(api, foreign_graduate.pk, {"notes": "чужое"}, HTTP_IF_MATCH='"9"')

    assert (without.status_code, stale.status_code) == (404, 404)
    assert Graduate.objects.get(pk=foreign_graduate.pk).notes == ""


def test_a_save_that_slips_in_after_the_check_is_caught_under_the_lock(api, graduate, colleague, monkeypatch):
    """The If-Match check passes, then someone saves before the service locks the row: still 412."""
    from opora.core.versioning import RevisionedViewSetMixin

    original = RevisionedViewSetMixin.check_if_match

    def check_then_someone_saves(self, obj):
        expected = original(self, obj)
        services.update_graduate(Graduate.objects.get(pk=obj.pk), actor=colleague, data={"phone": "+7 (912) 000-11-22"})
        return expected

    monkeypatch.setattr(RevisionedViewSetMixin, "check_if_match", check_then_someone_saves)

    response = patch(api, graduate.pk, {"notes": "Моё"}, HTTP_IF_MATCH='"1"')

    assert response.status_code == 412
    assert "телефон" in response.json()["detail"]
    # (Here the colleague's save ran inside the same request, so it is rolled back with it.)
    assert Graduate.objects.get(pk=graduate.pk).notes == ""


def test_the_schema_documents_if_match_and_the_412_and_428_answers(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()

    for method in ("put", "patch"):
        operation = schema["paths"]["/api/v1/graduates/{id}/"][method]
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert headers["If-Match"]["required"] is True
        assert {"412", "428"} <= set(operation["responses"])
        assert "ETag" in operation["responses"]["200"]["headers"]
    measure = schema["paths"]["/api/v1/measures/{id}/"]["patch"]
    assert any(p["name"] == "If-Match" for p in measure["parameters"])
    assert {"412", "428"} <= set(measure["responses"])


@pytest.fixture
def payload_for_put(graduate):
    def build(**overrides):
        data = {
            "service": graduate.service_id,
            "territory": graduate.territory_id,
            "last_name": graduate.last_name,
            "first_name": graduate.first_name,
            "patronymic": graduate.patronymic,
            "sex": graduate.sex,
            "birth_date": graduate.birth_date.isoformat(),
            "snils": graduate.snils,
            "status_category": graduate.status_category,
            "housing": graduate.housing,
        }
        data.update(overrides)
        return data

    return build
