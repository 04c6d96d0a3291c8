"""The API's shared parts: pagination, error handling and the scoped viewset."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, permissions
from rest_framework.views import exception_handler as drf_exception_handler

from opora.core.access import can
from opora.core.errors import DomainError
from opora.core.views import get_in_scope_or_404


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


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
    return drf_exception_handler(exc, context)


class HasScope(permissions.BasePermission):
    """The user's role reaches personal data for the view's scope action."""

    message = "Недостаточно прав для доступа к персональным данным."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and can(request.user, getattr(view, "scope_action", "view"))
        )


class ScopedViewSetMixin:
    """A viewset whose every row comes from the access scope; reads are audited.

    Subclasses set ``queryset`` (with its joins) and may override ``audit_reads``.
    """

    scope_action = "view"
    permission_classes = [permissions.IsAuthenticated, HasScope]
    audit_reads = True

    def get_queryset(self):
        action = "change" if self.request.method not in permissions.SAFE_METHODS else self.scope_action
        return super().get_queryset().restrict(self.request.user, action)

    def get_object(self):
        action = "change" if self.request.method not in permissions.SAFE_METHODS else self.scope_action
        base = self.filter_queryset(super().get_queryset())
        obj = get_in_scope_or_404(
            self.request, base, action, pk=self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        )
        self.check_object_permissions(self.request, obj)
        return obj

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if self.audit_reads:
            from opora.core.audit import record_list_read

            rows = response.data.get("results", response.data) if isinstance(response.data, dict) else response.data
            record_list_read(request, self.queryset.model, [row["id"] for row in rows], action="api_read")
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        if self.audit_reads:
            from opora.core.audit import record

            record("api_read", request=request, obj=self._audited_object)
        return response

    def get_serializer(self, *args, **kwargs):
        if args and not isinstance(args[0], list | tuple) and hasattr(args[0], "_meta"):
            self._audited_object = args[0]
        return super().get_serializer(*args, **kwargs)
