"""HTTP plumbing every response goes through: a request id, error pages, caching and CSP headers.

* :class:`RequestIdMiddleware` gives each request an id (``request.id``), puts it into every log
  record of the request (:class:`RequestIdFilter`) and answers it in ``X-Request-ID``; the error
  pages show it, so a user can quote it and an administrator can find the log lines.
* :class:`HttpPolicyMiddleware` refuses an oversized body with 413 before anything reads it, sends ``Cache-Control: no-store`` on every response that did
  not choose its own caching (pages and API answers hold personal data; static files are answered
  by WhiteNoise before this middleware and keep their long cache), the Content-Security-Policy,
  and turns a bare error answer (Django's empty 405, for instance) into a page a user can read.

This module is imported by the logging configuration, before the apps are ready: no models here.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.conf import settings

# The id of the request being answered in this thread (or task), for log records made without
# the request at hand (a service's logger, a library's warning).
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("opora_request_id", default="-")

# An id a proxy (nginx `$request_id`) or a client sends is kept when it is a plain token;
# anything else (too long, spaces, control characters) would be a way to forge log lines.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")

# No inline script or style anywhere: the templates keep JS in static/js and CSS in static/css
# (opora/core/tests/test_no_inline_code.py keeps it so).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


def request_id_for(request) -> str:
    return getattr(request, "id", None) or current_request_id.get()


class RequestIdMiddleware:
    """``request.id``: the ``X-Request-ID`` the request came with if it is a sane token, else a new uuid4."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request) for the formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "id", None) or current_request_id.get()
        return True


class MailThrottleFilter(logging.Filter):
    """Mails one error of a kind per interval: a database that is down fails every request, and the
    administrators must get one letter about it, not one per request.

    The kind is the exception's class and the log message's text without the request's path
    («Internal Server Error: /graduates/5/» and «…/7/» are one kind). The next letter of a kind
    says how many were held back. The memory is per process: a server of N processes sends at
    most N letters of a kind per interval. Everything is still written to the console log.
    """

    # When each kind was last mailed and how many were held back since (shared by the instances).
    _last: dict[tuple[str, str], float] = {}
    _held: dict[tuple[str, str], int] = {}

    def __init__(self, interval: float | None = None):
        super().__init__()
        self.interval = interval

    @classmethod
    def forget(cls) -> None:
        """Forget what was mailed (the tests start every test with a clean memory)."""
        cls._last.clear()
        cls._held.clear()

    def _kind(self, record: logging.LogRecord) -> tuple[str, str]:
        exc = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        return exc, str(record.msg).split(":", 1)[0][:200]

    def filter(self, record: logging.LogRecord) -> bool:
        interval = self.interval if self.interval is not None else getattr(settings, "ERROR_MAIL_INTERVAL", 600)
        kind = self._kind(record)
        now = time.monotonic()
        last = self._last.get(kind)
        if last is not None and now - last < interval:
            self._held[kind] = self._held.get(kind, 0) + 1
            return False
        self._last[kind] = now
        held = self._held.pop(kind, 0)
        if held:
            record.msg = f"{record.msg}\n(ещё {held} таких же ошибок за {int(interval // 60)} мин. не отправлены)"
        return True


class HttpPolicyMiddleware:
    """413 for an oversized body, a readable page for an empty error answer, no-store caching, the CSP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._refuse_oversized(request) or self.get_response(request)
        if _is_bare_error(response):
            response = _readable(request, response)
        if not response.has_header("Cache-Control"):
            # A shared computer in a service office: the back button after logging out, or the
            # next user, must not find a graduate's card in the browser's cache.
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        # With DEBUG on (make dev), Django's own debug pages for an error are all inline style and
        # script: they go without the policy. Everything else, and everything in production, has it.
        debug_page = settings.DEBUG and response.status_code >= 400
        if not response.has_header("Content-Security-Policy") and not debug_page:
            response["Content-Security-Policy"] = _policy_for(response)
        return response

    @staticmethod
    def _refuse_oversized(request):
        """Django refuses a form body over DATA_UPLOAD_MAX_MEMORY_SIZE only when it reads ``request.body``;
        the API's parsers read the stream and would take any size. Files (multipart) are limited
        by their forms; every other body is held to the same limit here, as a 413."""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None or request.content_type == "multipart/form-data":
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= limit:
            return None
        from opora.core.errors import error_response

        return error_response(request, 413)


def _policy_for(response) -> str:
    """The policy; DRF's browsable API (its own templates) has inline styles, and only those are let in."""
    renderer = getattr(response, "accepted_renderer", None)
    if renderer is not None and getattr(renderer, "format", "") == "api":
        return CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return CONTENT_SECURITY_POLICY


def _is_bare_error(response) -> bool:
    """An error answer with nothing to read: ``HttpResponseNotAllowed()`` and its kind."""
    if response.status_code < 400 or getattr(response, "streaming", False):
        return False
    return not response.content


def _readable(request, response):
    """The same answer (status, Allow, cookies, every header) with the error page as its body."""
    from opora.core.errors import error_response

    readable = error_response(request, response.status_code)
    response.content = readable.content
    response["Content-Type"] = readable["Content-Type"]
    return response


def wants_json(request) -> bool:
    """Whether an error is answered as ``{"detail": …}``: the API's paths, or a client asking for JSON."""
    path = request.path_info
    if path.startswith("/api/") and not path.startswith("/api/docs/"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept
