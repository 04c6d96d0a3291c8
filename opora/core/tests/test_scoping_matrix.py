"""The scoping matrix: every role × every page and API endpoint that shows or changes a graduate.

Each role is given a record it may reach and a record it may not («foreign»): a record of
another service for the in-service roles, a record of another region for the regional
centre. A foreign record must answer exactly as a record that does not exist (404, or 403
for a role that reaches no personal data at all), must not change, and must never show up
in a list, a search, a count or the audit log. Zero leaks.

A guard test walks the URL configuration so that a new endpoint under /graduates/ or
/api/v1/ cannot be added without joining this matrix.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse

from opora.conftest import make_snils, years_ago
from opora.core.access import can
from opora.core.audit import record
from opora.core.models import AuditEvent
from opora.org.models import Service, Territory
from opora.registry.models import Consent, Graduate

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


OBJECT_ENDPOINTS = [
    Endpoint("registry:detail", "get", "view", "object"),
    Endpoint("registry:update", "get", "change", "object"),
    Endpoint("registry:update", "post", "change", "object"),
    Endpoint("registry:delete", "get", "delete", "object"),
    Endpoint("registry:delete", "post", "delete", "object"),
    Endpoint("registry:consents", "get", "view", "object"),
    Endpoint("registry:consents", "post", "change", "object"),
    Endpoint("registry:history", "get", "view", "object"),
    Endpoint("registry:photo", "get", "view", "photo"),
    Endpoint("registry:consent_scan", "get", "view", "consent"),
    Endpoint("registry:consent_withdraw", "post", "change", "consent"),
    Endpoint("graduate-detail", "get", "view", "object", api=True),
    Endpoint("graduate-detail", "patch", "view", "object", api=True),
    Endpoint("graduate-detail", "put", "view", "object", api=True),
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
    Endpoint("graduate-list", "post", "view", "create", api=True),
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
MATRIX = OBJECT_ENDPOINTS + LIST_ENDPOINTS + CREATE_ENDPOINTS + DIRECTORY_ENDPOINTS

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
    return reverse(endpoint.name, kwargs={"pk": graduate_pk})


def _payload(endpoint: Endpoint, target: Graduate) -> dict:
    """A request body that would really change ``target`` if the scope let it through."""
    if endpoint.name == "registry:delete":
        return {"confirm_name": target.last_name}
    if endpoint.name == "registry:consents":
        return {"given_at": "2024-02-01", "given_by": "graduate", "scope": "Все данные"}
    return {"last_name": "Изменённая", "notes": "чужая правка"}


def _request(client, endpoint: Endpoint, url: str, data: dict | None = None):
    data = data or {}
    if endpoint.api and endpoint.method in ("post", "put", "patch"):
        return getattr(client, endpoint.method)(url, json.dumps(data), content_type="application/json")
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

    if can(case.user, endpoint.action):
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


def _routes(resolver=None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern, prefix + str(pattern.pattern), ns)
        else:
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}" if pattern.name else None


def test_every_graduate_and_api_endpoint_is_in_the_scoping_matrix():
    covered = {e.name for e in MATRIX} | set(EXEMPT)
    all_routes = list(_routes())
    routes = [(route, name) for route, name in all_routes if route.startswith(("graduates/", "api/v1/"))]

    assert routes, "the URL walk found nothing: the guard itself is broken"
    missing = sorted({f"{route} ({name})" for route, name in routes if name not in covered})
    assert not missing, f"endpoints not in the scoping matrix: {missing}"
    stale = sorted(covered - {name for _route, name in all_routes})
    assert not stale, f"the matrix lists endpoints that no longer exist: {stale}"
