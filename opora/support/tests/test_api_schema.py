"""The OpenAPI schema describes every endpoint of the support cycle, with Russian summaries."""

from __future__ import annotations

import pytest

PATHS = {
    "/api/v1/cases/": {"get", "post"},
    "/api/v1/cases/{id}/": {"get"},
    "/api/v1/cases/{id}/contact/": {"post"},
    "/api/v1/cases/{id}/sign-contract/": {"post"},
    "/api/v1/cases/{id}/change-level/": {"post"},
    "/api/v1/cases/{id}/refuse/": {"post"},
    "/api/v1/cases/{id}/close/": {"post"},
    "/api/v1/cases/{id}/reassign/": {"post"},
    "/api/v1/cases/{id}/transfer/": {"post"},
    "/api/v1/contracts/": {"get"},
    "/api/v1/contracts/{id}/": {"get"},
    "/api/v1/contracts/{id}/renew/": {"post"},
    "/api/v1/level-changes/": {"get"},
    "/api/v1/level-changes/{id}/": {"get"},
    "/api/v1/levels/": {"get"},
    "/api/v1/levels/{id}/": {"get"},
    "/api/v1/domains/": {"get"},
    "/api/v1/domains/{id}/": {"get"},
    "/api/v1/service-kinds/": {"get"},
    "/api/v1/service-kinds/{id}/": {"get"},
    "/api/v1/plans/": {"get", "post"},
    "/api/v1/plans/{id}/": {"get"},
    "/api/v1/plans/{id}/approve/": {"post"},
    "/api/v1/plans/{id}/goals/": {"post"},
    "/api/v1/measures/": {"get", "post"},
    "/api/v1/measures/{id}/": {"get", "patch"},
    "/api/v1/journal/": {"get", "post"},
    "/api/v1/journal/{id}/": {"get", "patch", "delete"},
    "/api/v1/transfers/": {"get"},
    "/api/v1/transfers/{id}/": {"get"},
    "/api/v1/transfers/{id}/accept/": {"post"},
    "/api/v1/transfers/{id}/cancel/": {"post"},
    "/api/v1/transfers/{id}/decline/": {"post"},
    "/api/v1/transfers/{id}/notice-sent/": {"post"},
}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(login, specialist):
    response = login(specialist).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("path", list(PATHS))
def test_the_schema_describes_each_support_endpoint_and_only_its_methods(schema, path):
    assert path in schema["paths"]
    operations = schema["paths"][path]
    assert set(operations) & HTTP_METHODS == PATHS[path]
    for operation in (operations[m] for m in PATHS[path]):
        assert any("а" <= ch <= "я" for ch in operation["summary"].lower()), operation["summary"]


def test_the_actions_document_their_request_and_their_answer(schema):
    sign = schema["paths"]["/api/v1/cases/{id}/sign-contract/"]["post"]
    change = schema["paths"]["/api/v1/measures/{id}/"]["patch"]

    assert sign["summary"] == "Заключить договор и поставить на сопровождение"
    assert sign["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/SignContract")
    assert sign["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/Contract")
    request = schema["components"]["schemas"]["PatchedMeasureUpdate"]
    assert set(request["properties"]) == {"status", "result", "done_at"}
    assert change["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Measure")


def test_the_case_list_documents_its_filters(schema):
    parameters = {p["name"] for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}

    assert {"graduate", "status", "specialist", "level", "on_support", "page", "page_size"} <= parameters


def test_the_case_status_is_read_only_in_the_schema(schema):
    case = schema["components"]["schemas"]["Case"]

    assert all(case["properties"][name].get("readOnly") for name in ("status", "activated_at", "closed_at"))
