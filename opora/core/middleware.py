"""Request-wide middleware: one transaction per write, sessions refreshed sparingly, refusals audited.

* :class:`AtomicWritesMiddleware` runs the view of a POST, PUT, PATCH or DELETE in one
  transaction (all or nothing, as ATOMIC_REQUESTS did) and leaves reads outside any: on
  SQLite a request-long transaction would hold the one write lock for the whole page, and
  every colleague's request would queue behind it. A read writes its audit rows in a short
  transaction of its own before the response leaves (``ScopedView``, ``ScopedViewSet``).
* :class:`SessionIdleRefreshMiddleware` keeps the idle timeout without rewriting the session
  on every request.
* :class:`AccessDeniedAuditMiddleware` records refused accesses after the view's transaction
  has been rolled back, and runs the audit writes handed over with :func:`after_request`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from opora.core.audit import record
from opora.core.models import AuditEvent

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
REFRESHED_KEY = "_opora_refreshed"


class AtomicWritesMiddleware:
    """The view of an unsafe request runs in ``transaction.atomic()``; an exception rolls it back.

    It must be the last middleware with a ``process_view`` (it calls the view itself, like
    Django's ATOMIC_REQUESTS wraps it; the test ``test_atomic_writes`` checks the order). A DRF
    error answered as a response, not raised, rolls back through :func:`rollback_request`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or "default" in getattr(view_func, "_non_atomic_requests", ()):
            return None
        with transaction.atomic():
            request._opora_atomic = True
            try:
                return view_func(request, *view_args, **view_kwargs)
            finally:
                request._opora_atomic = False


def rollback_request(request) -> None:
    """Roll back the request's transaction at its end (an error answered without an exception)."""
    django_request = getattr(request, "_request", request)
    if getattr(django_request, "_opora_atomic", False):
        transaction.set_rollback(True)


class SessionIdleRefreshMiddleware:
    """Push a signed-in session's expiry forward at most once every OPORA_SESSION_REFRESH_SECONDS.

    The session store sets the expiry (SESSION_COOKIE_AGE from now) whenever it saves; saving
    on every request (SESSION_SAVE_EVERY_REQUEST) rewrote it for each page and each htmx
    partial. Here a request marks the session modified only when its last save is older than
    the refresh interval, so a user idle for SESSION_COOKIE_AGE is signed out, give or take
    that interval. Goes after AuthenticationMiddleware (it asks who is signed in).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        # After a logout the user is anonymous and the flushed session must stay empty.
        if session is None or user is None or not user.is_authenticated:
            return response
        now = int(timezone.now().timestamp())
        last = session.get(REFRESHED_KEY)
        if session.modified or not isinstance(last, int) or now - last >= settings.OPORA_SESSION_REFRESH_SECONDS:
            session[REFRESHED_KEY] = now
        return response


def after_request(request, write) -> None:
    """Run ``write()`` (an audit write) in a transaction of its own once the request's has ended."""
    django_request = getattr(request, "_request", request)
    if not hasattr(django_request, "_opora_after_request"):
        django_request._opora_after_request = []
    django_request._opora_after_request.append(write)


class AccessDeniedAuditMiddleware:
    """A refused access rolled the view's transaction back (the view raised Http404 or
    PermissionDenied), so the event is written here, outside it, in its own transaction.
    Views mark a scope miss with :func:`opora.core.views.mark_denied`; other audit writes that
    must outlive a rolled-back request (a read shown on a refused stale edit) are handed over
    with :func:`after_request`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        denied = getattr(request, "_opora_denied", None)
        user = getattr(request, "user", None)
        if denied is not None or (response.status_code == 403 and user is not None and user.is_authenticated):
            model, pk = denied if denied is not None else (None, "")
            record(
                AuditEvent.Action.ACCESS_DENIED,
                request=request,
                object_repr=f"{model._meta.verbose_name} #{pk}" if model is not None else "",
                changes={"status": response.status_code},
            )
        for write in getattr(request, "_opora_after_request", ()):
            with transaction.atomic():
                write()
        return response
