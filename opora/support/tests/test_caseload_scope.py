"""Who sees which caseload: a specialist their own, a coordinator the service, the region a chosen service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.core.models import AuditEvent
from opora.org.models import Service, Territory
from opora.registry.models import Graduate

pytestmark = pytest.mark.django_db

URL = "/caseload/"


def test_the_caseload_lives_at_caseload():
    assert reverse("support:caseload") == URL


def test_a_specialist_sees_only_own_cases(caseload_case, login, specialist, colleague):
    caseload_case("Моянова")
    caseload_case("Чужакова", specialist=colleague)
    caseload_case("Ничейнова", specialist=None)

    body = login(specialist).get(URL).content.decode()

    assert "Моянова" in body
    assert "Чужакова" not in body
    assert "Ничейнова" not in body
    assert 'id="reassign-bar"' not in body


def test_cases_of_another_service_are_invisible(caseload_case, login, specialist, coordinator, other_service):
    caseload_case("Своя")
    caseload_case("Чужая", graduate_service=other_service, specialist=specialist)  # even if assigned to her

    for user in (specialist, coordinator):
        body = login(user).get(URL).content.decode()
        assert "Своя" in body
        assert "Чужая" not in body


@pytest.mark.parametrize("role", ["attracted", "admin"])
def test_roles_without_personal_data_are_refused(login, users, role):
    response = login(users[role]).get(URL)

    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED, actor=users[role]).exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_regional_centre_first_sees_the_services_of_its_region_with_their_counts(
    caseload_case, login, regional, service, other_service
):
    caseload_case("Первая", contacted=40)
    caseload_case("Вторая", contacted=1)
    caseload_case("Третья", graduate_service=other_service, specialist=None, contacted=1)

    response = login(regional).get(URL)
    body = response.content.decode()

    assert response.status_code == 200
    assert 'id="region-services"' in body
    services = {row["graduate__service"]: row for row in response.context["services"]}
    assert (services[service.pk]["total"], services[service.pk]["attention_count"]) == (2, 1)
    assert services[other_service.pk]["total"] == 1
    assert "Первая" not in body  # no names until a service is chosen


def test_the_regional_centre_sees_the_caseload_of_the_chosen_service(
    caseload_case, login, regional, service, other_service
):
    caseload_case("Первая")
    caseload_case("Третья", graduate_service=other_service, specialist=None)

    body = login(regional).get(URL, {"service": other_service.pk}).content.decode()

    assert "Третья" in body
    assert "Первая" not in body


def test_the_regional_centre_cannot_choose_a_service_of_another_region(
    caseload_case, login, regional, other_region, make_graduate
):
    territory = Territory.objects.create(region=other_region, name="Дальний район")
    far = Service.objects.create(region=other_region, territory=territory, name="Дальняя служба")
    caseload_case("Дальнова", graduate_service=far, specialist=None)

    response = login(regional).get(URL, {"service": far.pk})
    body = response.content.decode()

    assert response.status_code == 200
    assert "Дальнова" not in body
    assert "Дальняя служба" not in body
    assert response.context["service_form"].errors


def test_reading_the_caseload_is_audited(caseload_case, login, specialist):
    case = caseload_case("Читанова")

    login(specialist).get(URL)

    event = AuditEvent.objects.get(action=AuditEvent.Action.LIST, actor=specialist)
    assert event.record_ids == [case.graduate_id]
    assert event.content_type.model_class() is Graduate


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("specialist", True),
        ("coordinator", True),
        ("regional", True),
        ("attracted", False),
        ("admin", False),
    ],
)
def test_the_navbar_links_the_caseload_for_those_who_have_one(login, users, role, shown):
    body = login(users[role]).get(reverse("home"), follow=True).content.decode()

    assert (f'href="{URL}"' in body) is shown
