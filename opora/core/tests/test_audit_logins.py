"""Failed logins and lock-outs on the audit page («Показать: Входы и блокировки»).

Who sees them: an attempt on an existing account is filed under the account's service, so its
coordinator and the regional centre see it; an attempt on a username nobody has (or on an
account of no service, such as the administrator's) belongs to no service and is seen by the
regional centre only. A coordinator never sees attempts on other services' accounts.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from opora.core.models import AuditEvent
from opora.core.roles import Role
from opora.org.models import Service, Territory, User

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def fail_login(client, username, address="203.0.113.9"):
    return client.post(reverse("login"), {"username": username, "password": "неверный пароль"}, REMOTE_ADDR=address)


def audit_rows(client, **query) -> str:
    response = client.get(reverse("audit"), query)
    assert response.status_code == 200
    return response.content.decode().split("<tbody>", 1)[1]


def test_a_failed_login_on_a_colleagues_account_is_seen_by_the_coordinator_and_the_region(
    client, specialist, coordinator, regional, other_specialist
):
    fail_login(client, "spec", "203.0.113.10")
    fail_login(client, "spec_other", "203.0.113.11")

    assert AuditEvent.objects.get(action=Action.LOGIN_FAILED, username="spec").service == specialist.service
    client.force_login(coordinator)
    rows = audit_rows(client, show="logins")
    assert "203.0.113.10" in rows and "Неудачный вход" in rows
    assert "203.0.113.11" not in rows  # another service's account
    client.force_login(regional)
    rows = audit_rows(client, show="logins")
    assert "203.0.113.10" in rows and "203.0.113.11" in rows


def test_a_failed_login_on_an_unknown_username_is_seen_by_the_region_only(client, coordinator, regional):
    fail_login(client, "nobody-here", "203.0.113.12")

    assert AuditEvent.objects.get(action=Action.LOGIN_FAILED).service is None
    client.force_login(coordinator)
    assert "nobody-here" not in audit_rows(client)
    client.force_login(regional)
    rows = audit_rows(client, show="logins")
    assert "nobody-here" in rows and "203.0.113.12" in rows


def test_attempts_on_the_administrators_account_are_the_regions_to_see(client, administrator, regional):
    fail_login(client, "boss", "203.0.113.13")

    client.force_login(regional)
    assert "203.0.113.13" in audit_rows(client, show="logins")


def test_a_lock_out_is_an_event_of_its_own_on_the_audit_page(client, specialist, coordinator):
    for _n in range(django_settings.AXES_FAILURE_LIMIT):
        fail_login(client, "spec", "203.0.113.14")
    response = fail_login(client, "spec", "203.0.113.14")
    assert response.status_code == 429

    locked = AuditEvent.objects.filter(action=Action.LOGIN_LOCKED, username="spec")
    assert locked.exists()
    assert {e.service for e in locked} == {specialist.service}
    client.force_login(coordinator)
    rows = audit_rows(client, show="logins")
    assert "Блокировка входа" in rows


def test_the_logins_filter_shows_logins_and_lock_outs_and_nothing_else(client, specialist, coordinator, graduate):
    client.force_login(specialist)
    client.get(reverse("registry:detail", args=[graduate.pk]))  # a read, not a login
    client.logout()
    fail_login(client, "spec")
    client.force_login(coordinator)

    rows = audit_rows(client, show="logins")
    everything = audit_rows(client)

    assert "Просмотр карточки" in everything
    assert "Просмотр карточки" not in rows
    assert "Неудачный вход" in rows and "Выход" in rows


def test_the_regional_centre_of_another_region_does_not_see_this_regions_accounts(client, specialist, other_region):
    territory = Territory.objects.create(region=other_region, name="Дальний район")
    centre = Service.objects.create(region=other_region, territory=territory, name="Центр соседней области")
    stranger = User.objects.create(username="regional_other", role=Role.REGIONAL, service=centre)
    fail_login(client, "spec", "203.0.113.15")

    client.force_login(stranger)

    assert "203.0.113.15" not in audit_rows(client, show="logins")


def test_an_unknown_view_of_the_log_is_a_400_not_a_500(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("audit"), {"show": "everything'--"})

    assert response.status_code == 400
    assert "Фильтр не применён" in response.content.decode()
