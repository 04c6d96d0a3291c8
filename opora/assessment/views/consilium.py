"""The consilium pages (issue 8, point 7).

* «Консилиумы» — the service's consilia (the regional centre: its region's), paginated, filtered
  by kind, status and year; the coordinator prepares a new one from there.
* «Подготовить консилиум» — kind, date, participants from the service's staff, attracted specialists.
* The consilium's page — the one page to hold it: the graduates with, per row, the assessment
  considered, the level in force, the suggested level, the decision (level, override reason,
  plan, route, recommendations); «Сохранить» and «Провести консилиум». Once held it is the record.
* «Кого обсудить» — the preparation list the database builds (due, provisional, changed most,
  suggestion differs), with filters and «Добавить всех, кому пора».
* The card tab «Консилиумы» — the decisions concerning one graduate.

Seeing is «view» (staff of the service, the regional centre); preparing and holding is the
coordinator's: «assign» in the scope and the coordinator's role (the regional centre may see,
not hold: «may see» never implies «may change»).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from opora.assessment import consilium as consilia
from opora.assessment.consilium_forms import (
    CandidateFilterForm,
    ConsiliumFilterForm,
    ConsiliumForm,
    DecisionForm,
    RecommendationForm,
)
from opora.assessment.models import (
    AssessmentDomain,
    Consilium,
    ConsiliumDecision,
    ConsiliumRecommendation,
)
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.core.versioning import StaleEdit
from opora.core.views import ScopedView
from opora.org.models import User
from opora.registry.models import Graduate
from opora.registry.views import CardView
from opora.support.models import SupportCase, SupportLevel

PAGE_SIZE = 25
EXTRA_RECOMMENDATIONS = 2
HOLD_ACTIONS = {"get": "assign", "post": "assign"}


def _require_holder(request, service_id) -> None:
    if not consilia.may_hold(request.user, service_id):
        raise PermissionDenied


def _staff(service_id):
    return User.objects.filter(service_id=service_id, is_active=True).order_by("last_name", "first_name", "pk")


class ConsiliumListView(ScopedView):
    model = Consilium

    def get(self, request):
        form = ConsiliumFilterForm(request.GET or None)
        rows = self.get_queryset().select_related("service", "chair").annotate(graduates=Count("decisions"))
        status = 200
        if form.is_bound and not form.is_valid():
            rows, status = rows.none(), 400
        elif form.is_bound:
            data = form.cleaned_data
            if data["kind"]:
                rows = rows.filter(kind=data["kind"])
            if data["status"]:
                rows = rows.filter(status=data["status"])
            if data["year"]:
                rows = rows.filter(year=data["year"])
        page = self.paginate(rows.order_by("-held_on", "-id"), PAGE_SIZE)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may_prepare": consilia.may_hold(request.user, request.user.service_id),
        }
        return render(request, "assessment/consilium_list.html", context, status=status)


class ConsiliumPrepareView(ScopedView):
    model = Consilium
    scope_actions = HOLD_ACTIONS

    def page(self, form, status=200):
        return render(self.request, "assessment/consilium_prepare.html", {"form": form}, status=status)

    def get(self, request):
        _require_holder(request, request.user.service_id)
        form = ConsiliumForm(staff=_staff(request.user.service_id), initial={"participants": [request.user.pk]})
        return self.page(form)

    def post(self, request):
        _require_holder(request, request.user.service_id)
        form = ConsiliumForm(request.POST, staff=_staff(request.user.service_id))
        if not form.is_valid():
            return self.page(form, 400)
        try:
            consilium = consilia.prepare_consilium(
                request.user.service, actor=request.user, request=request, **form.cleaned_data
            )
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
            return self.page(form, 400)
        messages.success(request, _("Консилиум подготовлен: добавьте выпускников."))
        return redirect("assessment:consilium_candidates", pk=consilium.pk)


def decisions_queryset(consilium_id: int):
    """The decisions of a consilium with all a row shows, in a number of queries that does not grow with them."""
    return (
        ConsiliumDecision.objects.filter(consilium_id=consilium_id)
        .select_related(
            "graduate",
            "case__specialist",
            "assessment",
            "level_before",
            "suggested_level",
            "level",
            "plan",
            "level_change",
            "consilium",
        )
        .prefetch_related(
            Prefetch(
                "assessment__domains",
                queryset=AssessmentDomain.objects.select_related("domain").order_by("domain__order", "domain_id"),
            ),
            Prefetch("recommendations", queryset=ConsiliumRecommendation.objects.order_by("deadline", "id")),
        )
        .order_by("graduate__last_name", "graduate__first_name", "pk")
    )


class ConsiliumView(ScopedView):
    """The one page to hold a consilium (and, once held, its record)."""

    model = Consilium
    scope_actions = {"get": "view", "post": "assign"}

    def get_queryset_unrestricted(self):
        return Consilium.objects.select_related("service__region", "chair").prefetch_related("participants")

    def rows(self, consilium, data=None):
        levels = list(SupportLevel.objects.filter(region_id=consilium.service.region_id, is_active=True))
        rows = []
        for decision in decisions_queryset(consilium.pk):
            prefix = f"d{decision.pk}"
            recs = list(decision.recommendations.all())
            forms = None
            if self.editable:
                forms = {
                    "decision": DecisionForm(data, levels=levels, decision=decision, prefix=prefix),
                    "recommendations": [
                        RecommendationForm(
                            data,
                            prefix=f"{prefix}-r{n}",
                            initial={"text": r.text, "responsible": r.responsible, "deadline": r.deadline}
                            if r
                            else None,
                        )
                        for n, r in enumerate(recs + [None] * EXTRA_RECOMMENDATIONS)
                    ],
                }
            rows.append({"decision": decision, "recommendations": recs, "forms": forms})
        self.shown(Graduate, [row["decision"].graduate_id for row in rows])
        return rows

    def page(self, consilium, rows, status=200, error=""):
        context = {
            "consilium": consilium,
            "rows": rows,
            "editable": self.editable,
            "error": error,
            "participants": list(consilium.participants.all()),
            "attracted": [line for line in consilium.attracted_participants.splitlines() if line.strip()],
        }
        return render(self.request, "assessment/consilium_hold.html", context, status=status)

    def setup_page(self, pk):
        consilium = self.get_object()
        self.editable = consilium.status == Consilium.Status.PREPARED and consilia.may_hold(
            self.request.user, consilium.service_id
        )
        return consilium

    def get(self, request, pk):
        consilium = self.setup_page(pk)
        return self.page(consilium, self.rows(consilium))

    def post(self, request, pk):
        consilium = self.setup_page(pk)
        _require_holder(request, consilium.service_id)
        if not self.editable:
            return self.page(
                consilium, self.rows(consilium), 400, _("Консилиум уже проведён: его решения окончательны.")
            )
        rows = self.rows(consilium, request.POST)
        valid = all(
            row["forms"]["decision"].is_valid() and all(f.is_valid() for f in row["forms"]["recommendations"])
            for row in rows
        )
        if not valid:
            return self.page(consilium, rows, 400, _("Исправьте отмеченные поля."))
        for row in rows:
            form = row["forms"]["decision"]
            try:
                consilia.update_decision(
                    row["decision"],
                    actor=request.user,
                    expected_revision=form.expected_revision,
                    request=request,
                    recommendations=[f.cleaned_data for f in row["forms"]["recommendations"]],
                    **form.service_kwargs(),
                )
            except StaleEdit as err:
                form.show_stale(err)
                return self.page(consilium, rows, 400, err.message)
            except DomainError as err:
                form.add_error(err.field if err.field in form.fields else None, err.message)
                return self.page(consilium, rows, 400, f"{row['decision'].graduate}: {err.message}")
        if request.POST.get("op") != "hold":
            messages.success(request, _("Решения сохранены."))
            return redirect("assessment:consilium", pk=consilium.pk)
        try:
            consilia.hold_consilium(
                consilium, actor=request.user, expected_revision=_int(request.POST.get("revision")), request=request
            )
        except DomainError as err:
            # The decisions are saved (what the user typed is kept); the page shows them as they are now.
            consilium = self.setup_page(pk)
            return self.page(consilium, self.rows(consilium), 400, err.message)
        messages.success(request, _("Консилиум проведён: решения вступили в силу."))
        return redirect("assessment:consilium", pk=consilium.pk)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ConsiliumCandidatesView(ScopedView):
    """«Кого обсудить»: the preparation list, built by the database; adding graduates to the consilium."""

    model = Consilium
    scope_actions = HOLD_ACTIONS

    def get_consilium(self):
        consilium = self.get_object()
        _require_holder(self.request, consilium.service_id)
        return consilium

    def listed(self, consilium, form):
        rows = consilia.candidates(consilium.service, consilium.year, consilium.quarter, consilium=consilium)
        data = form.cleaned_data if form.is_valid() else {}
        show = data.get("show")
        if show in ("due", "provisional", "differs"):
            rows = rows.filter(**{show: True})
        return consilia.ordered_candidates(rows, data.get("sort") or "change")

    def get(self, request, pk):
        consilium = self.get_consilium()
        form = CandidateFilterForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return self.page(consilium, form, None, 400)
        page = self.paginate(self.listed(consilium, form), PAGE_SIZE * 2)
        self.shown(Graduate, [row.graduate_id for row in page.object_list])
        return self.page(consilium, form, page)

    def page(self, consilium, form, page, status=200):
        levels = {lv.pk: lv for lv in SupportLevel.objects.filter(region_id=consilium.service.region_id)}
        if page is not None:
            for row in page.object_list:
                row.level = levels.get(row.level_id)
                row.suggested = levels.get(row.suggested_level_id)
        query = self.request.GET.copy()
        query.pop("page", None)
        context = {"consilium": consilium, "form": form, "page": page, "query": query.urlencode()}
        return render(self.request, "assessment/consilium_candidates.html", context, status=status)

    def post(self, request, pk):
        consilium = self.get_consilium()
        if request.POST.get("op") == "all_due":
            rows = consilia.candidates(consilium.service, consilium.year, consilium.quarter, consilium=consilium)
            cases = list(rows.filter(due=True, in_consilium=False))
        else:
            ids = [_int(v) for v in request.POST.getlist("cases")]
            if not ids or None in ids:
                messages.error(request, _("Отметьте выпускников, которых добавить."))
                return redirect("assessment:consilium_candidates", pk=consilium.pk)
            cases = list(SupportCase.objects.filter(pk__in=ids))
            if len(cases) != len(set(ids)):
                return self.refused(consilium, _("Среди отмеченных есть выпускник не на сопровождении в службе."))
        try:
            added = consilia.add_graduates(consilium, cases, actor=request.user, request=request)
        except DomainError as err:
            return self.refused(consilium, err.message)
        messages.success(request, _("Добавлено выпускников: %(n)s.") % {"n": len(added)})
        return redirect("assessment:consilium", pk=consilium.pk)

    def refused(self, consilium, message):
        form = CandidateFilterForm({})
        messages.error(self.request, message)
        return self.page(consilium, form, self.paginate(self.listed(consilium, form), PAGE_SIZE * 2), 400)


class ConsiliumRemoveGraduateView(ScopedView):
    model = ConsiliumDecision
    scope_actions = {"post": "assign"}

    def post(self, request, pk, decision_pk):
        decision = self.get_in_scope(ConsiliumDecision.objects.select_related("consilium"), pk=decision_pk)
        if decision.consilium_id != pk:
            raise PermissionDenied
        _require_holder(request, decision.consilium.service_id)
        try:
            consilia.remove_graduate(decision, actor=request.user, request=request)
        except DomainError as err:
            messages.error(request, err.message)
        return redirect("assessment:consilium", pk=pk)


class ConsiliumProtocolView(ScopedView):
    """The protocol (.docx) from the region's replaceable template."""

    model = Consilium
    read_action = AuditEvent.Action.EXPORT

    def get_queryset_unrestricted(self):
        return Consilium.objects.select_related("service__region", "chair")

    def get(self, request, pk):
        from opora.assessment.protocol import protocol_docx

        consilium = self.get_object()
        content, filename = protocol_docx(consilium)
        self.shown(Graduate, list(consilium.decisions.values_list("graduate_id", flat=True)))
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class GraduateConsiliaView(CardView):
    """The card tab «Консилиумы»: the decisions concerning the graduate, the latest first."""

    tab = "consilia"

    def get(self, request, pk):
        graduate = self.get_object()
        decisions = (
            ConsiliumDecision.objects.restrict(request.user, "view")
            .filter(graduate=graduate)
            .select_related("consilium", "level_before", "suggested_level", "level", "assessment")
            .prefetch_related(
                Prefetch("recommendations", queryset=ConsiliumRecommendation.objects.order_by("deadline"))
            )
            .order_by("-consilium__held_on", "-pk")
        )
        page = self.paginate(decisions, PAGE_SIZE)
        return render(request, "assessment/consilium_card.html", self.card_context(graduate, page=page))


urlpatterns = [
    path("consilia/", ConsiliumListView.as_view(), name="consilium_list"),
    path("consilia/new/", ConsiliumPrepareView.as_view(), name="consilium_prepare"),
    path("consilia/<int:pk>/", ConsiliumView.as_view(), name="consilium"),
    path("consilia/<int:pk>/candidates/", ConsiliumCandidatesView.as_view(), name="consilium_candidates"),
    path(
        "consilia/<int:pk>/decisions/<int:decision_pk>/remove/",
        ConsiliumRemoveGraduateView.as_view(),
        name="consilium_remove",
    ),
    path("consilia/<int:pk>/protocol.docx", ConsiliumProtocolView.as_view(), name="consilium_protocol"),
    path("graduates/<int:pk>/consilia/", GraduateConsiliaView.as_view(), name="graduate_consilia"),
]
