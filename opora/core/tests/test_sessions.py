"""Sessions: not rewritten on every request, yet idle ones end and a logout ends them for good."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.backends.cache import SessionStore
from django.urls import reverse
from django.utils import timezone

from opora.conftest import PASSWORD


@pytest.fixture
def signed_in(client, specialist):
    """A client that logged in through the login form (as a person does)."""
    response = client.post(reverse("login"), {"username": "spec", "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def saves():
    """Counts the session store's writes."""
    with mock.patch.object(SessionStore, "save", autospec=True, side_effect=SessionStore.save) as spy:
        yield spy


def later(seconds: float):
    """Move the clock ``seconds`` on (time-machine: the session files' expiry reads it too)."""
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds), tick=False)


def is_signed_in(client) -> bool:
    response = client.get(reverse("registry:list"))
    return response.status_code == 200


def test_sessions_are_kept_outside_the_database():
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache"
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is False


def test_pages_viewed_in_the_same_minute_do_not_rewrite_the_session(signed_in, saves):
    for _ in range(5):
        assert signed_in.get(reverse("registry:list")).status_code == 200
        assert signed_in.get(reverse("support:caseload")).status_code == 200

    assert saves.call_count == 0


def test_the_first_request_after_the_refresh_interval_pushes_the_expiry_forward_once(signed_in, saves):
    with later(django_settings.OPORA_SESSION_REFRESH_SECONDS + 1):
        for _ in range(3):
            assert signed_in.get(reverse("registry:list")).status_code == 200

    assert saves.call_count == 1


def test_an_idle_session_must_log_in_again(signed_in):
    with later(django_settings.SESSION_COOKIE_AGE + 1):
        response = signed_in.get(reverse("registry:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_colleague_at_work_stays_signed_in_past_the_idle_timeout(signed_in):
    step = 10 * 60
    assert step < django_settings.SESSION_COOKIE_AGE
    for n in range(1, 8):  # 70 minutes of work, a page every 10 minutes
        with later(n * step):
            assert is_signed_in(signed_in), f"signed out after {n * step // 60} min of work"


def test_idle_timeout_counts_from_the_last_refresh_not_from_the_login(signed_in):
    age = django_settings.SESSION_COOKIE_AGE
    with later(age - 60):
        assert is_signed_in(signed_in)  # refreshes: the expiry is now `age` from here
    with later(age - 60 + age - 5):
        assert is_signed_in(signed_in)
    with later(age - 60 + age - 5 + age + 1):
        assert not is_signed_in(signed_in)


def test_logout_ends_the_session_on_the_server(signed_in):
    cookie = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert SessionStore(session_key=cookie).exists(cookie)

    signed_in.post(reverse("logout"))

    assert not SessionStore(session_key=cookie).exists(cookie)
    # The old cookie, replayed (copied before logging out), signs nobody in.
    signed_in.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    response = signed_in.get(reverse("registry:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
