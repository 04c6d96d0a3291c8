"""Security of logging in and staying logged in: hashing, throttling, idle timeout, logout, deploy checks."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

import opora.settings as project_settings
from opora.conftest import PASSWORD
from opora.core.models import AuditEvent

LOCKED_TEXT = "Слишком много неудачных попыток входа"


def test_passwords_are_hashed_with_argon2(settings, specialist):
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS

    specialist.set_password("новый-пароль-2026")
    specialist.save()

    specialist.refresh_from_db()
    assert specialist.password.startswith("argon2")
    assert specialist.check_password("новый-пароль-2026")


def login_post(client, username: str, password: str, address: str):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.fixture
def locked(client, specialist):
    """The specialist's username locked from one address by repeated wrong passwords."""
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        login_post(client, "spec", "неверный пароль", "203.0.113.5")
    return "203.0.113.5"


def test_wrong_passwords_below_the_limit_do_not_lock(client, specialist):
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        login_post(client, "spec", "неверный пароль", "203.0.113.5")

    response = login_post(client, "spec", PASSWORD, "203.0.113.5")

    assert response.status_code == 302
    assert logged_in_as(client) == str(specialist.pk)


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused_from_that_address(client, specialist, locked):
    response = login_post(client, "spec", PASSWORD, locked)

    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert logged_in_as(client) is None


def test_the_lock_page_names_the_configured_cool_off(client, specialist, locked, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=45)

    response = login_post(client, "spec", PASSWORD, locked)

    assert "через 45 мин." in response.content.decode()


def test_a_lock_is_recorded_in_the_audit_log(client, specialist, locked):
    login_post(client, "spec", PASSWORD, locked)

    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, username="spec").count() >= 5
    refused = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_LOCKED, username="spec")
    assert refused.filter(ip_address=locked).exists()


def test_a_stranger_cannot_lock_a_colleague_out_from_another_address(client, specialist, locked):
    response = login_post(client, "spec", PASSWORD, "198.51.100.20")

    assert response.status_code == 302
    assert logged_in_as(client) == str(specialist.pk)


def test_another_user_at_the_locked_address_can_still_log_in(client, specialist, coordinator, locked):
    response = login_post(client, "coord", PASSWORD, locked)

    assert response.status_code == 302
    assert logged_in_as(client) == str(coordinator.pk)


def test_the_lock_ends_after_the_cool_off(client, specialist, locked):
    cool_off = django_settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - dt.timedelta(minutes=1))

    response = login_post(client, "spec", PASSWORD, locked)

    assert response.status_code == 302
    assert logged_in_as(client) == str(specialist.pk)


def test_the_lock_is_still_on_just_before_the_cool_off_ends(client, specialist, locked):
    cool_off = django_settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off + dt.timedelta(minutes=1))

    assert login_post(client, "spec", PASSWORD, locked).status_code == 429


def test_behind_a_proxy_the_throttle_goes_by_the_address_the_proxy_saw(client, specialist, settings):
    settings.OPORA_TRUST_X_FORWARDED_FOR = True
    proxy = "10.0.0.1"
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        # The attacker forges the first address each time; the proxy appends the real one.
        client.post(
            reverse("login"),
            {"username": "spec", "password": "неверный пароль"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.66",
        )

    attacker = client.post(
        reverse("login"),
        {"username": "spec", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.66",
    )
    colleague = client.post(
        reverse("login"),
        {"username": "spec", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )

    assert attacker.status_code == 429
    assert colleague.status_code == 302
    failed = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
    assert set(failed.values_list("ip_address", flat=True)) == {"203.0.113.66"}


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client, specialist):
    client.post(
        reverse("login"),
        {"username": "spec", "password": "неверный пароль"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="192.0.2.1",
    )

    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED).ip_address == "203.0.113.7"


def test_login_throttling_never_locks_for_good():
    assert django_settings.AXES_COOLOFF_TIME
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_logout_by_get_is_refused(login, specialist):
    client = login(specialist)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert logged_in_as(client) == str(specialist.pk)


def test_logout_by_post_ends_the_session(login, specialist):
    client = login(specialist)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert logged_in_as(client) is None
    assert client.get(reverse("registry:list")).status_code == 302


def test_the_production_settings_pass_the_deploy_checks(tmp_path):
    alphabet = string.ascii_letters + string.digits + "!@#%^*-_=+"
    env = {
        **os.environ,
        "OPORA_DEBUG": "0",
        "OPORA_HTTPS": "1",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "ALLOWED_HOSTS": "opora.example.ru",
        "OPORA_VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own thread
    manage = Path(django_settings.BASE_DIR) / "manage.py"

    result = subprocess.run(  # noqa: S603 - our own manage.py with a fixed argument list
        [sys.executable, str(manage), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output


def test_without_a_secret_key_one_is_generated_into_var_and_kept(tmp_path):
    env = {**os.environ, "OPORA_DEBUG": "0", "SECRET_KEY": "", "OPORA_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    manage = Path(django_settings.BASE_DIR) / "manage.py"

    def settings_key() -> str:
        result = subprocess.run(  # noqa: S603 - our own manage.py with a fixed argument list
            [
                sys.executable,
                str(manage),
                "shell",
                "--no-imports",
                "-c",
                "from django.conf import settings; print(settings.SECRET_KEY)",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return result.stdout.strip()

    first = settings_key()
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert len(first) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert settings_key() == first  # the next start signs with the same key: sessions survive a restart
