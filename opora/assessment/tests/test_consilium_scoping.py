"""Every role on every consilium page and endpoint: a consilium of another service (another region for
the regional centre) answers like a missing one and does not change; the regional centre and the
specialist see their consilia and hold none; only the service's coordinator prepares and holds."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from opora.assessment import consilium as consilia
from opora.assessment.models import Consilium, ConsiliumDecision
from opora.assessment.tests.consilium_scoping import CONSILIUM_ROUTES
from opora.conftest import _user, if_match_for, suite_today
from opora.core.access import can
from opora.core.roles import Role
from opora.org.models import Service, Territory
from opora.support import services as support
from opora.support.models import LevelChange, SupportCase, SupportLevel

pytestmark = pytest.mark.django_db
ROLES = ["specialist", "other_specialist", "coordinator", "regional", "attracted", "admin"]
MISSING = 987654


@pytest.fixture
def consilia_world(users, graduate, foreign_graduate, other_region, make_graduate, support_region):
    """A prepared consilium with one graduate on support in each of: the service, the other service,
    a service of another region."""
    outside_territory = Territory.objects.create(region=other_region, name="Чужой район")
    outside_service = Service.objects.create(region=other_region, territory=outside_territory, name="Соседняя служба")
    outside = make_graduate(outside_service, last_name="Сидоров", first_name="Семён", sex="male")
    support.setup_region(other_region)
    made = {}
    for graduate_, coordinator in (
        (graduate, users["coordinator"]),
        (foreign_graduate, _user("coord_other", Role.COORDINATOR, foreign_graduate.service)),
        (outside, _user("coord_outside", Role.COORDINATOR, outside_service)),
    ):
        start = suite_today() - dt.timedelta(days=30)
        case = SupportCase.objects.create(
            graduate=graduate_, status="active", identified_at=start, contact_at=start, activated_at=start
        )
        level = SupportLevel.objects.filter(region=graduate_.service.region).order_by("order").first()
        LevelChange.objects.create(case=case, level=level, effective_from=start, reason="—")
        consilium = consilia.prepare_consilium(
            graduate_.service, actor=coordinator, held_on=suite_today(), participants=[coordinator]
        )
        consilia.add_graduates(consilium, [case], actor=coordinator)
        made[graduate_.service_id] = consilium
    own = {
        "specialist": graduate.service_id,
        "coordinator": graduate.service_id,
        "other_specialist": foreign_graduate.service_id,
        "regional": foreign_graduate.service_id,
        "attracted": graduate.service_id,
        "admin": graduate.service_id,
    }
    foreign = {
        role: outside_service.pk
        if role == "regional"
        else (foreign_graduate.service_id if own[role] == graduate.service_id else graduate.service_id)
        for role in ROLES
    }
    return {role: (made[own[role]], made[foreign[role]]) for role in ROLES}


def url_of(name: str, kind: str, consilium) -> str:
    if kind == "service":
        return reverse(name)
    pk = consilium.pk if consilium else MISSING
    if kind == "decision_api":
        decision = ConsiliumDecision.objects.filter(consilium=consilium).first() if consilium else None
        return reverse(name, kwargs={"pk": decision.pk if decision else MISSING})
    if kind == "decision":
        decision = ConsiliumDecision.objects.filter(consilium=consilium).first() if consilium else None
        return reverse(name, kwargs={"pk": pk, "decision_pk": decision.pk if decision else MISSING})
    return reverse(name, kwargs={"pk": pk})


def send(client, name: str, method: str, url: str):
    if ":" not in name and method in ("post", "patch", "put", "delete"):
        extra = if_match_for(url)
        return getattr(client, method)(
            url, json.dumps({"notes": "чужая правка"}), content_type="application/json", **extra
        )
    if method == "post":
        return client.post(url, {"op": "hold", "kind": "quarterly", "held_on": "01.12.2026"})
    return client.get(url)


def fingerprint(consilium) -> tuple:
    c = Consilium.objects.get(pk=consilium.pk)
    return (c.status, c.revision, tuple(c.decisions.values_list("pk", "revision")))


OBJECT_ROUTES = [r for r in CONSILIUM_ROUTES if r[3] != "service"]


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: f"{r[0]}:{r[1]}")
@pytest.mark.parametrize("role", ROLES)
def test_a_foreign_consilium_answers_like_a_missing_one_and_does_not_change(client, users, consilia_world, role, route):
    name, method, action, kind = route
    _own, foreign = consilia_world[role]
    before = fingerprint(foreign)
    client.force_login(users[role])

    response = send(client, name, method, url_of(name, kind, foreign))
    missing = send(client, name, method, url_of(name, kind, None))

    expected = 404 if can(users[role], action) else 403
    assert response.status_code == missing.status_code == expected
    assert fingerprint(foreign) == before


@pytest.mark.parametrize("route", CONSILIUM_ROUTES, ids=lambda r: f"{r[0]}:{r[1]}")
@pytest.mark.parametrize("role", ROLES)
def test_ones_own_consilium_is_seen_by_its_staff_and_the_region_and_held_only_by_the_coordinator(
    client, users, consilia_world, role, route
):
    name, method, action, kind = route
    own, _foreign = consilia_world[role]
    client.force_login(users[role])

    response = send(client, name, method, url_of(name, kind, own))

    if not can(users[role], action):
        assert response.status_code == 403
    elif action == "view":
        assert response.status_code in (200, 302)
    elif role == "coordinator":
        assert response.status_code in (200, 201, 204, 302, 400), response.status_code
    else:
        # The regional centre reaches the consilium (it may see it) but holds and prepares none.
        assert response.status_code == 403, response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_only_the_consilia_within_the_scope(client, users, consilia_world, role):
    own, foreign = consilia_world[role]
    client.force_login(users[role])

    response = client.get(reverse("assessment:consilium_list"))

    if not can(users[role], "view"):
        assert response.status_code == 403
        return
    body = response.content.decode()
    assert reverse("assessment:consilium", args=[own.pk]) in body
    assert reverse("assessment:consilium", args=[foreign.pk]) not in body
    api = client.get(reverse("consilium-list")).json()
    assert own.pk in {row["id"] for row in api["results"]} and foreign.pk not in {row["id"] for row in api["results"]}
    decisions = client.get(reverse("consilium-decision-list")).json()["results"]
    shown = {row["consilium"] for row in decisions}
    assert own.pk in shown and foreign.pk not in shown
    pointed = client.get(reverse("consilium-decision-list"), {"consilium": foreign.pk})
    assert pointed.status_code == 400 or pointed.json()["count"] == 0
