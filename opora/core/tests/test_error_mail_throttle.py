"""A database that is down fails every request: the administrators get one letter, not one per request."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.core import mail
from django.db.backends.base.base import BaseDatabaseWrapper

from opora.core import http
from opora.core.tests.test_error_pages import REFUSED

pytestmark = pytest.mark.urls("opora.core.tests.error_urls")


@pytest.fixture
def failing_client(client, db, settings):
    settings.ADMINS = [("Дежурный администратор", "admin@opora.example")]
    settings.ERROR_MAIL_INTERVAL = 600
    client.raise_request_exception = False
    return client


@pytest.fixture
def clock(monkeypatch):
    """The monotonic clock the throttle reads, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(http.time, "monotonic", lambda: now[0])
    return now


def test_the_database_down_for_many_requests_is_mailed_once_per_interval(failing_client, specialist, clock):
    failing_client.force_login(specialist)

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=REFUSED):
        statuses = [failing_client.get(url).status_code for url in ("/graduates/", "/graduates/5/", "/api/v1/cases/")]
        assert statuses == [503, 503, 503]
        assert len(mail.outbox) == 1

        clock[0] += 601
        assert failing_client.get("/graduates/").status_code == 503

    assert len(mail.outbox) == 2
    assert re.search(r"ещё \d+ таких же ошибок за 10 мин\. не отправлены", mail.outbox[1].body)


def test_a_different_error_is_mailed_even_while_the_database_error_is_held_back(failing_client, specialist, clock):
    failing_client.force_login(specialist)
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=REFUSED):
        failing_client.get("/graduates/")
        failing_client.get("/graduates/")

    failing_client.get("/test-boom/")

    assert len(mail.outbox) == 2
    assert "RuntimeError" in mail.outbox[1].body
