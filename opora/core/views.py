"""Base views: every page that shows personal data fetches it through the access scope."""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from opora.core.access import Action, can
from opora.core.forms import BootstrapFormMixin, DateInput
from opora.core.models import AuditEvent


def mark_denied(request, model: type[models.Model], pk) -> None:
    """Remember that this request asked for a record outside the user's scope (audited later)."""
    django_request = getattr(request, "_request", request)
    django_request._opora_denied = (model, pk)


def get_in_scope_or_404(request, queryset: models.QuerySet, action: Action = "view", **lookup):
    """The record matching ``lookup`` within the user's scope, or 404.

    A record that exists outside the scope answers exactly like one that does not
    exist. Every miss is written to the audit log the same way, whether or not the
    record exists, so that the log itself does not tell which ids exist.
    """
    try:
        return queryset.restrict(request.user, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        # A malformed id is a 404 too, never a 500.
        mark_denied(request, queryset.model, lookup.get("pk", ""))
        raise Http404 from None


class ScopedMixin(LoginRequiredMixin):
    """A view over a scoped model: lists and objects come only from the user's scope.

    A user whose role reaches no personal data for ``scope_action`` is refused (403).
    """

    scope_action: Action = "view"
    model: type[models.Model]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, self.scope_action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, self.scope_action)

    def get_object(self, queryset=None):
        base = queryset if queryset is not None else self.get_queryset_unrestricted()
        return get_in_scope_or_404(self.request, base, self.scope_action, pk=self.kwargs["pk"])

    def get_queryset_unrestricted(self):
        """The queryset (with its joins) before the scope; get_in_scope_or_404 applies it."""
        return self.model.objects.all()


class HomeView(LoginRequiredMixin, View):
    """The start page: the registry for those who work with graduates, a short note for the rest."""

    def get(self, request):
        if can(request.user, "view"):
            return redirect("registry:list")
        if request.user.is_administrator:
            return redirect("admin:index")
        return render(request, "core/home.html")


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    action = forms.ChoiceField(
        label=_("Действие"), required=False, choices=[("", _("Все"))] + AuditEvent.Action.choices
    )
    user = forms.CharField(label=_("Пользователь"), required=False)
    date_from = forms.DateField(label=_("С"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("По"), required=False, widget=DateInput())
    record = forms.IntegerField(label=_("Номер записи"), required=False, min_value=1)


class AuditLogView(ScopedMixin, View):
    """The audit log: reads, changes, logins and refusals, for the coordinator and the regional centre."""

    model = AuditEvent
    scope_action = "audit"

    def get(self, request):
        events = self.get_queryset().select_related("actor", "service", "content_type")
        form = AuditFilterForm(request.GET or None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            if data["action"]:
                events = events.filter(action=data["action"])
            if data["user"]:
                events = events.filter(username__icontains=data["user"].strip())
            if data["date_from"]:
                events = events.filter(at__date__gte=data["date_from"])
            if data["date_to"]:
                events = events.filter(at__date__lte=data["date_to"])
            if data["record"]:
                events = events.filter(object_id=str(data["record"]))
        page = Paginator(events.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(request, "core/audit_list.html", {"form": form, "page": page, "query": query.urlencode()})
