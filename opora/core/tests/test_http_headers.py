"""What every answer tells the browser: not to keep personal data in its cache, the Content-Security-Policy,
and that X-Forwarded-Proto counts only behind a proxy the settings trust."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from opora.core.http import CONTENT_SECURITY_POLICY

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "opora" / "settings.py"


def test_a_card_is_not_kept_in_the_browsers_cache(login, specialist, graduate):
    response = login(specialist).get(reverse("registry:detail", args=[graduate.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


@pytest.mark.parametrize("url", ["/graduates/", "/api/v1/graduates/", "/audit/"])
def test_lists_and_api_answers_are_not_cached(login, coordinator, graduate, url):
    response = login(coordinator).get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_an_error_page_is_not_cached_either(client, db):
    assert "no-store" in client.get("/no-such-page/")["Cache-Control"]


def test_a_view_that_chose_its_caching_keeps_it(client, db):
    # Django's login view is never_cache'd: its own header stays as it is.
    response = client.get(reverse("login"))

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_static_files_keep_their_long_cache(client):
    response = client.get("/static/opora/opora.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_every_page_sends_the_content_security_policy(login, specialist):
    page = login(specialist).get(reverse("registry:list"))
    login_page = login(specialist).get("/no-such-page/")

    assert page["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert login_page["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_the_policy_allows_no_inline_code_and_no_framing():
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))

    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_the_api_docs_load_their_script_from_a_file(login, specialist):
    client = login(specialist)
    page = client.get(reverse("api-docs"))
    text = page.content.decode()

    assert page.status_code == 200
    assert "<script>" not in text and "<style>" not in text
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


# --- X-Forwarded-Proto ---------------------------------------------------------------------------


def test_a_forwarded_proto_is_ignored_unless_a_proxy_is_trusted(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None

    response = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_behind_a_trusted_proxy_the_forwarded_proto_counts(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    assert client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https").status_code == 200


def load_settings(monkeypatch, tmp_path, **env) -> dict:
    """The settings module as it would be read in an environment with ``env``."""
    for name in ("OPORA_TRUST_X_FORWARDED_PROTO", "OPORA_ADMINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPORA_VAR_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_production_settings_do_not_trust_the_forwarded_proto_by_default(monkeypatch, tmp_path):
    values = load_settings(monkeypatch, tmp_path, OPORA_DEBUG="0", SECRET_KEY="k" * 50)

    assert "SECURE_PROXY_SSL_HEADER" not in values


def test_the_forwarded_proto_is_trusted_when_configured(monkeypatch, tmp_path):
    values = load_settings(
        monkeypatch, tmp_path, OPORA_DEBUG="0", SECRET_KEY="k" * 50, OPORA_TRUST_X_FORWARDED_PROTO="1"
    )

    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_admins_are_read_from_the_environment(monkeypatch, tmp_path):
    values = load_settings(monkeypatch, tmp_path, OPORA_ADMINS="Иван Петров <ivan@opora.example>, ops@opora.example")

    assert values["ADMINS"] == [("Иван Петров", "ivan@opora.example"), ("", "ops@opora.example")]


def test_no_admins_by_default(monkeypatch, tmp_path):
    assert load_settings(monkeypatch, tmp_path)["ADMINS"] == []


def test_a_bad_admin_address_stops_the_start(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="OPORA_ADMINS"):
        load_settings(monkeypatch, tmp_path, OPORA_ADMINS="Иван Петров")


def test_with_debug_on_djangos_debug_pages_go_without_the_policy(client, db, settings):
    settings.DEBUG = True

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Content-Security-Policy" not in response
    assert client.get(reverse("login"))["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_the_browsable_api_may_use_inline_styles_but_no_inline_script(login, specialist, graduate):
    response = login(specialist).get("/api/v1/graduates/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy
    assert login(specialist).get("/api/v1/graduates/")["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
