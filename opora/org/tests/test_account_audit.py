"""Changes of who may do what are in the audit log: a member of staff's role, service, active flag
and admin rights (in the admin or anywhere else), and every API token issued or revoked — with
what it was and what it became, as labels on the audit page, never the token's key."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.core.models import AuditEvent
from opora.core.roles import Role
from opora.org import tokens
from opora.org.models import User

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def access_events(user, *, with_creation=False):
    """The access events of ``user``'s account (without the one of its creation, unless asked)."""
    events = AuditEvent.objects.filter(action=Action.STAFF_ACCESS, object_id=str(user.pk)).order_by("id")
    return events if with_creation else events[1:]


def admin_change(client, user, **changes):
    """Save the user's admin page with ``changes`` typed in (the rest as it was)."""
    data = {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "patronymic": user.patronymic,
        "position": user.position,
        "email": user.email,
        "phone": user.phone,
        "role": user.role,
        "service": user.service_id or "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%d.%m.%Y"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    if user.is_active:
        data["is_active"] = "on"
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(reverse("admin:org_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def audit_page(client, **query) -> str:
    """The audit page's table of events."""
    response = client.get(reverse("audit"), query)
    assert response.status_code == 200
    return response.content.decode().split("<tbody>", 1)[1]


def test_a_role_changed_in_the_admin_is_logged_with_the_administrator_and_both_roles(
    client, administrator, specialist, coordinator
):
    client.force_login(administrator)
    admin_change(client, specialist, role=Role.COORDINATOR)

    [event] = access_events(specialist)
    assert event.actor == administrator
    assert event.changes == {"role": [Role.SPECIALIST, Role.COORDINATOR]}
    assert event.service == specialist.service

    client.force_login(coordinator)
    body = audit_page(client, show="accounts")
    assert "Изменение роли, службы или доступа сотрудника" in body
    assert 'Роль: <span class="text-secondary">Специалист сопровождения</span> → Координатор службы' in body
    assert f"Сотрудник: spec ({specialist.short_name})" in body


def test_a_move_to_another_service_is_logged_with_both_names_and_seen_by_both_services(
    client, administrator, specialist, other_service, service, users
):
    client.force_login(administrator)
    admin_change(client, specialist, service=other_service.pk)

    events = list(access_events(specialist))
    assert [e.changes for e in events] == [{"service": [str(service), str(other_service)]}] * 2
    assert {e.service for e in events} == {other_service, service}
    old_coordinator = User.objects.create_user("coord-old", role=Role.COORDINATOR, service=service)
    new_coordinator = User.objects.create_user("coord-new", role=Role.COORDINATOR, service=other_service)
    for coordinator in (old_coordinator, new_coordinator):
        assert AuditEvent.objects.restrict(coordinator, "audit").filter(pk__in=[e.pk for e in events]).count() == 1
    assert AuditEvent.objects.restrict(users["regional"], "audit").filter(pk__in=[e.pk for e in events]).count() == 2


def test_blocking_in_the_admin_is_logged_as_yes_to_no_and_revokes_the_tokens(
    client, administrator, specialist, coordinator
):
    tokens.issue(specialist)
    client.force_login(administrator)

    admin_change(client, specialist, is_active=False)

    [event] = access_events(specialist)
    assert event.changes == {"is_active": [True, False]}
    revoked = AuditEvent.objects.get(action=Action.TOKEN_REVOKED)
    assert (revoked.actor, revoked.changes) == (administrator, {"revoke_reason": [None, "user_deactivated"]})
    client.force_login(coordinator)
    body = audit_page(client)
    assert "да</span> → нет" in body
    assert 'Причина отзыва: <span class="text-secondary">—</span> → учётная запись заблокирована' in body


def test_a_change_made_outside_the_admin_is_logged_too(specialist):
    specialist.role = Role.REGIONAL
    specialist.is_superuser = True
    specialist.save()

    [event] = access_events(specialist)
    assert event.actor is None
    assert event.changes == {"role": [Role.SPECIALIST, Role.REGIONAL], "is_superuser": [False, True]}


def test_a_new_account_is_logged_with_its_role_and_service(service):
    user = User.objects.create(username="new", role=Role.COORDINATOR, service=service)

    [event] = access_events(user, with_creation=True)
    assert event.changes == {"role": [None, Role.COORDINATOR], "service": [None, str(service)]}
    assert event.service == service


def test_saving_other_fields_or_logging_in_writes_no_access_event(client, specialist):
    specialist.phone = "+7 900 000-00-00"
    specialist.save()
    client.post(reverse("login"), {"username": "spec", "password": "test-pass-1234"})

    assert list(access_events(specialist)) == []
    assert access_events(specialist, with_creation=True).count() == 1


def test_an_issued_token_is_logged_without_its_key_and_seen_by_the_users_service(
    client, administrator, specialist, coordinator, other_specialist
):
    client.force_login(administrator)
    response = client.post(reverse("admin:org_apitoken_issue"), {"user": specialist.pk, "name": "Отчёты", "days": 30})
    key = response.context["issued"].key

    event = AuditEvent.objects.get(action=Action.TOKEN_ISSUED)
    assert event.actor == administrator
    assert event.service == specialist.service
    assert key not in str(event.changes) and key not in event.object_repr
    assert event.changes["prefix"] == [None, key[:8]]

    client.force_login(coordinator)
    body = audit_page(client, show="accounts")
    assert "Выдача API-токена" in body
    assert f"ключ {key[:8]}…" in body
    assert 'Назначение: <span class="text-secondary">—</span> → Отчёты' in body
    assert key not in body

    other = User.objects.create(username="coord_other", role=Role.COORDINATOR, service=other_specialist.service)
    client.force_login(other)
    assert "Выдача API-токена" not in audit_page(client)


def test_a_token_issued_from_the_command_line_names_it_as_the_actor(specialist):
    tokens.issue(specialist)

    event = AuditEvent.objects.get(action=Action.TOKEN_ISSUED)
    assert (event.actor, event.username) == (None, "manage.py")
