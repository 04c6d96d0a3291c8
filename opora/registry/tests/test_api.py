"""The REST API: /api/v1/graduates/, /api/v1/services/, /api/v1/territories/, the schema and the docs."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from opora.conftest import if_match_for, make_snils, years_ago
from opora.core.models import AuditEvent
from opora.org import tokens
from opora.org.models import Service, Territory
from opora.registry.models import Graduate, VulnerableCategory

LIST = "/api/v1/graduates/"


def detail(pk) -> str:
    return f"/api/v1/graduates/{pk}/"


def post_json(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def patch_json(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json", **if_match_for(url))


@pytest.fixture
def api(login, specialist):
    """A session-authenticated client of the in-service specialist."""
    return login(specialist)


@pytest.fixture
def payload(graduate_form):
    def build(**overrides):
        data = graduate_form(**overrides)
        return {k: v for k, v in data.items() if v is not None}

    return build


# --- authentication ------------------------------------------------------------------------


def test_a_token_in_the_authorization_header_authenticates(client, specialist, graduate):
    key = tokens.issue(specialist)

    response = client.get(LIST, HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [graduate.pk]


def test_a_wrong_token_is_refused(client, specialist):
    tokens.issue(specialist)

    response = client.get(LIST, HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")

    assert response.status_code == 401


def test_an_anonymous_request_is_refused(client, graduate):
    response = client.get(LIST)

    assert response.status_code in (401, 403)
    assert graduate.last_name not in response.content.decode()


def test_a_token_writes_with_the_same_rules_as_the_session(client, specialist, payload):
    key = tokens.issue(specialist)

    response = post_json(client, LIST, payload(), HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 201
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, actor=specialist).exists()


# --- list, filters, pagination ----------------------------------------------------------------


@pytest.fixture
def sixty(make_graduate, service):
    return [make_graduate(service, last_name=f"Фамилия{n:02d}", first_name="Имя", patronymic="") for n in range(60)]


def test_the_list_is_paginated_with_count_next_and_results(api, sixty):
    first = api.get(LIST).json()
    second = api.get(first["next"]).json()

    assert first["count"] == 60
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert len(second["results"]) == 10
    assert second["next"] is None
    assert {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]} == {g.pk for g in sixty}


def test_the_page_size_can_be_chosen(api, sixty):
    body = api.get(LIST, {"page_size": 20, "page": 3}).json()

    assert [r["last_name"] for r in body["results"]] == [f"Фамилия{n:02d}" for n in range(40, 60)]


def test_a_page_past_the_end_is_a_404_not_an_error(api, sixty):
    assert api.get(LIST, {"page": 99}).status_code == 404


def test_the_list_takes_the_same_filters_as_the_page(api, make_graduate, service):
    make_graduate(service, last_name="Иванова", first_name="Алёна")
    make_graduate(service, last_name="Орлова", first_name="Ольга", status_category=Graduate.StatusCategory.ORPHAN)
    make_graduate(service, last_name="Юная", first_name="Яна", birth_date=years_ago(16))

    def names(**params):
        return [r["full_name"] for r in api.get(LIST, params).json()["results"]]

    assert names(q="алена") == ["Иванова Алёна Сергеевна"]
    assert names(status_category="orphan") == ["Орлова Ольга Сергеевна"]
    assert names(age_to=16) == ["Юная Яна Сергеевна"]
    assert names(sort="-name") == ["Юная Яна Сергеевна", "Орлова Ольга Сергеевна", "Иванова Алёна Сергеевна"]


def test_a_bad_filter_value_is_a_400_naming_the_filter(api, graduate):
    response = api.get(LIST, {"age_from": "много"})

    assert response.status_code == 400
    assert "age_from" in response.json()


# --- detail -------------------------------------------------------------------------------------


def test_the_detail_shows_the_record_without_internal_keys(api, graduate):
    response = api.get(detail(graduate.pk))

    body = response.json()
    assert response.status_code == 200
    assert body["full_name"] == "Иванова Алёна Сергеевна"
    assert body["snils"] == graduate.snils
    assert body["birth_date"] == graduate.birth_date.isoformat()
    assert body["service_name"] == graduate.service.display_name
    assert body["url"].endswith(detail(graduate.pk))
    assert "search_name" not in body
    assert "snils_digits" not in body


def test_an_unknown_id_is_a_404_with_a_russian_message(api):
    response = api.get(detail(999999))

    assert response.status_code == 404
    assert response.json() == {"detail": "Запись не найдена."}


@pytest.mark.parametrize("bad_id", ["abc", "1e3", "0x10", "%20"])
def test_a_non_numeric_id_is_a_404_not_a_500(api, bad_id):
    assert api.get(f"/api/v1/graduates/{bad_id}/").status_code == 404


def test_a_record_of_another_service_is_a_404(api, foreign_graduate):
    response = api.get(detail(foreign_graduate.pk))

    assert response.status_code == 404
    assert response.json() == {"detail": "Запись не найдена."}


# --- create -------------------------------------------------------------------------------------


def test_create_returns_201_with_the_stored_record(api, payload, specialist):
    category = VulnerableCategory.objects.get(code="young_parents")
    snils = make_snils()

    response = post_json(
        api,
        LIST,
        payload(
            snils=snils.replace("-", "").replace(" ", ""),
            phone="8 912 345-67-89",
            vulnerable_categories=["young_parents"],
        ),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    graduate = Graduate.objects.get(pk=body["id"])
    assert graduate.snils == snils == body["snils"]
    assert graduate.phone == "+7 (912) 345-67-89"
    assert list(graduate.vulnerable_categories.all()) == [category]
    assert body["vulnerable_categories"] == ["young_parents"]
    assert graduate.service == specialist.service


def test_create_accepts_russian_dates(api, payload):
    birth = years_ago(19)

    response = post_json(api, LIST, payload(birth_date=birth.strftime("%d.%m.%Y")))

    assert response.status_code == 201
    assert Graduate.objects.get().birth_date == birth


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"snils": "123-456-789 00"}, "snils", "СНИЛС указан с ошибкой: не сходится контрольное число."),
        ({"snils": "12345"}, "snils", "СНИЛС должен состоять из 11 цифр: ХХХ-ХХХ-ХХХ ХХ."),
        ({"last_name": ""}, "last_name", "Это поле не может быть пустым."),
        ({"birth_date": "tomorrow"}, "birth_date", "Дата не может быть в будущем."),
        ({"birth_date": "31.02.2005"}, "birth_date", "Неправильный формат date."),
        (
            {"phone": "позвонить маме"},
            "phone",
            "Телефон нужно указать в формате +7 (XXX) XXX-XX-XX: 10 цифр после +7 или 8.",
        ),
        ({"sex": "unknown"}, "sex", "Значения unknown нет среди допустимых вариантов."),
        ({"children_count": -1}, "children_count", "Убедитесь, что это значение больше либо равно 0."),
    ],
)
def test_create_with_a_bad_field_is_a_400_with_a_russian_message_for_that_field(
    api, payload, overrides, field, message
):
    if overrides.get("birth_date") == "tomorrow":
        overrides = {"birth_date": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}

    response = post_json(api, LIST, payload(**overrides))

    assert response.status_code == 400
    errors = response.json()[field]
    assert any(e.startswith(message) for e in errors), errors
    assert not Graduate.objects.exists()


def test_create_without_a_required_field_names_it(api, payload):
    data = payload()
    del data["last_name"]

    response = post_json(api, LIST, data)

    assert response.status_code == 400
    assert response.json() == {"last_name": ["Обязательное поле."]}


def test_create_outside_the_services_age_range_is_a_400_on_the_birth_date(api, payload, service):
    response = post_json(api, LIST, payload(birth_date=years_ago(35).isoformat()))

    assert response.status_code == 400
    assert response.json()["birth_date"] == [
        f"Возраст 35 не входит в диапазон службы «{service.display_name}»: от 15 до 23 лет."
    ]


def test_create_with_a_snils_already_in_the_region_is_a_400_naming_the_holding_service(api, payload, foreign_graduate):
    response = post_json(api, LIST, payload(snils=foreign_graduate.snils))

    assert response.status_code == 400
    errors = response.json()["snils"]
    assert foreign_graduate.service.display_name in errors[0]
    assert foreign_graduate.last_name not in response.content.decode()


def test_create_with_the_same_name_and_birth_date_needs_confirm_duplicate(api, payload, foreign_graduate):
    data = payload(
        last_name="петров",
        first_name="Петр",
        patronymic="Сергеевна",
        birth_date=foreign_graduate.birth_date.isoformat(),
    )

    warned = post_json(api, LIST, data)
    confirmed = post_json(api, LIST, {**data, "confirm_duplicate": True})

    assert warned.status_code == 400
    assert foreign_graduate.service.display_name in warned.json()["non_field_errors"][0]
    assert confirmed.status_code == 201


def test_malformed_json_is_a_400_not_a_500(api):
    response = api.post(LIST, "{not json", content_type="application/json")

    assert response.status_code == 400


# --- update -------------------------------------------------------------------------------------


def test_patch_changes_only_the_given_fields_and_is_audited(api, graduate, specialist):
    response = patch_json(api, detail(graduate.pk), {"phone": "8 912 345-67-89"})

    assert response.status_code == 200
    assert response.json()["phone"] == "+7 (912) 345-67-89"
    graduate.refresh_from_db()
    assert graduate.phone == "+7 (912) 345-67-89"
    assert graduate.last_name == "Иванова"
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.actor == specialist
    assert event.changes == {"phone": ["", "+7 (912) 345-67-89"], f"_rev:registry.graduate:{graduate.pk}": [1, 2]}


def test_patch_with_a_bad_value_is_a_400_and_changes_nothing(api, graduate):
    response = patch_json(api, detail(graduate.pk), {"birth_date": "2999-01-01", "notes": "новое"})

    assert response.status_code == 400
    assert "birth_date" in response.json()
    graduate.refresh_from_db()
    assert graduate.notes == ""


def test_patch_cannot_move_a_record_to_another_service(api, graduate, other_service):
    response = patch_json(api, detail(graduate.pk), {"service": other_service.pk})

    assert response.status_code == 400
    assert "service" in response.json()
    graduate.refresh_from_db()
    assert graduate.service_id != other_service.pk


def test_patch_of_a_foreign_record_is_a_404(api, foreign_graduate):
    response = patch_json(api, detail(foreign_graduate.pk), {"notes": "чужое"})

    assert response.status_code == 404
    foreign_graduate.refresh_from_db()
    assert foreign_graduate.notes == ""


def test_there_is_no_delete_through_the_api(login, coordinator, graduate):
    response = login(coordinator).delete(detail(graduate.pk))

    assert response.status_code == 405
    assert Graduate.objects.filter(pk=graduate.pk).exists()


# --- directories ----------------------------------------------------------------------------------


@pytest.fixture
def far(other_region):
    territory = Territory.objects.create(region=other_region, name="Дальний район")
    return Service.objects.create(region=other_region, territory=territory, name="Служба соседней области")


def test_services_and_territories_list_the_users_region_only(api, service, other_service, far):
    services = {r["id"] for r in api.get("/api/v1/services/").json()["results"]}
    territories = {r["id"] for r in api.get("/api/v1/territories/").json()["results"]}

    assert services == {service.pk, other_service.pk}
    assert territories == {service.territory_id, other_service.territory_id}
    assert api.get(f"/api/v1/services/{far.pk}/").status_code == 404


def test_services_can_be_filtered(api, service, other_service):
    response = api.get("/api/v1/services/", {"territory": other_service.territory_id})

    assert [r["id"] for r in response.json()["results"]] == [other_service.pk]


def test_a_specialist_cannot_create_or_change_directories(api, service, region):
    created = post_json(api, "/api/v1/territories/", {"region": region.pk, "name": "Новый район"})
    changed = patch_json(api, f"/api/v1/services/{service.pk}/", {"age_max": 30})

    assert created.status_code == 403
    assert created.json() == {"detail": "Изменять справочники может только администратор."}
    assert changed.status_code == 403
    service.refresh_from_db()
    assert service.age_max == 23
    assert not Territory.objects.filter(name="Новый район").exists()


def test_an_administrator_creates_and_changes_directories(login, administrator, region, territory):
    client = login(administrator)

    created = post_json(
        client, "/api/v1/territories/", {"region": region.pk, "name": "Новый район", "oktmo": "14701000"}
    )
    service = post_json(
        client,
        "/api/v1/services/",
        {"region": region.pk, "territory": territory.pk, "name": "Новая служба", "age_min": 14, "age_max": 23},
    )
    changed = patch_json(client, f"/api/v1/services/{service.json()['id']}/", {"age_max": 25})

    assert created.status_code == 201
    assert service.status_code == 201
    assert changed.status_code == 200
    assert Service.objects.get(name="Новая служба").age_max == 25


def test_a_service_with_an_upside_down_age_range_is_a_400(login, administrator, region):
    response = post_json(
        login(administrator), "/api/v1/services/", {"region": region.pk, "name": "Служба", "age_min": 23, "age_max": 15}
    )

    assert response.status_code == 400
    assert response.json() == {"age_max": ["Верхняя граница возраста меньше нижней."]}


def test_a_service_with_a_territory_of_another_region_is_a_400(login, administrator, region, far):
    response = post_json(
        login(administrator),
        "/api/v1/services/",
        {"region": region.pk, "territory": far.territory_id, "name": "Служба"},
    )

    assert response.status_code == 400
    assert response.json() == {"territory": ["Территория из другого региона."]}


# --- schema and docs ------------------------------------------------------------------------------


def test_the_openapi_schema_lists_the_endpoints(api):
    response = api.get("/api/schema/", {"format": "json"})

    schema = response.json()
    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/graduates/", "/api/v1/graduates/{id}/", "/api/v1/services/", "/api/v1/territories/"):
        assert path in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/graduates/"]


def test_the_api_docs_load_nothing_from_outside(api):
    response = api.get("/api/docs/")

    body = response.content.decode()
    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', body)
    assert sources, "the docs page should load its scripts"
    external = [s for s in sources if s.startswith(("http://", "https://", "//"))]
    assert external == []
    # The page's CSRF token is random and may spell «cdn» by chance: look past it.
    assert "cdn" not in re.sub(r'"[A-Za-z0-9]{32,}"', '""', body).lower()
