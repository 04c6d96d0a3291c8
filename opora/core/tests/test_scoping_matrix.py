"""The scoping matrix: every role × every page and API endpoint that shows or changes a graduate.

Each role is given a record it may reach and a record it may not («foreign»): a record of
another service for the in-service roles, a record of another region for the regional
centre. A foreign record must answer exactly as a record that does not exist (404, or 403
for a role that reaches no personal data at all), must not change, and must never show up
in a list, a search, a count or the audit log. Zero leaks.

A guard test walks the whole URL configuration (opora/core/tests/guards.py): every view must
end with the scoped base classes, and every HTTP method it handles must be tried here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse

from opora.assessment.tests.consilium_scoping import CONSILIUM_ROUTES
from opora.conftest import if_match_for, make_snils, suite_today, years_ago
from opora.core.access import can
from opora.core.audit import record
from opora.core.models import AuditEvent
from opora.org.models import Service, Territory
from opora.registry.models import Consent, Graduate
from opora.support.tests.scoping import URL_KWARG as SUPPORT_RECORDS
from opora.support.tests.scoping import support_history, support_url_kwargs

from .guards import scope_problems, walk

ROLES = ["specialist", "other_specialist", "coordinator", "regional", "attracted", "admin"]
MISSING_PK = 987654


@dataclass(frozen=True)
class Endpoint:
    """One way of reaching a graduate: a URL name, an HTTP method and the scope action it needs."""

    name: str
    method: str
    action: str
    kind: str  # "object", "consent", "photo", "list", "create", "audit", "directory", "directory_list"
    api: bool = False
    query: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def id(self) -> str:
        suffix = "?" + ",".join(self.query) if self.query else ""
        return f"{self.name}:{self.method}{suffix}"


# The support pages of the card. A kind naming a support record (case, contract, plan, measure,
# transfer) builds the URL with that record of the graduate (opora/support/tests/scoping.py).
SUPPORT_ENDPOINTS = [
    Endpoint("support:case", "get", "view", "object"),
    Endpoint("support:case_open", "post", "change", "object"),
    Endpoint("support:case_detail", "get", "view", "case"),
    Endpoint("support:case_contact", "post", "change", "case"),
    Endpoint("support:contract_sign", "get", "change", "case"),
    Endpoint("support:contract_sign", "post", "change", "case"),
    Endpoint("support:level_change", "get", "change", "case"),
    Endpoint("support:level_change", "post", "change", "case"),
    Endpoint("support:case_refuse", "get", "change", "case"),
    Endpoint("support:case_refuse", "post", "change", "case"),
    Endpoint("support:case_close", "get", "change", "case"),
    Endpoint("support:case_close", "post", "change", "case"),
    Endpoint("support:transfer_start", "get", "change", "case"),
    Endpoint("support:transfer_start", "post", "change", "case"),
    Endpoint("support:contract_renew", "get", "change", "contract"),
    Endpoint("support:contract_renew", "post", "change", "contract"),
    Endpoint("support:contract_scan", "get", "view", "contract"),
    Endpoint("support:transfer_notified", "post", "change", "transfer"),
    Endpoint("support:transfer_cancel", "post", "change", "transfer"),
    Endpoint("support:transfer_accept", "get", "receive", "transfer"),
    Endpoint("support:transfer_accept", "post", "receive", "transfer"),
    Endpoint("support:transfer_decline", "post", "receive", "transfer"),
    Endpoint("support:plan", "get", "view", "object"),
    Endpoint("support:plan_create", "post", "change", "object"),
    Endpoint("support:plan_version", "get", "view", "plan"),
    Endpoint("support:plan_goal_add", "post", "change", "plan"),
    Endpoint("support:plan_measure_add", "post", "change", "plan"),
    Endpoint("support:plan_approve", "post", "change", "plan"),
    Endpoint("support:measure_update", "get", "change", "measure"),
    Endpoint("support:measure_update", "post", "change", "measure"),
    Endpoint("support:journal", "get", "view", "object"),
    Endpoint("support:journal", "post", "change", "object"),
    # Correcting and removing an entry: «change» on it (a colleague of the service sees it, no 404 for
    # them); the author and the region's period are the workflow's rule, refused with 400.
    Endpoint("support:journal_edit", "get", "change", "journal"),
    Endpoint("support:journal_edit", "post", "change", "journal"),
    Endpoint("support:journal_remove", "get", "change", "journal"),
    Endpoint("support:journal_remove", "post", "change", "journal"),
]
# The receiving service's list of incoming transfers (its scoping: opora/support/tests/test_views_transfer.py).
SUPPORT_LIST_ENDPOINTS = [Endpoint("support:incoming_transfers", "get", "receive", "incoming")]
OBJECT_ENDPOINTS = [
    Endpoint("registry:detail", "get", "view", "object"),
    Endpoint("registry:update", "get", "change", "object"),
    Endpoint("registry:update", "post", "change", "object"),
    Endpoint("registry:delete", "get", "delete", "object"),
    Endpoint("registry:delete", "post", "delete", "object"),
    Endpoint("registry:consents", "get", "view", "object"),
    Endpoint("registry:consents", "post", "change", "object"),
    Endpoint("registry:history", "get", "view", "object"),
    Endpoint("registry:confirm_details", "get", "change", "object"),
    Endpoint("registry:confirm_details", "post", "change", "object"),
    Endpoint("registry:photo", "get", "view", "photo"),
    Endpoint("registry:consent_scan", "get", "view", "consent"),
    Endpoint("registry:consent_withdraw", "post", "change", "consent"),
    Endpoint("graduate-detail", "get", "view", "object", api=True),
    Endpoint("graduate-detail", "patch", "change", "object", api=True),
    Endpoint("graduate-detail", "put", "change", "object", api=True),
    # Documents (opora.docs): .docx downloads of the graduate and of its support records.
    Endpoint("docs:social_card", "get", "view", "object"),
    Endpoint("docs:contract", "get", "view", "contract"),
    Endpoint("docs:contract_draft", "get", "view", "case"),
    Endpoint("docs:plan", "get", "view", "plan"),
    Endpoint("docs:transfer", "get", "view", "transfer"),
    *SUPPORT_ENDPOINTS,
    # The card tab «Консилиумы» (opora/assessment/views/consilium.py).
    Endpoint("assessment:graduate_consilia", "get", "view", "object"),
]
# The trajectory tab of the card and its API (opora/assessment/views/trajectory.py, api_trajectory.py).
OBJECT_ENDPOINTS += [
    Endpoint("assessment:trajectory", "get", "view", "object"),
    Endpoint("trajectory-detail", "get", "view", "object", api=True),
]
LIST_ENDPOINTS = [
    Endpoint("registry:list", "get", "view", "list"),
    Endpoint("registry:list", "get", "view", "list", query={"q": "foreign_last_name"}),
    Endpoint("registry:list", "get", "view", "list", query={"service": "foreign_service"}),
    Endpoint("registry:list", "get", "view", "list", query={"territory": "foreign_territory"}),
    Endpoint("graduate-list", "get", "view", "list", api=True),
    Endpoint("graduate-list", "get", "view", "list", api=True, query={"q": "foreign_last_name"}),
    Endpoint("graduate-list", "get", "view", "list", api=True, query={"service": "foreign_service"}),
    Endpoint("audit", "get", "audit", "audit"),
]
CREATE_ENDPOINTS = [
    Endpoint("registry:create", "get", "change", "create"),
    Endpoint("registry:create", "post", "change", "create"),
    Endpoint("graduate-list", "post", "change", "create", api=True),
]
# Directories are not personal data: staff see their own region, an administrator all of it.
DIRECTORY_ENDPOINTS = [
    Endpoint("service-detail", "get", "directory", "directory", api=True),
    Endpoint("service-detail", "patch", "directory", "directory", api=True),
    Endpoint("territory-detail", "get", "directory", "directory", api=True),
    Endpoint("territory-detail", "patch", "directory", "directory", api=True),
    Endpoint("service-list", "get", "directory", "directory_list", api=True),
    Endpoint("territory-list", "get", "directory", "directory_list", api=True),
]
MATRIX = OBJECT_ENDPOINTS + LIST_ENDPOINTS + CREATE_ENDPOINTS + DIRECTORY_ENDPOINTS + SUPPORT_LIST_ENDPOINTS
# The caseload («Мои выпускники») and the coordinator's reassignment: see the caseload tests at the end.
CASELOAD_ENDPOINTS = [
    Endpoint("support:caseload", "get", "view", "caseload"),
    Endpoint("support:caseload_reassign", "post", "assign", "caseload"),
]
MATRIX += CASELOAD_ENDPOINTS
# The start page (the working day) and the list of outgoing transfers: see the tests at the end.
START_ENDPOINTS = [
    Endpoint("home", "get", "view", "start"),
    Endpoint("support:outgoing_transfers", "get", "view", "outgoing"),
]
MATRIX += START_ENDPOINTS

# The support API (opora/support/api.py): records reached by their own id. The kind names the
# record of the graduate whose id the URL takes; see the support API section at the end.
SUPPORT_API_OBJECT_ENDPOINTS = [
    Endpoint("case-detail", "get", "view", "case", api=True),
    Endpoint("case-contact", "post", "change", "case", api=True),
    Endpoint("case-sign-contract", "post", "change", "case", api=True),
    Endpoint("case-change-level", "post", "change", "case", api=True),
    Endpoint("case-refuse", "post", "change", "case", api=True),
    Endpoint("case-close", "post", "change", "case", api=True),
    Endpoint("case-reassign", "post", "assign", "case", api=True),
    Endpoint("case-transfer", "post", "change", "case", api=True),
    Endpoint("contract-detail", "get", "view", "contract", api=True),
    Endpoint("contract-renew", "post", "change", "contract", api=True),
    Endpoint("level-change-detail", "get", "view", "level_change", api=True),
    Endpoint("plan-detail", "get", "view", "plan", api=True),
    Endpoint("plan-approve", "post", "change", "plan", api=True),
    Endpoint("plan-goals", "post", "change", "plan", api=True),
    Endpoint("measure-detail", "get", "view", "measure", api=True),
    Endpoint("measure-detail", "patch", "change", "measure", api=True),
    Endpoint("journal-entry-detail", "get", "view", "journal", api=True),
    Endpoint("journal-entry-detail", "patch", "change", "journal", api=True),
    # Removing an entry is a correction by its author (or the coordinator's): «change», not «delete».
    Endpoint("journal-entry-detail", "delete", "change", "journal", api=True),
    Endpoint("transfer-detail", "get", "view", "transfer", api=True),
    Endpoint("transfer-accept", "post", "receive", "transfer", api=True),
    Endpoint("transfer-decline", "post", "receive", "transfer", api=True),
    Endpoint("transfer-cancel", "post", "change", "transfer", api=True),
    Endpoint("transfer-notice-sent", "post", "change", "transfer", api=True),
]
SUPPORT_API_LIST_ENDPOINTS = [
    Endpoint("case-list", "get", "view", "case", api=True),
    Endpoint("case-list", "get", "view", "case", api=True, query={"graduate": "graduate"}),
    Endpoint("contract-list", "get", "view", "contract", api=True),
    Endpoint("contract-list", "get", "view", "contract", api=True, query={"case": "case"}),
    Endpoint("level-change-list", "get", "view", "level_change", api=True),
    Endpoint("level-change-list", "get", "view", "level_change", api=True, query={"case": "case"}),
    Endpoint("plan-list", "get", "view", "plan", api=True),
    Endpoint("plan-list", "get", "view", "plan", api=True, query={"graduate": "graduate"}),
    Endpoint("measure-list", "get", "view", "measure", api=True),
    Endpoint("measure-list", "get", "view", "measure", api=True, query={"plan": "plan"}),
    Endpoint("journal-entry-list", "get", "view", "journal", api=True),
    Endpoint("journal-entry-list", "get", "view", "journal", api=True, query={"case": "case"}),
    Endpoint("transfer-list", "get", "view", "transfer", api=True),
    Endpoint("transfer-list", "get", "view", "transfer", api=True, query={"direction": "incoming"}),
]
# A new record that names a foreign one (the kind: which) in its body.
SUPPORT_API_CREATE_ENDPOINTS = [
    Endpoint("case-list", "post", "change", "graduate", api=True),
    Endpoint("plan-list", "post", "change", "case", api=True),
    Endpoint("measure-list", "post", "change", "plan", api=True),
    Endpoint("journal-entry-list", "post", "change", "case", api=True),
]
# The region's support directories: not personal data, like services and territories.
SUPPORT_API_DIRECTORY_ENDPOINTS = [
    Endpoint("support-level-list", "get", "directory", "support_level", api=True),
    Endpoint("support-level-detail", "get", "directory", "support_level", api=True),
    Endpoint("domain-list", "get", "directory", "domain", api=True),
    Endpoint("domain-detail", "get", "directory", "domain", api=True),
    Endpoint("service-kind-list", "get", "directory", "service_kind", api=True),
    Endpoint("service-kind-detail", "get", "directory", "service_kind", api=True),
]
MATRIX += (
    SUPPORT_API_OBJECT_ENDPOINTS
    + SUPPORT_API_LIST_ENDPOINTS
    + SUPPORT_API_CREATE_ENDPOINTS
    + SUPPORT_API_DIRECTORY_ENDPOINTS
)
# The consilium's pages and API: every role on each in opora/assessment/tests/test_consilium_scoping.py.
MATRIX += [Endpoint(name, method, action, kind, api=":" not in name) for name, method, action, kind in CONSILIUM_ROUTES]

# The summary card of a service and a quarter, its XLSX and its API: see the summary section at the end.
SUMMARY_ENDPOINTS = [
    Endpoint("assessment:summary", "get", "view", "summary"),
    Endpoint("assessment:summary_xlsx", "get", "view", "summary"),
    Endpoint("assessment-summary-list", "get", "view", "summary", api=True),
]
MATRIX += SUMMARY_ENDPOINTS

# URL names under /graduates/ or /api/v1/ that show no personal data and no directory row.
EXEMPT = {"api-root": "the API's table of contents: links only"}

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@dataclass
class Case:
    """What one role is shown: the records it may reach and the ones it may not."""

    user: object
    own: Graduate  # a record the role may reach (for roles that reach nothing: any record)
    foreign: Graduate
    visible: set[int]  # every graduate the role's lists must show
    foreign_service: Service
    foreign_territory: Territory


def _with_files(graduate: Graduate) -> Graduate:
    """Give a record a photo and a consent with a scan, so that a 404 can only come from the scope."""
    graduate.photo_portrait.save("portrait.png", ContentFile(PNG), save=True)
    consent = Consent(graduate=graduate, given_at=dt.date(2024, 1, 15), scope="Все данные")
    consent.scan.save("consent.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    consent.save()
    return graduate


@pytest.fixture
def world(settings, tmp_path, users, graduate, foreign_graduate, other_region, make_graduate):
    settings.MEDIA_ROOT = tmp_path
    outside_territory = Territory.objects.create(region=other_region, name="Чужой район")
    outside_service = Service.objects.create(
        region=other_region, territory=outside_territory, name="Служба соседней области"
    )
    outside = make_graduate(outside_service, last_name="Сидоров", first_name="Семён", sex=Graduate.Sex.MALE)
    for g in (graduate, foreign_graduate, outside):
        _with_files(g)
    own_service, other_service = graduate.service, foreign_graduate.service

    def case(role, own, foreign, visible, foreign_service):
        return Case(users[role], own, foreign, visible, foreign_service, foreign_service.territory)

    cases = {
        "specialist": case("specialist", graduate, foreign_graduate, {graduate.pk}, other_service),
        "coordinator": case("coordinator", graduate, foreign_graduate, {graduate.pk}, other_service),
        "other_specialist": case("other_specialist", foreign_graduate, graduate, {foreign_graduate.pk}, own_service),
        # The regional centre reaches the whole region: its foreign record is in another region.
        "regional": case("regional", foreign_graduate, outside, {graduate.pk, foreign_graduate.pk}, outside_service),
        # Roles that reach no personal data: every record is out of reach.
        "attracted": case("attracted", graduate, foreign_graduate, set(), other_service),
        "admin": case("admin", graduate, foreign_graduate, set(), other_service),
    }
    return cases


def _url(endpoint: Endpoint, graduate_pk, consent_pk=None) -> str:
    if endpoint.kind == "consent":
        return reverse(endpoint.name, kwargs={"pk": graduate_pk, "consent_pk": consent_pk})
    if endpoint.kind == "photo":
        return reverse(endpoint.name, kwargs={"pk": graduate_pk, "kind": "portrait"})
    if endpoint.kind in SUPPORT_RECORDS:
        return reverse(endpoint.name, kwargs=support_url_kwargs(endpoint.kind, graduate_pk))
    return reverse(endpoint.name, kwargs={"pk": graduate_pk})


def _payload(endpoint: Endpoint, target: Graduate) -> dict:
    """A request body that would really change ``target`` if the scope let it through."""
    if endpoint.name == "registry:delete":
        return {"confirm_name": target.last_name}
    if endpoint.name == "registry:consents":
        return {"given_at": "2024-02-01", "given_by": "graduate", "scope": "Все данные"}
    if endpoint.name == "support:transfer_decline":
        return {"reason": "чужая правка"}
    if endpoint.name == "support:transfer_accept":
        return {"confirmed": "1"}
    return {"last_name": "Изменённая", "notes": "чужая правка"}


def _request(client, endpoint: Endpoint, url: str, data: dict | None = None):
    data = data or {}
    if endpoint.api and endpoint.method in ("post", "put", "patch", "delete"):
        # PUT/PATCH/DELETE need If-Match (the record's current revision); the scope still answers first.
        extra = if_match_for(url) if endpoint.method in ("put", "patch", "delete") else {}
        return getattr(client, endpoint.method)(url, json.dumps(data), content_type="application/json", **extra)
    if endpoint.method == "post":
        return client.post(url, data)
    return client.get(url)


def _refused_status(user, endpoint: Endpoint) -> int:
    """How a record out of reach answers: 403 if the role reaches nothing for the action, else 404."""
    return 404 if can(user, endpoint.action) else 403


def _fingerprint(graduate: Graduate) -> tuple:
    graduate = Graduate.objects.filter(pk=graduate.pk).first()
    if graduate is None:
        return ("deleted",)
    consents = tuple(Consent.objects.filter(graduate=graduate).values_list("pk", "withdrawn_at"))
    return (graduate.last_name, graduate.notes, graduate.updated_at, consents)


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_a_foreign_record_answers_like_a_missing_one_and_does_not_change(client, world, role, endpoint):
    case = world[role]
    client.force_login(case.user)
    foreign = case.foreign
    before = _fingerprint(foreign)
    foreign_consent = foreign.consents.get()

    response = _request(client, endpoint, _url(endpoint, foreign.pk, foreign_consent.pk), _payload(endpoint, foreign))
    missing = _request(client, endpoint, _url(endpoint, MISSING_PK, MISSING_PK), _payload(endpoint, foreign))

    expected = _refused_status(case.user, endpoint)
    assert response.status_code == expected
    assert missing.status_code == expected, "a missing record must answer exactly like a foreign one"
    assert foreign.last_name not in response.content.decode()
    assert _fingerprint(foreign) == before


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ["specialist", "coordinator", "other_specialist", "regional"])
def test_the_same_endpoint_reaches_a_record_within_the_scope(client, world, role, endpoint):
    """The positive control: the 404s above come from the scope, not from a broken URL."""
    case = world[role]
    client.force_login(case.user)
    own_consent = case.own.consents.get()

    response = _request(client, endpoint, _url(endpoint, case.own.pk, own_consent.pk), _payload(endpoint, case.own))

    if endpoint.action == "receive" and role != "regional":
        # The holding service cannot take its own graduate: the receiving side does (tests below).
        assert response.status_code == 404
    elif can(case.user, endpoint.action):
        assert response.status_code in (200, 302, 400), response.status_code
    else:
        assert response.status_code == 403


def _resolve_query(endpoint: Endpoint, case: Case) -> dict:
    values = {
        "foreign_last_name": case.foreign.last_name,
        "foreign_service": case.foreign_service.pk,
        "foreign_territory": case.foreign_territory.pk,
    }
    return {key: values[value] for key, value in endpoint.query.items()}


def _api_ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("endpoint", [e for e in LIST_ENDPOINTS if e.kind == "list"], ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_lists_and_searches_show_only_the_records_within_the_scope(client, world, role, endpoint):
    case = world[role]
    client.force_login(case.user)

    response = client.get(reverse(endpoint.name), _resolve_query(endpoint, case))

    if not case.visible:
        assert response.status_code == 403
        return
    if response.status_code == 400:
        # A filter naming a row out of reach is refused exactly like one naming no row at all.
        missing = client.get(reverse(endpoint.name), {key: MISSING_PK for key in endpoint.query})
        assert missing.status_code == 400
        assert response.json() == missing.json()
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert case.foreign.full_name not in body
    if endpoint.api:
        shown = _api_ids(response)
        assert case.foreign.pk not in shown
        assert response.json()["count"] == len(shown)
        if not endpoint.query:
            assert shown == case.visible
    else:
        assert reverse("registry:detail", args=[case.foreign.pk]) not in body
        if not endpoint.query:
            for pk in case.visible:
                assert reverse("registry:detail", args=[pk]) in body
            expected_count = {1: "Найден 1 выпускник", 2: "Найдено 2 выпускника"}[len(case.visible)]
            assert expected_count in body


@pytest.mark.parametrize("role", ROLES)
def test_the_audit_log_shows_only_events_within_the_scope(client, world, role):
    case = world[role]
    for graduate in (case.own, case.foreign):
        record(AuditEvent.Action.VIEW, actor=case.user, obj=graduate)
    client.force_login(case.user)

    response = client.get(reverse("audit"))

    if not can(case.user, "audit"):
        assert response.status_code == 403
        return
    body = response.content.decode()
    assert response.status_code == 200
    assert f"№{case.own.pk}</td>" in body
    assert f"№{case.foreign.pk}</td>" not in body


@pytest.mark.parametrize("endpoint", CREATE_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_nobody_can_enter_a_graduate_into_a_service_out_of_reach(client, world, role, endpoint):
    case = world[role]
    client.force_login(case.user)
    data = {
        "last_name": "Новикова",
        "first_name": "Мария",
        "sex": "female",
        "birth_date": years_ago(19).isoformat(),
        "snils": make_snils(),
        "status_category": "from_orphans",
        "left_from_kind": "organisation",
        "service": case.foreign_service.pk,
        "territory": case.foreign_territory.pk,
        "marital_status": "single",
        "children_count": 0,
        "housing": "dormitory",
        "disability": "none",
    }

    response = _request(client, endpoint, reverse(endpoint.name), data)

    if not can(case.user, endpoint.action):
        assert response.status_code == 403
    elif endpoint.method == "get":
        assert response.status_code == 200
        # The form offers only the services within reach.
        offered = response.context["form"].fields["service"].queryset
        assert case.foreign_service not in offered
        assert offered.exists()
    else:
        assert response.status_code == 400
    assert not Graduate.objects.filter(last_name="Новикова").exists()


@pytest.mark.parametrize("endpoint", DIRECTORY_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_directories_of_another_region_are_hidden_from_its_staff(client, world, role, endpoint):
    case = world[role]
    client.force_login(case.user)
    outside_service = world["regional"].foreign_service
    outside_territory = world["regional"].foreign_territory
    target = outside_service if endpoint.name.startswith("service") else outside_territory
    is_admin = role == "admin"

    if endpoint.kind == "directory_list":
        response = client.get(reverse(endpoint.name), {"page_size": 200})
        assert response.status_code == 200
        assert (target.pk in _api_ids(response)) is is_admin
        return
    response = _request(client, endpoint, reverse(endpoint.name, kwargs={"pk": target.pk}), {"name": target.name})
    if is_admin:
        assert response.status_code == 200
    elif endpoint.method == "get":
        assert response.status_code == 404
    else:
        # Only an administrator changes directories; a refusal must not tell whether the row exists.
        assert response.status_code == 403
        missing = _request(client, endpoint, reverse(endpoint.name, kwargs={"pk": MISSING_PK}), {"name": "x"})
        assert missing.status_code == 403


def test_a_consent_of_another_record_is_not_reachable_through_ones_own_record(client, world):
    case = world["specialist"]
    client.force_login(case.user)
    foreign_consent = case.foreign.consents.get()

    scan = client.get(reverse("registry:consent_scan", kwargs={"pk": case.own.pk, "consent_pk": foreign_consent.pk}))
    withdraw = client.post(
        reverse("registry:consent_withdraw", kwargs={"pk": case.own.pk, "consent_pk": foreign_consent.pk})
    )

    assert scan.status_code == 404
    assert withdraw.status_code == 404
    foreign_consent.refresh_from_db()
    assert foreign_consent.withdrawn_at is None


def test_the_api_format_suffix_is_scoped_too(client, world):
    case = world["specialist"]
    client.force_login(case.user)

    assert client.get(f"/api/v1/graduates/{case.foreign.pk}.json").status_code == 404
    assert client.get(f"/api/v1/graduates/{case.own.pk}.json").status_code == 200
    listed = client.get("/api/v1/graduates.json")
    assert case.foreign.pk not in _api_ids(listed)


@pytest.mark.parametrize("url_name", ["registry:detail", "graduate-detail"])
def test_a_refused_access_to_a_foreign_record_is_written_to_the_audit_log(client, world, url_name):
    case = world["specialist"]
    client.force_login(case.user)

    response = client.get(reverse(url_name, kwargs={"pk": case.foreign.pk}), REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 404
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_DENIED)
    assert event.actor == case.user
    assert event.ip_address == "10.1.2.3"
    assert str(case.foreign.pk) in event.object_repr
    # The refusal is no read: nothing of the foreign record is logged as seen.
    assert not AuditEvent.objects.filter(action__in=AuditEvent.READ_ACTIONS, object_id=str(case.foreign.pk)).exists()


def test_a_role_without_personal_data_refused_a_page_is_audited(client, world):
    client.force_login(world["admin"].user)

    response = client.get(reverse("registry:list"))

    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED, actor=world["admin"].user).exists()


# Views outside the scope, by URL name, each with the reason it shows no personal data.
# Directories (services, territories, the support directories) have scoping tests of their own above.
EXEMPT_VIEWS = {
    **EXEMPT,
    "login": "the login form",
    "logout": "ends the session",
    "api-schema": "the OpenAPI schema: no data",
    "api-docs": "the API documentation page: no data",
    "service-list": "directory of the region's services",
    "service-detail": "directory of the region's services",
    "territory-list": "directory of the region's territories",
    "territory-detail": "directory of the region's territories",
    "support-level-list": "directory of support levels",
    "support-level-detail": "directory of support levels",
    "domain-list": "directory of life domains",
    "domain-detail": "directory of life domains",
    "service-kind-list": "directory of kinds of service",
    "service-kind-detail": "directory of kinds of service",
}


def _project_routes():
    """The project's URLs without the Django admin (staff-only, holds no personal-data models)."""
    return [(route, name, cb) for route, name, cb in walk(get_resolver()) if not route.startswith("admin/")]


def test_every_view_is_scoped_and_every_method_of_it_is_in_the_scoping_matrix():
    covered = {(e.name, e.method) for e in MATRIX}
    resolver = get_resolver()
    problems = [p for p in scope_problems(resolver, covered, EXEMPT_VIEWS) if not p.startswith("admin/")]

    assert len(_project_routes()) > 50, "the URL walk found too little: the guard itself is broken"
    assert not problems, "\n".join(problems)
    names = {name for _route, name, _cb in _project_routes()}
    stale = sorted({e.name for e in MATRIX} - names)
    assert not stale, f"the matrix lists endpoints that no longer exist: {stale}"


# --- The receiving service of a pending transfer (opora.core.access: viewers and «receive») -------

RECEIVING_ROLES = ["receiving_specialist", "receiving_coordinator"]


@pytest.fixture
def receiving(world):
    """Staff of the service the graduates' pending transfers go to (opora/support/tests/scoping.py)."""
    from opora.conftest import _user
    from opora.core.roles import Role
    from opora.support.tests.scoping import RECEIVER

    graduate = world["specialist"].own
    service, _created = Service.objects.get_or_create(
        region=graduate.service.region, name=RECEIVER, defaults={"territory": graduate.service.territory}
    )
    return {
        "receiving_specialist": _user("spec_receiving", Role.SPECIALIST, service),
        "receiving_coordinator": _user("coord_receiving", Role.COORDINATOR, service),
    }


def _receiving_request(client, endpoint: Endpoint, graduate):
    if endpoint.name in {e.name for e in SUPPORT_API_OBJECT_ENDPOINTS}:
        url = _support_url(endpoint, _support_pk(endpoint.kind, graduate))
        return _request(client, endpoint, url, _support_payload(endpoint, graduate))
    consent = graduate.consents.get()
    return _request(client, endpoint, _url(endpoint, graduate.pk, consent.pk), _payload(endpoint, graduate))


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS + SUPPORT_API_OBJECT_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", RECEIVING_ROLES)
def test_a_receiving_service_sees_the_graduate_and_does_nothing_else_until_it_accepts(
    client, support_world, receiving, role, endpoint
):
    """specialist2 while a transfer from service 1 is pending: view 200, accept or decline, every other action 404."""
    user = receiving[role]
    graduate = support_world["specialist"].own
    assert Graduate.objects.get(pk=graduate.pk).incoming_service == user.service, "the transfer must really be pending"
    client.force_login(user)
    before = (_fingerprint(graduate), _support_fingerprint(graduate))

    response = _receiving_request(client, endpoint, graduate)

    if endpoint.action == "view":
        assert response.status_code == 200, response.status_code
    elif endpoint.action == "receive" and endpoint.method == "get":
        # The confirmation step of accepting: shown, nothing changes until it is confirmed.
        assert response.status_code == 200, response.status_code
        assert (_fingerprint(graduate), _support_fingerprint(graduate)) == before
    elif endpoint.action == "receive":
        assert response.status_code in (200, 302), response.content[:500]
        graduate.refresh_from_db()
        assert graduate.incoming_service is None
        # Accepted: the graduate is the receiver's now; declined: it stays with the sender.
        sender = before[1][0]  # _support_fingerprint starts with the graduate's service
        assert graduate.service_id == (sender if "decline" in endpoint.name else user.service_id)
    else:
        assert response.status_code == _refused_status(user, endpoint), response.status_code
        assert (_fingerprint(graduate), _support_fingerprint(graduate)) == before


@pytest.mark.parametrize("role", RECEIVING_ROLES)
def test_a_receiving_service_lists_the_graduate_handed_to_it_but_may_not_edit_it(
    client, support_world, receiving, role
):
    user = receiving[role]
    graduate = support_world["specialist"].own
    client.force_login(user)

    listed = client.get(reverse("registry:list"))
    incoming = client.get(reverse("support:incoming_transfers"))
    card = client.get(reverse("registry:detail", args=[graduate.pk]))

    assert reverse("registry:detail", args=[graduate.pk]) in listed.content.decode()
    assert graduate.last_name in incoming.content.decode()
    body = card.content.decode()
    assert reverse("registry:update", args=[graduate.pk]) not in body, "no «Изменить» for a graduate not yet accepted"
    assert reverse("registry:delete", args=[graduate.pk]) not in body


def test_the_sending_service_cannot_accept_its_own_transfer(client, support_world):
    case = support_world["specialist"]
    client.force_login(case.user)
    transfer_pk = _support_pk("transfer", case.own)

    page = client.post(reverse("support:transfer_accept", kwargs={"pk": case.own.pk, "transfer_pk": transfer_pk}))
    api = client.post(reverse("transfer-accept", kwargs={"pk": transfer_pk}), content_type="application/json")

    assert page.status_code == api.status_code == 404
    assert Graduate.objects.get(pk=case.own.pk).service == case.own.service


# --- The caseload (opora/support/views/caseload.py) ----------------------------------------------


def _open_cases(world, case):
    """An open case for the role's own record and for its foreign one, both led by the role's user."""
    from opora.support.models import SupportCase

    def open_for(graduate):
        return SupportCase.objects.create(
            graduate=graduate,
            specialist=case.user if case.user.role == "specialist" else None,
            status=SupportCase.Status.ACTIVE,
            identified_at=dt.date(2024, 1, 10),
            activated_at=dt.date(2024, 2, 1),
        )

    return open_for(case.own), open_for(case.foreign)


@pytest.mark.parametrize("role", ROLES)
def test_the_caseload_shows_only_cases_within_the_scope(client, world, role):
    case = world[role]
    _open_cases(world, case)
    client.force_login(case.user)
    own_service = {"service": case.own.service_id} if role == "regional" else {}

    response = client.get(reverse("support:caseload"), own_service)
    pointed = client.get(reverse("support:caseload"), {"service": case.foreign_service.pk})

    if not case.visible:
        assert response.status_code == pointed.status_code == 403
        return
    assert response.status_code == pointed.status_code == 200
    assert case.own.full_name in response.content.decode()
    for body in (response.content.decode(), pointed.content.decode()):
        assert case.foreign.full_name not in body
        assert reverse("registry:detail", args=[case.foreign.pk]) not in body


@pytest.mark.parametrize("role", ROLES)
def test_nobody_can_reassign_a_case_out_of_reach(client, world, role):
    from opora.support.models import Reassignment, SupportCase

    case = world[role]
    _own, foreign = _open_cases(world, case)
    before = foreign.specialist_id
    target = case.user if case.user.role in ("specialist", "coordinator") else None
    client.force_login(case.user)
    data = {"cases": [foreign.pk], "to_specialist": getattr(target, "pk", MISSING_PK), "reason": "чужая правка"}

    response = client.post(reverse("support:caseload_reassign"), {**data, "service": case.own.service_id})
    pointed = client.post(reverse("support:caseload_reassign"), {**data, "service": case.foreign_service.pk})

    expected = 400 if can(case.user, "assign") else 403
    assert response.status_code == pointed.status_code == expected
    assert case.foreign.full_name not in response.content.decode()
    assert SupportCase.objects.get(pk=foreign.pk).specialist_id == before
    assert not Reassignment.objects.exists()


# --- The support API (opora/support/api.py) ------------------------------------------------------


def _support_api_records():
    from opora.support.models import (
        Contract,
        JournalEntry,
        LevelChange,
        PlanMeasure,
        SupportCase,
        SupportPlan,
        Transfer,
    )

    # kind -> (model, path from the model to the graduate)
    return {
        "case": (SupportCase, "graduate"),
        "contract": (Contract, "case__graduate"),
        "level_change": (LevelChange, "case__graduate"),
        "plan": (SupportPlan, "case__graduate"),
        "measure": (PlanMeasure, "plan__case__graduate"),
        "journal": (JournalEntry, "graduate"),
        "transfer": (Transfer, "graduate"),
    }


def _support_pk(kind: str, graduate) -> int:
    """The id of ``graduate``'s record of ``kind`` (its support history: opora/support/tests/scoping.py)."""
    if kind == "graduate":
        return graduate.pk
    model, path = _support_api_records()[kind]
    return model.objects.filter(**{path: graduate}).values_list("pk", flat=True).get()


def _support_ids(kind: str, graduates) -> set[int]:
    model, path = _support_api_records()[kind]
    return set(model.objects.filter(**{f"{path}__in": graduates}).values_list("pk", flat=True))


@pytest.fixture
def support_world(world):
    """The world, with a whole support history for each of its three graduates."""
    graduates = {c.own for c in world.values()} | {c.foreign for c in world.values()}
    for graduate in graduates:
        support_history(graduate)
    return world


def _support_fingerprint(graduate) -> tuple:
    """Everything of the graduate's support that a request leaking through the scope would change."""
    from opora.support.models import Contract, JournalEntry, LevelChange, PlanGoal, PlanMeasure, SupportCase, Transfer

    graduate = Graduate.objects.get(pk=graduate.pk)
    return (
        graduate.service_id,
        graduate.incoming_service_id,
        tuple(SupportCase.objects.filter(graduate=graduate).values_list("status", "specialist_id", "updated_at")),
        tuple(Contract.objects.filter(case__graduate=graduate).values_list("pk", "terminated_at")),
        tuple(LevelChange.objects.filter(case__graduate=graduate).values_list("pk", "level_id")),
        tuple(graduate.support_cases.values_list("plans__pk", "plans__status", "plans__approved_at")),
        PlanGoal.objects.filter(plan__case__graduate=graduate).count(),
        tuple(PlanMeasure.objects.filter(plan__case__graduate=graduate).values_list("pk", "status", "result")),
        tuple(JournalEntry.all_objects.filter(graduate=graduate).values_list("pk", "text", "revision", "removed_at")),
        tuple(Transfer.objects.filter(graduate=graduate).values_list("pk", "status", "notice_sent_at")),
    )


def _support_payload(endpoint: Endpoint, target) -> dict:
    """A request body that would really change ``target``'s support if the scope let it through."""
    from opora.org.models import User
    from opora.support.models import Domain, SupportLevel

    today = suite_today().isoformat()
    region = target.service.region_id
    levels = SupportLevel.objects.filter(region_id=region).order_by("order")
    colleague = User.objects.filter(service=target.service, role__in=["specialist", "coordinator"]).first()
    return {
        "case-contact": {},
        "case-sign-contract": {
            "level": levels.first().pk,
            "signed_at": today,
            "help_agreed": "Помощь",
            "graduate_obligations": "Обязательства",
        },
        "case-change-level": {"level": levels.last().pk, "reason": "чужая правка"},
        "case-refuse": {"note": "чужая правка"},
        "case-close": {"close_reason": "adapted", "close_report": "чужая правка"},
        "case-reassign": {"to_specialist": getattr(colleague, "pk", MISSING_PK), "reason": "чужая правка"},
        "case-transfer": {"moved_at": today, "to_external": "Другая область"},
        "contract-renew": {"signed_at": today},
        "plan-approve": {},
        "plan-goals": {"domain": Domain.objects.filter(region_id=region).first().pk, "text": "чужая правка"},
        "measure-detail": {"status": "done", "result": "чужая правка"},
        "journal-entry-detail": {"text": "чужая правка", "reason": "чужая правка"},
        "transfer-accept": {},
        "transfer-decline": {"reason": "чужая правка"},
        "transfer-cancel": {},
        "transfer-notice-sent": {},
    }.get(endpoint.name, {})


def _support_url(endpoint: Endpoint, pk) -> str:
    if endpoint.name.endswith("-list"):
        return reverse(endpoint.name)
    return reverse(endpoint.name, kwargs={"pk": pk})


@pytest.mark.parametrize("endpoint", SUPPORT_API_OBJECT_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_a_foreign_support_record_answers_like_a_missing_one_and_does_not_change(client, support_world, role, endpoint):
    case = support_world[role]
    client.force_login(case.user)
    foreign = case.foreign
    before = _support_fingerprint(foreign)
    data = _support_payload(endpoint, foreign)

    response = _request(client, endpoint, _support_url(endpoint, _support_pk(endpoint.kind, foreign)), data)
    missing = _request(client, endpoint, _support_url(endpoint, MISSING_PK), data)

    expected = _refused_status(case.user, endpoint)
    assert response.status_code == expected
    assert missing.status_code == expected, "a missing record must answer exactly like a foreign one"
    assert response.json() == missing.json()
    assert foreign.last_name not in response.content.decode()
    assert _support_fingerprint(foreign) == before


@pytest.mark.parametrize("endpoint", SUPPORT_API_OBJECT_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ["specialist", "coordinator", "other_specialist", "regional"])
def test_the_same_support_endpoint_reaches_a_record_within_the_scope(client, support_world, role, endpoint):
    """The positive control: the 404s above come from the scope, not from a broken URL or body."""
    case = support_world[role]
    client.force_login(case.user)
    url = _support_url(endpoint, _support_pk(endpoint.kind, case.own))

    response = _request(client, endpoint, url, _support_payload(endpoint, case.own))

    if endpoint.action == "receive" and role != "regional":
        assert response.status_code == 404  # only the receiving side takes a graduate
    elif can(case.user, endpoint.action):
        # 204: a journal entry removed (by the coordinator or the regional centre, with the reason given).
        assert response.status_code in (200, 201, 204, 400), response.content
        if response.status_code == 400:  # the workflow refused (the state), not the body's shape
            assert list(response.json()) == ["non_field_errors"], response.content
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("endpoint", SUPPORT_API_LIST_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_support_lists_show_only_the_records_within_the_scope(client, support_world, role, endpoint):
    case = support_world[role]
    client.force_login(case.user)
    query = {
        key: "incoming" if value == "incoming" else _support_pk(value, case.foreign)
        for key, value in endpoint.query.items()
    }

    response = client.get(reverse(endpoint.name), {**query, "page_size": 200})

    if not case.visible:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    shown = _api_ids(response)
    visible = _support_ids(
        endpoint.kind, [g for c in support_world.values() for g in (c.own, c.foreign) if g.pk in case.visible]
    )
    assert not shown & _support_ids(endpoint.kind, [case.foreign])
    assert shown <= visible
    assert response.json()["count"] == len(shown)
    assert case.foreign.full_name not in response.content.decode()
    if not endpoint.query:
        assert shown == visible


@pytest.mark.parametrize("endpoint", SUPPORT_API_CREATE_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_nobody_can_add_a_support_record_to_a_foreign_one(client, support_world, role, endpoint):
    from opora.support.models import Domain

    case = support_world[role]
    client.force_login(case.user)
    field = endpoint.kind
    body = {
        "kind": "phone",
        "text": "чужая правка",
        "domain": Domain.objects.filter(region_id=case.own.service.region_id).first().pk,
        "responsible": "specialist",
        "deadline": suite_today().isoformat(),
    }
    before = _support_fingerprint(case.foreign)
    foreign_pk = _support_pk(field, case.foreign)

    response = _request(client, endpoint, reverse(endpoint.name), {**body, field: foreign_pk})
    missing = _request(client, endpoint, reverse(endpoint.name), {**body, field: MISSING_PK})

    if not can(case.user, endpoint.action):
        assert response.status_code == missing.status_code == 403
    else:
        assert response.status_code == missing.status_code == 400
        assert list(response.json()) == [field]
        as_missing = [m.replace(str(MISSING_PK), "ID") for m in missing.json()[field]]
        assert [m.replace(str(foreign_pk), "ID") for m in response.json()[field]] == as_missing
    assert _support_fingerprint(case.foreign) == before


@pytest.mark.parametrize(
    ("endpoint", "kind", "field", "foreign"),
    [
        ("case-sign-contract", "case", "level", "outside_level"),
        ("case-change-level", "case", "level", "outside_level"),
        ("case-transfer", "case", "to_service", "outside_service"),
        ("plan-goals", "plan", "domain", "outside_domain"),
        ("measure-list", "plan", "goal", "foreign_goal"),
        ("journal-entry-list", "case", "measure", "foreign_measure"),
        ("journal-entry-list", "case", "service_kind", "outside_service_kind"),
    ],
)
@pytest.mark.parametrize("role", ["specialist", "coordinator", "other_specialist", "regional"])
def test_ones_own_support_record_cannot_point_at_a_foreign_one(
    client, support_world, role, endpoint, kind, field, foreign
):
    """References in a request are narrowed to what the user may use: a foreign one is «not found»."""
    from opora.support.models import Domain, PlanGoal, PlanMeasure, ServiceKind, SupportLevel

    case = support_world[role]
    client.force_login(case.user)
    outside = support_world["regional"].foreign
    outside_region = outside.service.region_id
    foreign_pk = {
        "outside_level": lambda: SupportLevel.objects.filter(region_id=outside_region).first().pk,
        "outside_service": lambda: support_world["regional"].foreign_service.pk,
        "outside_domain": lambda: Domain.objects.filter(region_id=outside_region).first().pk,
        "outside_service_kind": lambda: ServiceKind.objects.filter(region_id=outside_region).first().pk,
        "foreign_goal": lambda: PlanGoal.objects.get(plan__case__graduate=case.foreign).pk,
        "foreign_measure": lambda: PlanMeasure.objects.get(plan__case__graduate=case.foreign).pk,
    }[foreign]()
    own_pk = _support_pk(kind, case.own)
    plain = Endpoint(endpoint, "post", "change", kind, api=True)
    url = reverse(endpoint) if endpoint.endswith("-list") else reverse(endpoint, kwargs={"pk": own_pk})
    body = {
        **_support_payload(plain, case.own),
        **({kind: own_pk} if endpoint.endswith("-list") else {}),
        "kind": "phone",
        "text": "Запись",
        "responsible": "specialist",
        "deadline": suite_today().isoformat(),
        "moved_at": suite_today().isoformat(),
        field: foreign_pk,
    }
    body.pop("to_external", None)
    before = (_support_fingerprint(case.own), _support_fingerprint(case.foreign))

    response = _request(client, plain, url, body)

    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert "объект не существует" in response.json()[field][0]
    assert (_support_fingerprint(case.own), _support_fingerprint(case.foreign)) == before


@pytest.mark.parametrize("endpoint", SUPPORT_API_DIRECTORY_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_support_directories_of_another_region_are_hidden_from_its_staff(client, support_world, role, endpoint):
    from opora.support.models import Domain, ServiceKind, SupportLevel

    case = support_world[role]
    client.force_login(case.user)
    model = {"support_level": SupportLevel, "domain": Domain, "service_kind": ServiceKind}[endpoint.kind]
    target = model.objects.filter(region=support_world["regional"].foreign_service.region).first()
    is_admin = role == "admin"

    if endpoint.name.endswith("-list"):
        response = client.get(reverse(endpoint.name), {"page_size": 200})
        assert response.status_code == 200
        assert (target.pk in _api_ids(response)) is is_admin
        return
    response = client.get(reverse(endpoint.name, kwargs={"pk": target.pk}))
    assert response.status_code == (200 if is_admin else 404)


# --- The start page and the outgoing transfers (opora/support/start.py, views/outgoing.py) -------


@pytest.mark.parametrize("endpoint", START_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_the_start_page_and_the_outgoing_list_show_only_what_is_within_the_scope(client, support_world, role, endpoint):
    """Each graduate has an open case led by the role's user and a pending transfer out of its service."""
    from opora.support.models import SupportCase

    case = support_world[role]
    SupportCase.objects.filter(graduate__in=[case.own, case.foreign]).update(
        specialist=case.user if case.user.role == "specialist" else None, status=SupportCase.Status.IDENTIFIED
    )
    client.force_login(case.user)

    response = client.get(reverse(endpoint.name))

    body = response.content.decode()
    if role == "admin":
        # The start page sends the administrator to the admin; a list of graduates is refused.
        assert response.status_code == (302 if endpoint.name == "home" else 403)
        return
    assert response.status_code == (200 if endpoint.name == "home" or case.visible else 403)
    assert case.foreign.full_name not in body
    assert reverse("registry:detail", args=[case.foreign.pk]) not in body
    assert reverse("support:case", args=[case.foreign.pk]) not in body
    if case.visible and role != "regional":
        # The positive control: the role's own graduate is named (identified: waiting for contact).
        assert case.own.full_name in body


# --- The assessment card (opora/assessment/views/assessment.py, «Оценка» tab) -------------------

ASSESS_PAGE_ENDPOINTS = [
    Endpoint("assessment:assessments", "get", "view", "object"),
    Endpoint("assessment:assessment_new", "get", "change", "object"),
    Endpoint("assessment:assessment_new", "post", "change", "object"),
    Endpoint("assessment:monitoring_new", "get", "change", "object"),
    Endpoint("assessment:monitoring_new", "post", "change", "object"),
    Endpoint("assessment:assessment_detail", "get", "view", "assessment"),
    Endpoint("assessment:assessment_correct", "get", "change", "assessment"),
    Endpoint("assessment:assessment_correct", "post", "change", "assessment"),
]
MATRIX += ASSESS_PAGE_ENDPOINTS


def _assess_url(endpoint: Endpoint, graduate_pk) -> str:
    from opora.assessment.tests.scoping import assessment_url_kwargs

    return reverse(endpoint.name, kwargs=assessment_url_kwargs(endpoint.kind, graduate_pk))


def _assess_payload(target) -> dict:
    """A body that would write an assessment (or a monitoring, or a correction) if the scope let it through."""
    from opora.assessment.models import Monitoring
    from opora.support.models import Domain

    data = {
        "assessed_on": suite_today().strftime("%d.%m.%Y"),
        "monitored_on": suite_today().strftime("%d.%m.%Y"),
        "kind": "quarterly",
        "conclusion": "чужая правка",
        "reason": "чужая правка",
        "outcome": "partial",
        **{name: "чужая правка" for name in Monitoring.INDICATORS},
    }
    for domain in Domain.objects.filter(region_id=target.service.region_id):
        data[f"d{domain.pk}_severity"] = "1"
        data[f"d{domain.pk}_reason"] = "чужая правка"
    return data


@pytest.mark.parametrize("endpoint", ASSESS_PAGE_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_a_foreign_graduates_assessment_pages_answer_like_missing_ones_and_change_nothing(
    client, support_world, role, endpoint
):
    from opora.assessment.tests.scoping import assessment_fingerprint, assessment_history

    case = support_world[role]
    assessment_history(case.foreign)
    client.force_login(case.user)
    before = assessment_fingerprint(case.foreign)

    response = _request(client, endpoint, _assess_url(endpoint, case.foreign.pk), _assess_payload(case.foreign))
    missing = _request(client, endpoint, _assess_url(endpoint, MISSING_PK), _assess_payload(case.foreign))

    expected = _refused_status(case.user, endpoint)
    assert response.status_code == expected
    assert missing.status_code == expected, "a missing record must answer exactly like a foreign one"
    assert case.foreign.last_name not in response.content.decode()
    assert assessment_fingerprint(case.foreign) == before


@pytest.mark.parametrize("endpoint", ASSESS_PAGE_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ["specialist", "coordinator", "other_specialist", "regional"])
def test_the_same_assessment_page_reaches_a_graduate_within_the_scope(client, support_world, role, endpoint):
    """The positive control: the 404s above come from the scope, not from a broken URL."""
    case = support_world[role]
    client.force_login(case.user)

    response = _request(client, endpoint, _assess_url(endpoint, case.own.pk), {})

    assert response.status_code in (200, 302, 400), response.status_code


@pytest.mark.parametrize("role", ["receiving_specialist", "receiving_coordinator"])
def test_a_receiving_service_reads_the_assessments_and_writes_none(client, support_world, receiving, role):
    from opora.assessment.tests.scoping import assessment_fingerprint, assessment_history

    user = receiving[role]
    graduate = support_world["specialist"].own
    assessment_history(graduate)
    client.force_login(user)
    before = assessment_fingerprint(graduate)

    shown = {
        e: _request(client, e, _assess_url(e, graduate.pk), _assess_payload(graduate)) for e in ASSESS_PAGE_ENDPOINTS
    }

    for endpoint, response in shown.items():
        assert response.status_code == (200 if endpoint.action == "view" else 404), endpoint.id
    assert assessment_fingerprint(graduate) == before
    tab = shown[ASSESS_PAGE_ENDPOINTS[0]].content.decode()
    assert reverse("assessment:assessment_new", args=[graduate.pk]) not in tab


# --- The assessment API (opora/assessment/api_assess.py) -----------------------------------------

ASSESS_API_OBJECT_ENDPOINTS = [
    Endpoint("assessment-detail", "get", "view", "assessment", api=True),
    Endpoint("assessment-correct", "post", "change", "assessment", api=True),
    Endpoint("monitoring-detail", "get", "view", "monitoring", api=True),
]
ASSESS_API_LIST_ENDPOINTS = [
    Endpoint("assessment-list", "get", "view", "assessment", api=True),
    Endpoint("assessment-list", "get", "view", "assessment", api=True, query={"graduate": "graduate"}),
    Endpoint("monitoring-list", "get", "view", "monitoring", api=True),
    Endpoint("monitoring-list", "get", "view", "monitoring", api=True, query={"graduate": "graduate"}),
]
# A new record that names a foreign case in its body.
ASSESS_API_CREATE_ENDPOINTS = [
    Endpoint("assessment-list", "post", "change", "case", api=True),
    Endpoint("monitoring-list", "post", "change", "case", api=True),
]
MATRIX += ASSESS_API_OBJECT_ENDPOINTS + ASSESS_API_LIST_ENDPOINTS + ASSESS_API_CREATE_ENDPOINTS
EXEMPT_VIEWS["difficulty-type-list"] = "directory of the region's typical difficulties"


def _assess_api_pk(kind: str, graduate) -> int:
    from opora.assessment.tests.scoping import assessment_history

    if kind == "case":
        return _support_pk("case", graduate)
    return assessment_history(graduate)[kind]


def _assess_api_body(endpoint: Endpoint, target) -> dict:
    from opora.assessment.models import Monitoring
    from opora.support.models import Domain

    domains = [
        {"domain": d.pk, "severity": 1, "reason": "чужая правка"}
        for d in Domain.objects.filter(region_id=target.service.region_id, is_active=True)
    ]
    today = suite_today().isoformat()
    if endpoint.name == "monitoring-list":
        return {
            "case": _support_pk("case", target),
            "monitored_on": today,
            "outcome": "partial",
            **{name: "чужая правка" for name in Monitoring.INDICATORS},
        }
    body = {"assessed_on": today, "conclusion": "чужая правка", "domains": domains, "reason": "чужая правка"}
    if endpoint.name == "assessment-list":
        body["case"] = _support_pk("case", target)
    return body


def _assess_api_url(endpoint: Endpoint, pk) -> str:
    return reverse(endpoint.name) if endpoint.name.endswith("-list") else reverse(endpoint.name, kwargs={"pk": pk})


def _assess_api_request(client, endpoint, url, data):
    extra = {"HTTP_IF_MATCH": "*"} if endpoint.name == "assessment-correct" else {}
    if endpoint.method == "post":
        return client.post(url, json.dumps(data), content_type="application/json", **extra)
    return client.get(url)


@pytest.mark.parametrize("endpoint", ASSESS_API_OBJECT_ENDPOINTS + ASSESS_API_CREATE_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_a_foreign_assessment_record_answers_like_a_missing_one_and_does_not_change(
    client, support_world, role, endpoint
):
    from opora.assessment.tests.scoping import assessment_fingerprint

    case = support_world[role]
    client.force_login(case.user)
    foreign = case.foreign
    pk = _assess_api_pk(endpoint.kind, foreign)
    before = assessment_fingerprint(foreign)
    data = _assess_api_body(endpoint, foreign)

    response = _assess_api_request(client, endpoint, _assess_api_url(endpoint, pk), data)
    if endpoint in ASSESS_API_CREATE_ENDPOINTS:
        missing = _assess_api_request(client, endpoint, _assess_api_url(endpoint, pk), {**data, "case": MISSING_PK})
        expected = 400 if can(case.user, endpoint.action) else 403
    else:
        missing = _assess_api_request(client, endpoint, _assess_api_url(endpoint, MISSING_PK), data)
        expected = _refused_status(case.user, endpoint)

    assert response.status_code == expected, response.content
    assert missing.status_code == expected
    # The same answer: the same fields refused (a refused reference names the id it was given).
    assert set(response.json()) == set(missing.json())
    if endpoint in ASSESS_API_CREATE_ENDPOINTS and can(case.user, endpoint.action):
        assert "case" in response.json()
    assert foreign.last_name not in response.content.decode()
    assert assessment_fingerprint(foreign) == before


@pytest.mark.parametrize("endpoint", ASSESS_API_OBJECT_ENDPOINTS + ASSESS_API_CREATE_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ["specialist", "coordinator", "other_specialist", "regional"])
def test_the_same_assessment_endpoint_reaches_a_record_within_the_scope(client, support_world, role, endpoint):
    case = support_world[role]
    client.force_login(case.user)
    pk = _assess_api_pk(endpoint.kind, case.own)

    response = _assess_api_request(
        client, endpoint, _assess_api_url(endpoint, pk), _assess_api_body(endpoint, case.own)
    )

    # 400: the workflow refused (a quarter or a half-year already assessed), not the scope.
    assert response.status_code in (200, 201, 400), response.content


@pytest.mark.parametrize("endpoint", ASSESS_API_LIST_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_assessment_lists_show_only_the_records_within_the_scope(client, support_world, role, endpoint):
    from opora.assessment.models import Assessment, Monitoring

    case = support_world[role]
    for graduate in (case.own, case.foreign):
        _assess_api_pk("assessment", graduate)
    client.force_login(case.user)
    query = {key: case.foreign.pk for key in endpoint.query}
    model = Assessment if endpoint.name.startswith("assessment") else Monitoring

    response = client.get(reverse(endpoint.name), query)

    if not case.visible:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    shown = _api_ids(response)
    assert not shown & set(model.objects.filter(graduate=case.foreign).values_list("pk", flat=True))
    if not endpoint.query:
        assert shown == set(model.objects.filter(graduate_id__in=case.visible).values_list("pk", flat=True))


# --- The summary card (opora/assessment/views/summary.py, api_trajectory.py) ---------------------


def _summary_body(endpoint: Endpoint, response) -> str:
    if endpoint.name.endswith("_xlsx") and response.status_code == 200:
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    return response.content.decode()


@pytest.mark.parametrize("endpoint", SUMMARY_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_the_summary_card_of_a_service_out_of_reach_answers_like_a_missing_one(client, support_world, role, endpoint):
    """Each graduate was assessed this quarter by its service: a role sees its service's card, never another's."""
    from opora.assessment.tests.trajectory_factories import make_assessment
    from opora.support.models import SupportCase

    case = support_world[role]
    for graduate in (case.own, case.foreign):
        make_assessment(SupportCase.objects.get(graduate=graduate), suite_today(), {})
    client.force_login(case.user)
    url = reverse(endpoint.name)

    own = client.get(url, {"service": case.own.service_id})
    foreign = client.get(url, {"service": case.foreign_service.pk})
    missing = client.get(url, {"service": MISSING_PK})

    if not case.visible:
        assert own.status_code == foreign.status_code == missing.status_code == 403
        return
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content or not endpoint.api
    assert own.status_code == 200
    body = _summary_body(endpoint, own)
    assert case.own.full_name in body
    assert case.foreign.full_name not in body + _summary_body(endpoint, foreign)


# --- The assessment's rhythm (opora/assessment/views/rhythm.py, views/events.py, api_rhythm.py) ---

# Pages and endpoints of one graduate's life events and reassessment tasks; kind "events" builds the
# URL with the graduate's open task, "rhythm" names lists of the user's own cases.
RHYTHM_OBJECT_ENDPOINTS = [
    Endpoint("assessment:events", "get", "view", "events"),
    Endpoint("assessment:events", "post", "change", "events"),
    Endpoint("assessment:task_cancel", "get", "change", "events"),
    Endpoint("assessment:task_cancel", "post", "change", "events"),
    Endpoint("life-event-detail", "get", "view", "events", api=True),
    Endpoint("assessment-task-detail", "get", "view", "events", api=True),
    Endpoint("assessment-task-cancel", "post", "change", "events", api=True),
]
RHYTHM_LIST_ENDPOINTS = [
    Endpoint("assessment:quarter", "get", "view", "rhythm"),
    Endpoint("assessment:due", "get", "view", "rhythm", query={"kind": "tasks"}),
    Endpoint("life-event-list", "get", "view", "rhythm", api=True),
    Endpoint("life-event-list", "get", "view", "rhythm", api=True, query={"graduate": "foreign"}),
    Endpoint("life-event-list", "post", "change", "rhythm", api=True),
    Endpoint("assessment-task-list", "get", "view", "rhythm", api=True),
    Endpoint("assessment-task-list", "get", "view", "rhythm", api=True, query={"graduate": "foreign"}),
    Endpoint("assessment-due-list", "get", "view", "rhythm", api=True, query={"kind": "tasks"}),
]
MATRIX += RHYTHM_OBJECT_ENDPOINTS + RHYTHM_LIST_ENDPOINTS


@pytest.fixture
def rhythm_world(support_world):
    """Each graduate on support (its support history) with a life event and an open reassessment task
    due yesterday, so it is on every rhythm list of its service (tasks, overdue)."""
    from opora.assessment.tests.rhythm_factories import open_task

    graduates = {c.own for c in support_world.values()} | {c.foreign for c in support_world.values()}
    for graduate in graduates:
        open_task(graduate, suite_today() - dt.timedelta(days=1))
    return support_world


def _rhythm_ids(graduate) -> dict:
    from opora.assessment.models import AssessmentTask, LifeEvent

    task = AssessmentTask.objects.filter(graduate=graduate).first()
    event = LifeEvent.objects.filter(graduate=graduate).first()
    return {"task": task.pk if task else MISSING_PK, "event": event.pk if event else MISSING_PK}


def _rhythm_fingerprint(graduate) -> tuple:
    from opora.assessment.models import AssessmentTask, LifeEvent

    return (
        tuple(AssessmentTask.objects.filter(graduate=graduate).values_list("pk", "status", "revision")),
        tuple(LifeEvent.objects.filter(graduate=graduate).values_list("pk", "kind")),
    )


def _rhythm_url(endpoint: Endpoint, graduate_pk: int, ids: dict) -> str:
    if endpoint.name.startswith("assessment:"):
        kwargs = {"pk": graduate_pk}
        if endpoint.name == "assessment:task_cancel":
            kwargs["task_pk"] = ids["task"]
        return reverse(endpoint.name, kwargs=kwargs)
    return reverse(endpoint.name, kwargs={"pk": ids["event" if endpoint.name == "life-event-detail" else "task"]})


def _rhythm_payload(endpoint: Endpoint) -> dict:
    if endpoint.name == "assessment:events":
        return {"kind": "job_lost", "occurred_on": suite_today().strftime("%d.%m.%Y"), "note": "чужая правка"}
    return {"reason": "чужая правка", "revision": 1}


@pytest.mark.parametrize("endpoint", RHYTHM_OBJECT_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_a_foreign_graduates_events_and_tasks_answer_like_missing_ones_and_do_not_change(
    client, rhythm_world, role, endpoint
):
    case = rhythm_world[role]
    client.force_login(case.user)
    foreign = case.foreign
    before = _rhythm_fingerprint(foreign)
    data = _rhythm_payload(endpoint)

    response = _request(client, endpoint, _rhythm_url(endpoint, foreign.pk, _rhythm_ids(foreign)), data)
    missing = _request(
        client, endpoint, _rhythm_url(endpoint, MISSING_PK, {"task": MISSING_PK, "event": MISSING_PK}), data
    )

    expected = _refused_status(case.user, endpoint)
    assert response.status_code == expected
    assert missing.status_code == expected
    assert foreign.last_name not in response.content.decode()
    assert _rhythm_fingerprint(foreign) == before


@pytest.mark.parametrize("endpoint", RHYTHM_OBJECT_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ["specialist", "coordinator", "other_specialist", "regional"])
def test_the_same_rhythm_endpoint_reaches_ones_own_graduate(client, rhythm_world, role, endpoint):
    case = rhythm_world[role]
    client.force_login(case.user)
    url = _rhythm_url(endpoint, case.own.pk, _rhythm_ids(case.own))
    extra = if_match_for(url) if endpoint.api and endpoint.method == "post" else {}

    if endpoint.api and endpoint.method == "post":
        response = client.post(url, json.dumps(_rhythm_payload(endpoint)), content_type="application/json", **extra)
    else:
        response = _request(client, endpoint, url, _rhythm_payload(endpoint))

    assert response.status_code in (200, 302), response.content[:300]


@pytest.mark.parametrize("endpoint", RHYTHM_LIST_ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("role", ROLES)
def test_rhythm_lists_and_figures_name_only_graduates_within_the_scope(client, rhythm_world, role, endpoint):
    from opora.support.models import SupportCase

    case = rhythm_world[role]
    # Every case is led by the role's user where it is a specialist: «own» lists include both.
    SupportCase.objects.filter(graduate__in=[case.own, case.foreign]).update(
        specialist=case.user if case.user.role == "specialist" else None
    )
    client.force_login(case.user)
    query = {k: (case.foreign.pk if v == "foreign" else v) for k, v in endpoint.query.items()}
    if role == "regional" and not endpoint.api:
        query["service"] = case.own.service_id

    if endpoint.method == "post":
        body = {"graduate": case.foreign.pk, "kind": "job_lost", "occurred_on": suite_today().isoformat()}
        before = _rhythm_fingerprint(case.foreign)
        response = _request(client, endpoint, reverse(endpoint.name), body)
        missing = _request(client, endpoint, reverse(endpoint.name), {**body, "graduate": MISSING_PK})
        assert response.status_code == missing.status_code == (400 if can(case.user, "change") else 403)
        if response.status_code == 400:
            assert list(response.json()) == ["graduate"]
        assert _rhythm_fingerprint(case.foreign) == before
        return
    response = client.get(reverse(endpoint.name), query)

    if not case.visible:
        assert response.status_code == 403
        return
    assert response.status_code == 200, response.content[:300]
    body = response.content.decode()
    assert case.foreign.full_name not in body
    assert reverse("registry:detail", args=[case.foreign.pk]) not in body
    if endpoint.api:
        graduates = {row["graduate"] for row in response.json()["results"]}
        assert case.foreign.pk not in graduates
        if not query.get("graduate"):
            assert graduates == case.visible
    elif endpoint.name == "assessment:due":
        assert case.own.full_name in body
