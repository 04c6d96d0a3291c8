"""Errors a user can read: every error answer is Russian, short, says what to do and which request it was.

A browser gets a page, the API (and a client asking for JSON) gets ``{"detail": "…"}`` with the
right status. Nothing shows a traceback or a server's name; a server error is logged and mailed to
ADMINS with the request id, and the page claims the administrator was told only when that is so.
"""

from __future__ import annotations

import io
import logging
import re
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.urls("opora.core.tests.error_urls")

TRACEBACK_MARKS = ("Traceback", "RuntimeError", "секретная подробность", 'File "')


def body(response) -> str:
    return response.content.decode()


def assert_readable_page(response, status: int, title: str) -> str:
    """A short Russian page with the request id of the answer; returns its text."""
    text = body(response)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert title in text
    assert "Что делать" in text
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert f"Номер запроса: <code>{request_id}</code>" in text
    for mark in TRACEBACK_MARKS:
        assert mark not in text
    return text


def assert_json_detail(response, status: int, contains: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert list(data) == ["detail"]
    assert contains in data["detail"]


# --- 404 -----------------------------------------------------------------------------------------


def test_an_unknown_address_is_a_russian_page_saying_what_to_do(login, specialist):
    response = login(specialist).get("/no-such-page/")

    text = assert_readable_page(response, 404, "Страница или запись не найдена")
    assert "обратитесь к координатору службы" in text


def test_a_record_outside_the_scope_is_the_same_404_page(login, specialist, foreign_graduate):
    response = login(specialist).get(reverse("registry:detail", args=[foreign_graduate.pk]))

    text = assert_readable_page(response, 404, "Страница или запись не найдена")
    assert foreign_graduate.last_name not in text


def test_an_unknown_api_address_answers_json(login, specialist):
    response = login(specialist).get("/api/v1/no-such-endpoint/")

    assert_json_detail(response, 404, "не найден")


def test_a_client_asking_for_json_gets_json_on_a_page_address(login, specialist):
    response = login(specialist).get("/no-such-page/", HTTP_ACCEPT="application/json")

    assert_json_detail(response, 404, "не найден")


# --- 403 -----------------------------------------------------------------------------------------


def test_a_role_without_access_gets_a_russian_403_page(login, administrator):
    response = login(administrator).get(reverse("registry:list"))

    text = assert_readable_page(response, 403, "Доступ запрещён")
    assert "Обращение записано в журнал аудита." in text


def test_a_stale_form_gets_a_page_explaining_the_form_expired(specialist):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "spec", "password": "что угодно"})

    text = assert_readable_page(response, 403, "Форма устарела")
    assert "Обновите страницу" in text
    assert "CSRF" not in text


# --- 405 -----------------------------------------------------------------------------------------


def test_a_method_a_page_does_not_take_is_a_russian_405_page_with_allow(login, specialist):
    response = login(specialist).get(reverse("logout"))

    text = assert_readable_page(response, 405, "Действие недоступно")
    assert "метод GET" in text
    assert "POST" in response["Allow"]


def test_a_method_the_api_does_not_take_is_json_in_russian(login, specialist):
    response = login(specialist).delete("/api/v1/graduates/")

    assert_json_detail(response, 405, "не разрешен")


# --- 400 and 413 ---------------------------------------------------------------------------------


def test_a_bad_request_is_a_russian_400_page(client, db):
    response = client.get("/login/", HTTP_HOST="evil.example")

    assert_readable_page(response, 400, "Неверный запрос")


def test_a_form_body_over_the_limit_is_a_413_page_not_a_400(client, specialist, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048

    response = client.post(reverse("login"), {"username": "spec", "password": "x" * 5000})

    text = assert_readable_page(response, 413, "Слишком большой объём данных")
    assert "ничего не сохранено" in text


def test_a_json_body_over_the_limit_is_a_413_in_json(login, specialist, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048

    response = login(specialist).post(
        "/api/v1/graduates/", data='{"last_name": "' + "x" * 5000 + '"}', content_type="application/json"
    )

    assert_json_detail(response, 413, "больше допустимого")


def test_a_body_within_the_limit_is_not_refused(login, specialist, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048

    response = login(specialist).post("/api/v1/graduates/", data="{}", content_type="application/json")

    assert response.status_code == 400  # the serializer's own answer: fields missing


# --- 500: what the page says, the log line, the e-mail ---------------------------------------------


@pytest.fixture
def failing_client(client, db):
    client.raise_request_exception = False
    return client


def test_a_server_error_is_a_short_page_that_does_not_claim_anyone_was_told(failing_client, settings):
    settings.ADMINS = []

    response = failing_client.get("/test-boom/")

    text = assert_readable_page(response, 500, "Внутренняя ошибка сервера")
    assert "Мы уже знаем" not in text
    assert "отправлено администратору" not in text
    assert "сообщите администратору системы номер запроса" in text
    assert mail.outbox == []


def test_with_admins_configured_a_server_error_is_mailed_with_the_request_id(failing_client, settings):
    settings.ADMINS = [("Дежурный администратор", "admin@opora.example")]

    response = failing_client.get("/test-boom/")

    text = assert_readable_page(response, 500, "Внутренняя ошибка сервера")
    assert "Сообщение об ошибке отправлено администратору системы." in text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["admin@opora.example"]
    assert f"Номер запроса: {response['X-Request-ID']}" in message.body
    assert "RuntimeError" in message.body  # the administrator does get the traceback


def test_a_server_error_is_logged_with_the_request_id(failing_client):
    console = next(h for h in logging.getLogger("django").handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        response = failing_client.get("/test-boom/")
    finally:
        console.setStream(previous)

    log = stream.getvalue()
    assert f"ERROR django.request [{response['X-Request-ID']}] Internal Server Error: /test-boom/" in log
    assert "RuntimeError" in log


def test_an_api_server_error_is_json(failing_client):
    response = failing_client.get("/api/test-boom/")

    assert_json_detail(response, 500, "ошибка")
    assert "секретная" not in body(response)


# --- The database is unreachable ------------------------------------------------------------------

REFUSED = OperationalError(
    'connection to server at "db-7.internal.example" (10.9.8.7), port 5432 failed: Connection refused'
)


@pytest.mark.parametrize("url", ["/graduates/", "/login/"])
def test_when_the_database_is_down_a_page_says_so_in_russian_without_the_host(failing_client, specialist, url):
    failing_client.force_login(specialist)

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=REFUSED):
        response = failing_client.get(url)

    text = assert_readable_page(response, 503, "Система временно недоступна")
    assert "Повторите попытку через несколько минут" in text
    assert response["Retry-After"] == "60"
    for leak in ("db-7.internal.example", "10.9.8.7", "5432", "OperationalError", "Connection refused"):
        assert leak not in text


def test_when_the_database_is_down_the_api_answers_503_json(failing_client, specialist):
    failing_client.force_login(specialist)

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=REFUSED):
        response = failing_client.get("/api/v1/graduates/")

    assert_json_detail(response, 503, "База данных не отвечает")
    assert "db-7" not in body(response)


# --- The request id ---------------------------------------------------------------------------------


def test_every_answer_carries_a_request_id(client, db):
    first = client.get(reverse("login"))
    second = client.get(reverse("login"))

    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_sane_request_id_from_the_proxy_is_kept(client, db):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="nginx-5f2a9c01d3")

    assert response["X-Request-ID"] == "nginx-5f2a9c01d3"
    assert "nginx-5f2a9c01d3" in body(response)


@pytest.mark.parametrize("forged", ["x", "two words here", "<script>alert(1)</script>", "a" * 200, "id\nFAKE LOG LINE"])
def test_a_request_id_that_is_not_a_plain_token_is_replaced(client, db, forged):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID=forged)

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


# --- 429 ---------------------------------------------------------------------------------------


@pytest.fixture
def locked_out(client, specialist, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "spec", "password": "неверный"}, REMOTE_ADDR="203.0.113.9")
    return client


def test_a_login_lock_out_is_a_russian_429_page_with_the_request_id(locked_out):
    response = locked_out.post(reverse("login"), {"username": "spec", "password": "x"}, REMOTE_ADDR="203.0.113.9")

    text = body(response)
    assert response.status_code == 429
    assert "Слишком много неудачных попыток входа" in text
    assert f"Номер запроса: <code>{response['X-Request-ID']}</code>" in text
    assert int(response["Retry-After"]) > 0


def test_a_login_lock_out_answers_json_to_a_json_client(locked_out):
    response = locked_out.post(
        reverse("login"),
        {"username": "spec", "password": "x"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_ACCEPT="application/json",
    )

    assert_json_detail(response, 429, "временно заблокирован")


def test_the_api_refuses_a_session_request_without_csrf_in_russian(specialist):
    client = Client(enforce_csrf_checks=True)
    client.force_login(specialist)

    response = client.post("/api/v1/graduates/", data="{}", content_type="application/json")

    assert_json_detail(response, 403, "CSRF-токена")
