"""The API's shared parts: pagination, error handling and the scoped base viewset."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, models, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, viewsets
from rest_framework.views import exception_handler as drf_exception_handler

from opora.core.access import can
from opora.core.errors import DomainError
from opora.core.middleware import after_request, rollback_request
from opora.core.versioning import PreconditionFailed, RevisionedViewSetMixin
from opora.core.views import mark_denied


def exception_handler(exc, context):
    """Domain and model validation errors become 400 with field messages, never a 500."""
    if isinstance(exc, DomainError):
        detail = {exc.field: [exc.message]} if exc.field else {"non_field_errors": [exc.message]}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Запись не найдена."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(_("Недостаточно прав."))
    elif isinstance(exc, exceptions.Throttled):
        exc = exceptions.Throttled(
            exc.wait,
            detail=_("Слишком много запросов к API. Повторите через %(seconds)s с.")
            % {"seconds": int(exc.wait or 60) + 1},
        )
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        # SessionAuthentication's refusal comes in English («CSRF Failed: …»).
        exc = exceptions.PermissionDenied(
            _("Запрос с сеансом браузера отклонён: нет действительного CSRF-токена. Обновите страницу и повторите.")
        )
    response = drf_exception_handler(exc, context)
    if response is not None and "request" in context:
        # Answered, not raised: the write's transaction must still be undone.
        rollback_request(context["request"])
    return response


class HasScope(permissions.BasePermission):
    """The user's role may do the request's scope action at all (else 403)."""

    message = "Недостаточно прав для доступа к персональным данным."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and can(request.user, getattr(view, "scope_action", "view"))
        )


# HTTP method -> the access action a request needs unless its @action says otherwise.
METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "change",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


# Answers that send records to the client: a success, and a refused stale edit (412), whose detail
# shows the colleague's change, old and new values.
SHOWN_STATUSES = (*range(200, 300), 412)


class ScopedViewSet(RevisionedViewSetMixin, viewsets.GenericViewSet):
    """The base of every API viewset over personal data: scope per action, reads audited.

    ``initial()`` resolves the access action of the request (``@action(scope_action=…)`` for an
    extra action, else from the HTTP method) and restricts ``self.queryset`` to it, before any
    handler runs — so a DRF mixin listed before or after this class in the bases cannot skip it
    (NetBox's ``BaseViewSet.initial``). Every model instance handed to a serializer is written
    to the audit log as read once the response is a success, or a 412 whose detail shows the
    colleague's change (``finalize_response``), in one short transaction before the response
    leaves (a GET runs outside any transaction; a write runs in its request's,
    :class:`~opora.core.middleware.AtomicWritesMiddleware`). Over a
    :class:`~opora.core.versioning.Revisioned` model, answers carry ``ETag`` and PUT/PATCH
    need ``If-Match`` (:class:`~opora.core.versioning.RevisionedViewSetMixin`).
    """

    permission_classes = [permissions.IsAuthenticated, HasScope]
    scope_action: str | None = None  # set per extra action by @action(scope_action=...)
    # A viewset whose HTTP method needs another action than METHOD_ACTIONS says, e.g. {"DELETE": "change"}
    # where removing is a correction its author makes (the journal), not the coordinator's deletion.
    method_scope_actions: dict[str, str] = {}
    audit_reads = True

    def initial(self, request, *args, **kwargs):
        handled = request.method.lower() in self.http_method_names and hasattr(self, request.method.lower())
        # A method the viewset does not handle is answered 405 by dispatch, whoever asks.
        by_method = {**METHOD_ACTIONS, **self.method_scope_actions}
        self.scope_action = self.scope_action or (by_method.get(request.method, "change") if handled else "view")
        self._shown: list[models.Model] = []
        super().initial(request, *args, **kwargs)
        self.queryset = type(self).queryset.restrict(request.user, self.scope_action)

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            mark_denied(self.request, self.queryset.model, self.kwargs.get(self.lookup_url_kwarg or self.lookup_field))
            raise

    def check_if_match(self, obj):
        try:
            return super().check_if_match(obj)
        except PreconditionFailed:
            # The refusal names who changed what since (old and new values): that is a read of the record.
            self.show(obj)
            raise

    def get_serializer(self, *args, **kwargs):
        if args:
            self.show(args[0])
        return super().get_serializer(*args, **kwargs)

    def show(self, data) -> None:
        """Record that ``data`` (a record, or a list of records) is sent to the client."""
        if not hasattr(self, "_shown"):
            return
        if isinstance(data, models.Model):
            self._shown.append(data)
        elif isinstance(data, list | tuple):
            self._shown.append([item for item in data if isinstance(item, models.Model)])

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.audit_reads and response.status_code in SHOWN_STATUSES and getattr(self, "_shown", None):
            if connection.in_atomic_block and transaction.get_rollback():
                # A refusal (412) rolls the request's transaction back, as DRF does for every API
                # error; what it showed was still read: written once the transaction has ended.
                after_request(request, lambda: self._audit_reads(request))
            else:
                self._audit_reads(request)
        return response

    def _audit_reads(self, request) -> None:
        with transaction.atomic(savepoint=False):
            self._write_read_audit(request)

    def _write_read_audit(self, request) -> None:
        from opora.core.audit import record, record_list_read
        from opora.core.models import AuditEvent

        for shown in self._shown:
            if isinstance(shown, models.Model):
                record(AuditEvent.Action.API_READ, request=request, obj=shown)
            elif shown:
                record_list_read(request, type(shown[0]), [o.pk for o in shown], action=AuditEvent.Action.API_READ)
