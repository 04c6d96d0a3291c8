"""Bad input to the API is a 400 with a Russian message, never a 500: every list endpoint, every query
parameter the schema lists, identifiers in paths and bodies, and JSON nested ten thousand levels deep.

The endpoints and parameters come from the schema and the router, not from a list kept here: a new
endpoint or filter is walked as soon as it exists.
"""

from __future__ import annotations

import json
import re

import pytest

from opora.api import router
from opora.core.parsers import MAX_DEPTH

BAD_NUMBERS = ["1e20", "-1", "abc", "99999999999999999999", "1.5", "0x10"]
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


@pytest.fixture
def api(login, specialist, active_case, foreign_graduate):
    """The specialist's API client, with data in every table a filter reads."""
    client = login(specialist)
    client.raise_request_exception = False
    return client


@pytest.fixture
def schema(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def list_operations(schema) -> list[tuple[str, list[dict]]]:
    """(path, query parameters) of every GET without path parameters: the lists."""
    return [
        (path, [p for p in item["get"].get("parameters", []) if p["in"] == "query"])
        for path, item in schema["paths"].items()
        if "get" in item and "{" not in path and path.startswith("/api/v1/") and path != "/api/v1/"
    ]


def messages(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def test_every_registered_list_is_in_the_schema(schema):
    lists = {path for path, _parameters in list_operations(schema)}

    assert {f"/api/v1/{prefix}/" for prefix, _viewset, _basename in router.registry} <= lists


def test_every_integer_parameter_of_every_list_refuses_what_is_not_an_integer_in_range(api, schema):
    checked = []
    for path, parameters in list_operations(schema):
        for parameter in parameters:
            if parameter["schema"].get("type") not in ("integer", "number"):
                continue
            for value in BAD_NUMBERS:
                response = api.get(path, {parameter["name"]: value})
                assert response.status_code == 400, (path, parameter["name"], value, response.status_code)
                assert parameter["name"] in response.json(), (path, parameter["name"], value)
                assert CYRILLIC.search(messages(response)), messages(response)
            checked.append((path, parameter["name"]))

    # Ids of records (cases, graduates, plans…), the lists' pages and the age bounds among them.
    assert ("/api/v1/cases/", "graduate") in checked
    assert ("/api/v1/journal/", "case") in checked
    assert ("/api/v1/graduates/", "age_from") in checked
    assert ("/api/v1/services/", "page") in checked


def test_integer_parameters_are_integers_with_bounds_in_the_schema(schema):
    for path, parameters in list_operations(schema):
        for parameter in parameters:
            if parameter["schema"].get("type") in ("integer", "number"):
                assert parameter["schema"]["type"] == "integer", (path, parameter["name"])
                assert parameter["schema"].get("minimum") is not None, (path, parameter["name"])


def test_no_parameter_of_any_list_answers_bad_input_with_a_server_error(api, schema):
    for path, parameters in list_operations(schema):
        for parameter in parameters:
            for value in [*BAD_NUMBERS, "9999-12-31", "10000-01-01", "", "'\"<>", "\x00", "я" * 2000]:
                response = api.get(path, {parameter["name"]: value})
                assert response.status_code < 500, (path, parameter["name"], value, response.status_code)


def test_a_good_integer_filter_still_filters(api, active_case, foreign_graduate):
    mine = api.get("/api/v1/cases/", {"graduate": active_case.graduate_id})
    nobody = api.get("/api/v1/cases/", {"graduate": foreign_graduate.pk})

    assert [row["id"] for row in mine.json()["results"]] == [active_case.pk]
    assert nobody.json()["results"] == []


@pytest.mark.parametrize("pk", ["99999999999999999999", "1e20", "-1", "abc"])
def test_an_identifier_out_of_range_in_a_path_is_a_404_not_a_500(api, pk):
    for prefix, _viewset, _basename in router.registry:
        response = api.get(f"/api/v1/{prefix}/{pk}/")
        assert response.status_code == 404, (prefix, pk, response.status_code)


@pytest.mark.parametrize("reference", [99999999999999999999, 1.5, True, "1e20", -1, [1], {"id": 1}])
def test_a_reference_in_a_body_that_is_no_identifier_is_a_400(api, reference, active_case):
    entries = active_case.journal.count()  # the contact step wrote one
    response = api.post(
        "/api/v1/journal/",
        json.dumps({"case": reference, "kind": "phone", "text": "Звонок"}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["case"]
    assert CYRILLIC.search(messages(response))
    assert active_case.journal.count() == entries


def test_json_nested_ten_thousand_levels_deep_is_a_400_with_a_russian_message(api, active_case):
    body = "[" * 10_000 + "]" * 10_000
    entries = active_case.journal.count()  # the contact step wrote one

    for url in ("/api/v1/journal/", "/api/v1/cases/", f"/api/v1/cases/{active_case.pk}/close/"):
        response = api.post(url, body, content_type="application/json")
        assert response.status_code == 400, url
        assert response.json() == {
            "detail": f"Тело запроса вложено слишком глубоко: допускается не более {MAX_DEPTH} уровней."
        }
    assert active_case.journal.count() == entries


def test_json_just_past_the_depth_bound_is_refused_and_an_ordinary_body_is_not(api, active_case):
    deep = {
        "case": active_case.pk,
        "kind": "phone",
        "text": "Звонок",
        "extra": json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH),
    }
    ordinary = {"case": active_case.pk, "kind": "phone", "text": "Звонок"}
    entries = active_case.journal.count()  # the contact step wrote one

    refused = api.post("/api/v1/journal/", json.dumps(deep), content_type="application/json")
    accepted = api.post("/api/v1/journal/", json.dumps(ordinary), content_type="application/json")

    assert refused.status_code == 400
    assert accepted.status_code == 201
    assert active_case.journal.count() == entries + 1
