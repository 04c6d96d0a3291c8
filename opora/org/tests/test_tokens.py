"""The life of an API token: issued with its key shown once, stored hashed, working until it
expires or is revoked (in the admin, on a password change, on blocking the user), refused with
a 401 and a Russian reason afterwards."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from opora.conftest import PASSWORD
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.org import tokens
from opora.org.models import ApiToken, User

pytestmark = pytest.mark.django_db

LIST = "/api/v1/graduates/"
Action = AuditEvent.Action


def api_get(client, key, url=LIST):
    return client.get(url, HTTP_AUTHORIZATION=f"Token {key}")


def refusal(response) -> str:
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == "Token"
    return response.json()["detail"]


# --- issued once, stored hashed ---------------------------------------------------------------


def test_the_command_prints_a_key_that_reads_the_users_graduates(client, specialist, graduate, foreign_graduate):
    out, err = StringIO(), StringIO()

    call_command("issue_token", "spec", stdout=out, stderr=err)

    key = out.getvalue().strip()
    response = api_get(client, key)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [graduate.pk]
    assert "больше не будет показан" in err.getvalue()


def test_the_database_holds_no_key_in_plain_text(client, specialist):
    key = tokens.issue(specialist, name="выгрузка")
    assert api_get(client, key).status_code == 200

    token = ApiToken.objects.get()
    assert token.prefix == key[:8]
    assert token.digest != key and len(token.digest) == 64
    # No table of the database holds the key (nor anything but its first 8 characters).
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names from introspection)
            for row in cursor.fetchall():
                assert not any(key in str(value) or key[8:20] in str(value) for value in row), table


def test_the_command_cannot_show_an_earlier_key_again_and_rotate_revokes_it(client, specialist):
    first = StringIO()
    call_command("issue_token", "spec", stdout=first, stderr=StringIO())
    second = StringIO()
    call_command("issue_token", "spec", "--rotate", stdout=second, stderr=StringIO())

    old, new = first.getvalue().strip(), second.getvalue().strip()
    assert old != new
    assert "Токен отозван: выдан новый токен" in refusal(api_get(client, old))
    assert api_get(client, new).status_code == 200


def test_a_blocked_user_gets_no_token(specialist):
    specialist.is_active = False
    specialist.save()

    with pytest.raises(CommandError, match="заблокирована"):
        call_command("issue_token", "spec", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(DomainError):
        tokens.issue(specialist)
    assert not ApiToken.objects.exists()


def test_an_unknown_or_malformed_token_is_refused_in_russian(client, specialist):
    key = tokens.issue(specialist)

    assert refusal(api_get(client, key[:-1] + ("A" if key[-1] != "A" else "B"))) == "Неверный токен."
    assert refusal(api_get(client, "0" * 43)) == "Неверный токен."
    malformed = client.get(LIST, HTTP_AUTHORIZATION=f"Token {key} лишнее")
    assert "Authorization" in refusal(malformed)


def test_the_last_use_is_recorded(client, specialist):
    key = tokens.issue(specialist)
    assert ApiToken.objects.get().last_used is None

    api_get(client, key)

    last_used = ApiToken.objects.get().last_used
    assert last_used is not None
    assert abs(timezone.now() - last_used) < dt.timedelta(seconds=5)


# --- expiry ---------------------------------------------------------------------------------------


def test_a_token_works_until_it_expires_then_answers_401_naming_the_day(client, specialist, today, travel_to):
    key = tokens.issue(specialist, days=30)
    token = ApiToken.objects.get()
    assert token.expires - token.created == dt.timedelta(days=30)

    travel_to(today + dt.timedelta(days=29))
    assert api_get(client, key).status_code == 200

    travel_to(today + dt.timedelta(days=31))
    detail = refusal(api_get(client, key))
    assert detail.startswith("Срок действия токена истёк")
    assert timezone.localtime(token.expires).strftime("%d.%m.%Y") in detail


def test_the_default_term_comes_from_opora_token_days(specialist, settings):
    settings.OPORA_TOKEN_DAYS = 7

    tokens.issue(specialist)

    token = ApiToken.objects.get()
    assert token.expires - token.created == dt.timedelta(days=7)


# --- revocation -----------------------------------------------------------------------------------


def test_a_new_password_revokes_the_users_tokens(client, specialist):
    key = tokens.issue(specialist)

    specialist.set_password("новый-пароль-2027")
    specialist.save()

    assert refusal(api_get(client, key)) == "Токен отозван: сменён пароль. Получите новый токен у администратора."
    event = AuditEvent.objects.get(action=Action.TOKEN_REVOKED)
    assert event.changes == {"revoke_reason": [None, "password_changed"]}


def test_a_password_changed_in_the_admin_revokes_the_tokens_and_names_the_administrator(
    client, specialist, administrator
):
    key = tokens.issue(specialist)
    client.force_login(administrator)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[specialist.pk]),
        {"password1": "другой-пароль-2027", "password2": "другой-пароль-2027", "usable_password": "true"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert ApiToken.objects.get().revoke_reason == ApiToken.RevokeReason.PASSWORD_CHANGED
    assert AuditEvent.objects.get(action=Action.TOKEN_REVOKED).actor == administrator
    client.logout()
    assert "сменён пароль" in refusal(api_get(client, key))


def test_a_hash_upgraded_at_login_is_not_a_new_password(client, specialist, settings):
    key = tokens.issue(specialist)
    # The password hashed with an older hasher: logging in re-hashes it with the current one.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    User.objects.filter(pk=specialist.pk).update(password=make_password(PASSWORD, hasher="md5"))

    assert client.post(reverse("login"), {"username": "spec", "password": PASSWORD}).status_code == 302

    assert User.objects.get(pk=specialist.pk).password.startswith("pbkdf2_")
    assert api_get(client, key).status_code == 200
    assert ApiToken.objects.get().revoked_at is None


def test_blocking_a_user_revokes_the_tokens(client, specialist):
    key = tokens.issue(specialist)

    specialist.is_active = False
    specialist.save()

    assert "учётная запись заблокирована" in refusal(api_get(client, key))
    assert ApiToken.objects.get().revoke_reason == ApiToken.RevokeReason.USER_DEACTIVATED


def test_a_blocked_user_is_refused_even_if_the_token_escaped_revocation(client, specialist):
    key = tokens.issue(specialist)
    User.objects.filter(pk=specialist.pk).update(is_active=False)  # no save(): no signal

    assert refusal(api_get(client, key)) == "Учётная запись заблокирована."


def test_other_users_tokens_survive_a_colleagues_password_change(client, specialist, coordinator):
    theirs = tokens.issue(coordinator)

    specialist.set_password("новый-пароль-2027")
    specialist.save()

    assert api_get(client, theirs).status_code == 200


# --- the admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_the_admin_issues_a_token_and_shows_its_key_once(admin_client, client, specialist, administrator):
    page = reverse("admin:org_apitoken_issue")
    assert admin_client.get(page, {"user": specialist.pk}).status_code == 200

    response = admin_client.post(page, {"user": specialist.pk, "name": "Отчёты", "days": 10})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = response.context["issued"].key
    assert key in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.user, token.issued_by, token.name) == (specialist, administrator, "Отчёты")
    assert token.expires - token.created == dt.timedelta(days=10)
    # Nowhere else: not in the list, not on the token's own page.
    listing = admin_client.get(reverse("admin:org_apitoken_changelist")).content.decode()
    own_page = admin_client.get(reverse("admin:org_apitoken_change", args=[token.pk])).content.decode()
    for body in (listing, own_page):
        assert key not in body and token.digest not in body
        assert f"{token.prefix}…" in body
    client.logout()
    assert api_get(client, key).status_code == 200


def test_the_admin_lists_prefix_dates_and_state_and_offers_no_way_to_add_or_edit(admin_client, specialist):
    tokens.issue(specialist, name="Отчёты")

    body = admin_client.get(reverse("admin:org_apitoken_changelist")).content.decode()

    assert "Выдать токен" in body
    assert "действует" in body
    assert admin_client.get(reverse("admin:org_apitoken_add")).status_code == 403


def test_revoking_in_the_admin_stops_the_token_and_is_audited(admin_client, client, specialist, administrator):
    key = tokens.issue(specialist)
    token = ApiToken.objects.get()

    response = admin_client.post(
        reverse("admin:org_apitoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )

    assert response.status_code == 302
    token.refresh_from_db()
    assert (token.revoke_reason, token.revoked_by) == (ApiToken.RevokeReason.ADMIN, administrator)
    event = AuditEvent.objects.get(action=Action.TOKEN_REVOKED)
    assert event.actor == administrator
    assert event.service == specialist.service
    client.logout()
    assert refusal(api_get(client, key)) == (
        "Токен отозван: решение администратора. Получите новый токен у администратора."
    )


def test_the_user_list_action_leads_to_the_issue_page_for_that_user(admin_client, specialist):
    response = admin_client.post(
        reverse("admin:org_user_changelist"), {"action": "issue_api_token", "_selected_action": [specialist.pk]}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:org_apitoken_issue')}?user={specialist.pk}"


def test_someone_without_the_right_cannot_open_the_issue_page(login, coordinator):
    response = login(coordinator).get(reverse("admin:org_apitoken_issue"))

    assert response.status_code == 302  # the admin sends a non-staff user to its login page
    assert not ApiToken.objects.exists()
