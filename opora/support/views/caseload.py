"""The caseload pages: «Мои выпускники» and the coordinator's view of the whole service.

A specialist sees their own open cases; a coordinator the service's, grouped by
specialist, and may give cases to another specialist; the regional centre picks a
service of the region. Every row comes from ``SupportCase.objects.restrict(user)``;
the facts and the order are computed by the database (opora.support.caseload).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.core.access import can, reach
from opora.core.errors import DomainError
from opora.core.forms import BootstrapFormMixin
from opora.core.roles import Role
from opora.core.views import ScopedView
from opora.org.models import Service, User
from opora.registry.models import Graduate
from opora.support import services
from opora.support.caseload import DUE_SOON_DAYS, caseload, panels_for, summary
from opora.support.models import SupportCase

PAGE_SIZE = 50
UNASSIGNED = "none"
ASSIGNABLE_ROLES = (Role.SPECIALIST, Role.COORDINATOR)


def can_reassign(user) -> bool:
    """Giving cases to another specialist: the coordinator, and the regional centre (opora.core.access)."""
    return can(user, "assign")


def service_staff(service: Service) -> list[User]:
    """The service's specialists (and its coordinator), with how many open cases each holds now."""
    return list(
        User.objects.filter(service=service, role__in=ASSIGNABLE_ROLES, is_active=True)
        .annotate(open_cases=Count("support_cases", filter=Q(support_cases__status__in=SupportCase.OPEN_STATUSES)))
        .order_by("last_name", "first_name", "id")
    )


class ServiceChoiceForm(BootstrapFormMixin, forms.Form):
    """The regional centre's choice of a service of its region."""

    service = forms.ModelChoiceField(
        label=gettext_lazy("Служба"), queryset=Service.objects.none(), empty_label=gettext_lazy("Выберите службу…")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.visible_to(user).order_by("name")


class SpecialistFilterForm(BootstrapFormMixin, forms.Form):
    """The coordinator's choice of one specialist's cases (or the unassigned ones)."""

    specialist = forms.ChoiceField(label=gettext_lazy("Специалист"), required=False)

    def __init__(self, *args, staff: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].choices = [("", _("Все специалисты")), (UNASSIGNED, _("Без специалиста"))] + [
            (str(u.pk), u.short_name or u.username) for u in staff
        ]


class ReassignForm(BootstrapFormMixin, forms.Form):
    """Give the chosen cases to another specialist of the same service, with the reason."""

    cases = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Выпускники"),
        queryset=SupportCase.objects.none(),
        error_messages={"required": gettext_lazy("Отметьте выпускников, которых нужно передать.")},
    )
    to_specialist = forms.ChoiceField(label=gettext_lazy("Передать специалисту"))
    reason = forms.CharField(
        label=gettext_lazy("Причина"),
        max_length=300,
        error_messages={"required": gettext_lazy("Укажите причину передачи.")},
    )

    def __init__(self, *args, user, service: Service, staff: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {str(u.pk): u for u in staff}
        self.fields["cases"].queryset = (
            SupportCase.objects.restrict(user, "assign")
            .open()
            .filter(graduate__service=service)
            .select_related("graduate", "specialist")
        )
        self.fields["to_specialist"].choices = [("", _("Выберите специалиста…"))] + [
            (
                pk,
                _("%(name)s — открытых сопровождений: %(n)s") % {"name": u.short_name or u.username, "n": u.open_cases},
            )
            for pk, u in self.staff.items()
        ]
        self.fields["reason"].widget.attrs["placeholder"] = _("Например, перераспределение нагрузки")

    def clean_to_specialist(self) -> User:
        return self.staff[self.cleaned_data["to_specialist"]]


class CaseloadView(ScopedView):
    """«Мои выпускники»: open cases, those who need attention first."""

    model = SupportCase

    def mode(self) -> str:
        if reach(self.request.user) == "region":
            return "regional"
        if self.request.user.role == Role.COORDINATOR:
            return "service"
        return "own"

    def get(self, request):
        return self.render_page(request, request.GET)

    def render_page(self, request, params: QueryDict, reassign_form: ReassignForm | None = None, status: int = 200):
        user, mode, today = request.user, self.mode(), timezone.localdate()
        cases = SupportCase.objects.restrict(user)
        context: dict = {"mode": mode, "today": today, "due_soon_days": DUE_SOON_DAYS}
        service = None
        if mode == "own":
            cases = cases.filter(specialist=user)
        elif mode == "service":
            service = user.service
        else:
            choice = ServiceChoiceForm(params if params.get("service") else None, user=user)
            context["service_form"] = choice
            if not choice.is_valid():
                # No service chosen yet: the region's services with their counts, to choose from.
                context["services"] = summary(
                    cases,
                    today,
                    "graduate__service",
                    names=("graduate__service__name", "graduate__service__short_name"),
                )
                return render(request, self.template(request), context, status=status)
            service = choice.cleaned_data["service"]
        if service is not None:
            # Narrowing to the chosen service within the scope, not an access check.
            cases = cases.filter(graduate__service=service)
            staff = service_staff(service)
            names = {u.pk: u.short_name or u.username for u in staff}
            context["summary"] = [
                {**row, "name": names.get(row["specialist"]) or row["specialist__last_name"]}
                for row in summary(
                    cases, today, "specialist", names=("specialist__last_name", "specialist__first_name")
                )
            ]
            filter_form = SpecialistFilterForm(params, staff=staff)
            chosen = filter_form.cleaned_data["specialist"] if filter_form.is_valid() else ""
            if chosen == UNASSIGNED:
                cases = cases.filter(specialist__isnull=True)
            elif chosen:
                cases = cases.filter(specialist_id=chosen)
            context.update(service=service, filter_form=filter_form, chosen_specialist=chosen)
            if can_reassign(user):
                context["reassign_form"] = reassign_form or ReassignForm(user=user, service=service, staff=staff)
        # What other apps show about the same cases above the list (opora.support.caseload panels).
        context["panels"] = panels_for(self, cases, today)
        rows = caseload(cases, today, by_specialist=service is not None)
        page = Paginator(rows, PAGE_SIZE).get_page(params.get("page"))
        context.update(page=page, rows=list(page.object_list))
        self.shown(Graduate, [row.graduate_id for row in context["rows"]])
        query = params.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        return render(request, self.template(request), context, status=status)

    @staticmethod
    def template(request) -> str:
        if request.headers.get("HX-Request") and request.method == "GET":
            return "support/caseload_results.html"
        return "support/caseload.html"


class ReassignView(CaseloadView):
    """The coordinator gives one or many cases to another specialist, with a reason (kept in Reassignment)."""

    scope_actions = {"post": "assign"}
    http_method_names = ["post"]

    def post(self, request):
        user = request.user
        service = user.service
        if self.mode() == "regional":
            choice = ServiceChoiceForm(request.POST, user=user)
            if not choice.is_valid():
                return self.render_page(request, self.back_query(request), status=400)
            service = choice.cleaned_data["service"]
        form = ReassignForm(request.POST, user=user, service=service, staff=service_staff(service))
        if form.is_valid():
            try:
                count = services.reassign(
                    form.cleaned_data["cases"],
                    actor=user,
                    to_specialist=form.cleaned_data["to_specialist"],
                    reason=form.cleaned_data["reason"].strip(),
                    request=request,
                )
            except DomainError as err:
                form.add_error(err.field if err.field in form.fields else None, err.message)
            else:
                target = form.cleaned_data["to_specialist"]
                messages.success(
                    request,
                    _("Передано специалисту %(name)s: %(n)s.")
                    % {"name": target.short_name or target.username, "n": count},
                )
                query = self.back_query(request).urlencode()
                return redirect(reverse("support:caseload") + (f"?{query}" if query else ""))
        return self.render_page(request, self.back_query(request), reassign_form=form, status=400)

    @staticmethod
    def back_query(request) -> QueryDict:
        """The list's filters, carried through the form: only their values, never a URL."""
        query = QueryDict(mutable=True)
        for name, key in (("service", "service"), ("specialist", "back_specialist")):
            if request.POST.get(key):
                query[name] = request.POST[key]
        return query


urlpatterns = [
    path("caseload/", CaseloadView.as_view(), name="caseload"),
    path("caseload/reassign/", ReassignView.as_view(), name="caseload_reassign"),
]
