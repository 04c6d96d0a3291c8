"""Refused accesses are recorded after the request's transaction has ended.

A refused access rolls the request's transaction back (the view raised Http404 or
PermissionDenied), so the event is written here, outside it, in its own transaction.
Views mark a scope miss with :func:`opora.core.views.mark_denied`; other audit writes that
must outlive a rolled-back request (a read shown on a refused stale edit) are handed over
with :func:`after_request`.
"""

from django.db import transaction

from opora.core.audit import record
from opora.core.models import AuditEvent


def after_request(request, write) -> None:
    """Run ``write()`` (an audit write) in a transaction of its own once the request's has ended."""
    django_request = getattr(request, "_request", request)
    if not hasattr(django_request, "_opora_after_request"):
        django_request._opora_after_request = []
    django_request._opora_after_request.append(write)


class AccessDeniedAuditMiddleware:
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
