"""The registry list (page and API) filters by support: on support or not, stage, level today, specialist.

The filters are the support app's, added to the registry's list through its extension point:
the registry itself imports nothing of the support app.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.org.models import Service, Territory, User
from opora.support.models import LevelChange, SupportCase
from opora.support.tests.conftest import INTENSIVE, MONITORING, SUPPORTING

pytestmark = pytest.mark.django_db

PAGE, API = reverse("registry:list"), "/api/v1/graduates/"


@pytest.fixture
def people(caseload_case, make_graduate, service, specialist, colleague):
    """One graduate at each stage, at two levels, with two specialists; one never taken up; one closed."""
    closed = caseload_case("Закрытова", level=INTENSIVE)
    SupportCase.objects.filter(pk=closed.pk).update(status=SupportCase.Status.CLOSED, closed_at=timezone.localdate())
    return {
        "active_intensive": caseload_case("Интенсивова", level=INTENSIVE).graduate,
        "active_monitoring": caseload_case("Мониторингова", level=MONITORING, specialist=colleague).graduate,
        "contact": caseload_case("Контактова", status="contact", specialist=None).graduate,
        "identified": caseload_case("Выявленова", status="identified").graduate,
        "nobody": make_graduate(service, last_name="Нетсопровождения"),
        "closed": closed.graduate,
    }


def page_names(client, **params) -> set[str]:
    response = client.get(PAGE, params)
    assert response.status_code == 200
    return set(re.findall(r'class="fw-semibold text-decoration-none">([^<]+)</a>', response.content.decode()))


def api_ids(client, **params) -> set[int]:
    response = client.get(API, params)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def expect(client, people, keys, **params):
    expected = {people[k] for k in keys}
    assert page_names(client, **params) == {g.full_name for g in expected}
    assert api_ids(client, **params) == {g.pk for g in expected}


def test_on_support_means_an_open_case_with_a_contract(login, specialist, people):
    client = login(specialist)

    expect(client, people, ["active_intensive", "active_monitoring"], on_support="yes")
    expect(client, people, ["contact", "identified", "nobody", "closed"], on_support="no")


def test_the_stage_filter_looks_at_the_open_case_only(login, specialist, people):
    client = login(specialist)

    expect(client, people, ["identified"], case_status="identified")
    expect(client, people, ["contact"], case_status="contact")
    expect(client, people, ["active_intensive", "active_monitoring"], case_status="active")


def test_a_closed_case_is_no_stage(login, specialist, people):
    response = login(specialist).get(API, {"case_status": "closed"})

    assert response.status_code == 400


def test_the_level_filter_uses_the_level_in_force_today(login, specialist, people, levels):
    client = login(specialist)
    case = people["active_monitoring"].support_cases.get()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    LevelChange.objects.create(case=case, level=levels[INTENSIVE], effective_from=tomorrow, reason="с завтра")

    expect(client, people, ["active_intensive"], level=levels[INTENSIVE].pk)
    expect(client, people, ["active_monitoring"], level=levels[MONITORING].pk)
    expect(client, people, [], level=levels[SUPPORTING].pk)


def test_the_specialist_filter_shows_the_open_cases_of_that_specialist(
    login, coordinator, people, specialist, colleague
):
    client = login(coordinator)

    expect(client, people, ["active_intensive", "identified"], specialist=specialist.pk)
    expect(client, people, ["active_monitoring"], specialist=colleague.pk)
    expect(client, people, ["contact"], specialist="null")


def test_filters_combine(login, specialist, people):
    expect(login(specialist), people, ["active_intensive"], on_support="yes", specialist=specialist.pk)


def test_the_filter_bar_shows_the_support_filters(login, specialist, people):
    body = login(specialist).get(PAGE).content.decode()

    for name in ("on_support", "case_status", "level", "specialist"):
        assert f'name="{name}"' in body
    assert "На сопровождении" in body and "Не на сопровождении" in body
    assert "Без специалиста" in body


def test_the_specialists_offered_are_the_staff_of_the_users_service(
    login, specialist, colleague, other_specialist, regional, coordinator
):
    response = login(specialist).get(PAGE)
    offered = set(response.context["filter"].form.fields["specialist"].queryset)

    assert offered == {specialist, colleague, coordinator}


def test_the_regional_centre_is_offered_the_staff_of_its_region_with_their_service(
    login, regional, specialist, other_specialist, other_region
):
    territory = Territory.objects.create(region=other_region, name="Дальний район")
    far = Service.objects.create(region=other_region, territory=territory, name="Дальняя служба")
    stranger = User.objects.create(username="far", role="specialist", service=far, last_name="Дальнова")

    response = login(regional).get(PAGE)
    body = response.content.decode()
    offered = set(response.context["filter"].form.fields["specialist"].queryset)

    assert {specialist, other_specialist} <= offered
    assert stranger not in offered
    assert f"{specialist.short_name} — {specialist.service.display_name}" in body


def test_a_specialist_of_another_service_is_refused_exactly_like_a_missing_one(login, specialist, other_specialist):
    client = login(specialist)

    foreign = client.get(API, {"specialist": other_specialist.pk})
    missing = client.get(API, {"specialist": 987654})

    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json()


def test_a_level_of_another_region_is_refused(login, specialist, other_region, levels):
    from opora.support.services import setup_region

    setup_region(other_region)
    foreign_level = LevelChange._meta.get_field("level").related_model.objects.filter(region=other_region).first()

    response = login(specialist).get(API, {"level": foreign_level.pk})

    assert response.status_code == 400


def test_graduates_of_another_service_never_show_through_a_filter(
    login, specialist, caseload_case, other_service, other_specialist
):
    caseload_case("Чужая", graduate_service=other_service, specialist=other_specialist)

    assert "Чужая" not in " ".join(page_names(login(specialist), on_support="yes"))


def test_the_registry_app_imports_nothing_of_the_support_app():
    registry = pathlib.Path(__file__).resolve().parents[2] / "registry"
    offenders = [
        str(path.relative_to(registry))
        for path in registry.rglob("*.py")
        if re.search(r"^\s*(from|import)\s+opora\.support", path.read_text(encoding="utf-8"), re.M)
    ]

    assert not offenders
