"""The quarter's rhythm on screen: the coordinator's quarter view and the lists behind its figures.

* ``/assessment/quarter/?year=&quarter=`` — per specialist and in total: on support, assessed this
  quarter, due, overdue, open tasks, due for the consilium, turning 18; each figure links to its list.
  A specialist sees their own row, a coordinator the service's, the regional centre the region's
  services (and one service's specialists with ``service=``).
* ``/assessment/due/?kind=due|overdue|consilium|tasks|turning18&specialist=…`` — the list, paginated.

Every row comes from ``SupportCase.objects.restrict(user)``; the figures are one grouped query
(opora.assessment.rhythm). A filter that makes no sense (an unknown kind, a quarter not begun, a
specialist of another service) is a 400 with the reason.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.assessment import rhythm
from opora.core.access import reach
from opora.core.errors import DomainError
from opora.core.forms import BootstrapFormMixin
from opora.core.roles import Role
from opora.core.validators import EARLIEST
from opora.core.views import ScopedView
from opora.org.models import Service
from opora.registry.models import Graduate
from opora.support.models import SupportCase
from opora.support.views.caseload import UNASSIGNED, service_staff

PAGE_SIZE = 50


def mode_of(user) -> str:
    """ "own" (a specialist's own cases), "service" (the coordinator's service) or "regional"."""
    if reach(user) == "region":
        return "regional"
    return "service" if user.role == Role.COORDINATOR else "own"


class QuarterForm(BootstrapFormMixin, forms.Form):
    """The quarter (the current one when not given) and, for the regional centre, a service."""

    year = forms.IntegerField(label=gettext_lazy("Год"), required=False)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Квартал"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(str(n), str(n)) for n in range(1, 5)],
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Служба"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=gettext_lazy("Все службы региона"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.fields["year"].validators.append(_year_validator(EARLIEST.year, self.today.year))
        if not self.data.get("year") and not self.data.get("quarter"):
            # The form shows the quarter the page is about (the current one), not empty fields.
            current = rhythm.Quarter.of(self.today)
            self.data = self.data.copy()
            self.data.update({"year": str(current.year), "quarter": str(current.quarter)})
        if mode_of(user) == "regional":
            self.fields["service"].queryset = Service.objects.visible_to(user).order_by("name")
        else:
            del self.fields["service"]

    def clean(self):
        cleaned = super().clean()
        year, quarter = cleaned.get("year"), cleaned.get("quarter")
        if self.errors:
            return cleaned
        try:
            cleaned["period"] = rhythm.period_for(year, quarter, self.today)
        except DomainError as error:
            self.add_error(error.field, error.message)
        return cleaned


def _year_validator(low: int, high: int):
    def validate(value):
        if value is not None and not low <= value <= high:
            raise ValidationError(_("Год — от %(low)s до %(high)s.") % {"low": low, "high": high})

    return validate


class DueFilterForm(QuarterForm):
    kind = forms.ChoiceField(label=gettext_lazy("Список"), choices=list(rhythm.KIND_LABELS.items()))
    specialist = forms.ChoiceField(label=gettext_lazy("Специалист"), required=False)

    def __init__(self, *args, user, staff=(), **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["specialist"].choices = [("", _("Все специалисты")), (UNASSIGNED, _("Без специалиста"))] + [
            (str(u.pk), u.short_name or u.username) for u in staff
        ]


class RhythmView(ScopedView):
    """What the quarter view and the lists share: the cases the user may see, narrowed to the mode."""

    model = SupportCase
    form_class = QuarterForm

    def scoped_cases(self, form) -> tuple:
        """(cases, the service shown or None, its staff) for a valid ``form``."""
        user = self.request.user
        cases = SupportCase.objects.restrict(user)
        mode = mode_of(user)
        if mode == "own":
            return cases.filter(specialist=user), user.service, [user]
        service = user.service if mode == "service" else form.cleaned_data.get("service")
        if service is None:
            return cases, None, []
        # Narrowing to the chosen service within the scope, not an access check.
        return cases.filter(graduate__service=service), service, service_staff(service)

    def service_for_staff(self):
        """The service whose specialists the filter offers (before the form is validated)."""
        user = self.request.user
        mode = mode_of(user)
        if mode == "service":
            return user.service
        if mode == "regional":
            pk = self.request.GET.get("service", "")
            if pk.isdigit() and len(pk) < 12:
                return Service.objects.visible_to(user).filter(pk=int(pk)).first()
        return None


class QuarterView(RhythmView):
    """The quarter view of the service: the rhythm's figures per specialist and in total."""

    def get(self, request):
        form = QuarterForm(request.GET, user=request.user)
        context = {"form": form, "mode": mode_of(request.user), "kinds": rhythm.KINDS}
        if not form.is_valid():
            return render(request, "assessment/rhythm_quarter.html", context, status=400)
        q = form.cleaned_data["period"]
        cases, service, staff = self.scoped_cases(form)
        context.update(period=q, service=service, today=timezone.localdate())
        base = _query(q, service if context["mode"] == "regional" else None)
        if context["mode"] == "regional" and service is None:
            grouped = rhythm.counts_by(
                cases, q, "graduate__service", "graduate__service__short_name", "graduate__service__name"
            )
            rows = []
            for r in grouped:
                query = f"{_query(q, None)}&service={r['graduate__service']}"
                rows.append(
                    {
                        **r,
                        "name": r["graduate__service__short_name"] or r["graduate__service__name"],
                        "query": query,
                        "cells": _cells(r, query),
                    }
                )
            context["group"] = "service"
        else:
            names = {u.pk: u.short_name or u.username for u in staff}
            grouped = rhythm.counts_by(cases, q, "specialist", "specialist__last_name", "specialist__first_name")
            rows = [
                {
                    **r,
                    "name": names.get(r["specialist"]) or r["specialist__last_name"] or "",
                    "cells": _cells(r, f"{base}&specialist={r['specialist'] or UNASSIGNED}"),
                }
                for r in grouped
            ]
            context["group"] = "specialist"
        total = {k: sum(r[k] for r in rows) for k in ("on_support", "assessed_count", *rhythm.KINDS)}
        total["cells"] = _cells(total, base)
        context.update(rows=rows, total=total)
        return render(request, "assessment/rhythm_quarter.html", context)


def _cells(figures: dict, query: str) -> list[tuple[str, int, str]]:
    """(kind, figure, the query of its list) for every rhythm list, in the table's order."""
    return [(kind, figures[kind], f"{query}&kind={kind}") for kind in rhythm.KINDS]


def _query(q, service) -> str:
    parts = [f"year={q.year}", f"quarter={q.quarter}"]
    if service is not None:
        parts.append(f"service={service.pk}")
    return "&".join(parts)


class DueListView(RhythmView):
    """One rhythm list (who is due, overdue, due for the consilium, with an open task, turning 18)."""

    def get(self, request):
        service = self.service_for_staff()
        staff = service_staff(service) if service is not None else []
        form = DueFilterForm(request.GET, user=request.user, staff=staff)
        context = {"form": form, "mode": mode_of(request.user), "kind_labels": rhythm.KIND_LABELS}
        if not form.is_valid():
            return render(request, "assessment/rhythm_due.html", context, status=400)
        q, kind = form.cleaned_data["period"], form.cleaned_data["kind"]
        cases, service, _staff = self.scoped_cases(form)
        chosen = form.cleaned_data.get("specialist", "")
        if chosen == UNASSIGNED:
            cases = cases.filter(specialist__isnull=True)
        elif chosen:
            cases = cases.filter(specialist_id=chosen)
        rows = rhythm.rhythm_list(cases.select_related("graduate", "specialist"), q, kind).order_by(
            "graduate__last_name", "graduate__first_name", "graduate__patronymic", "pk"
        )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        # The page names graduates: one list read of them in the audit log.
        self.shown(Graduate, [row.graduate_id for row in page.object_list])
        for row in page.object_list:
            row.reason = rhythm.overdue_reason(row, q) if kind == "overdue" else ""
        query = request.GET.copy()
        query.pop("page", None)
        others = query.copy()
        others.pop("kind", None)
        context["kind_query"] = others.urlencode() + "&" if others else ""
        context.update(
            period=q,
            kind=kind,
            title=rhythm.KIND_LABELS[kind],
            service=service,
            page=page,
            rows=page.object_list,
            query=query.urlencode(),
            today=timezone.localdate(),
        )
        return render(request, "assessment/rhythm_due.html", context)


urlpatterns = [
    path("assessment/quarter/", QuarterView.as_view(), name="quarter"),
    path("assessment/due/", DueListView.as_view(), name="due"),
]
