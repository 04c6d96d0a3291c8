"""The «Оценка» tab of the graduate card: the assessments and monitorings, a new assessment on one
page, its detail (the specialist's and the graduate's scores side by side, the difficulties with
their statuses, the suggested level, the chain of corrections), a correction, a monitoring alone.

Every page is a :class:`~opora.registry.views.CardView` (the graduate fetched within the scope,
its read audited); the records of the tab are fetched through the scope too. A POST calls a
service of :mod:`opora.assessment.services`; its refusal is shown at the field it names, with
everything typed kept (no half-save: the service writes all or nothing).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.assessment import services
from opora.assessment.assessment_forms import AssessmentForm, MonitoringForm, initial_from
from opora.assessment.models import (
    SEVERITY_TEXTS,
    Assessment,
    AssessmentDifficulty,
    AssessmentDomain,
    DifficultyType,
    Monitoring,
    Severity,
)
from opora.core.errors import DomainError
from opora.core.versioning import StaleEdit
from opora.registry.models import Graduate
from opora.registry.views import CardView
from opora.support.models import Domain, SupportCase

Status = AssessmentDifficulty.Status
PER_PAGE = 20
MONITORINGS_PER_PAGE = 10


def case_on_support(graduate: Graduate, day: dt.date) -> SupportCase | None:
    """The graduate's case on support on ``day`` (the one an assessment is written for), if any."""
    return (
        SupportCase.objects.on_support(day)
        .filter(graduate=graduate)
        .select_related("graduate__service")
        .order_by("-activated_at", "-id")
        .first()
    )


def put_error(form, err: DomainError) -> None:
    """A refusal of a service at the form's field it names (or the monitoring's), else above the form."""
    if isinstance(err, StaleEdit):
        form.show_stale(err)
        return
    name = err.field if err.field in form.fields else form.monitoring_field(err.field)
    form.add_error(name, err.message)


class AssessmentCardView(CardView):
    """A page of the «Оценка» tab."""

    tab = "assessment"

    def get_assessment(self, graduate: Graduate, queryset=None) -> Assessment:
        base = queryset if queryset is not None else Assessment.objects.all()
        return self.get_in_scope(
            base.select_related("author", "service", "suggested_level", "case"),
            pk=self.kwargs["assessment_pk"],
            graduate_id=graduate.pk,
        )

    def scoped(self, model):
        """``model``'s rows within the scope for this request's action (the tab's lists)."""
        return model.objects.restrict(self.request.user, self.scope_action)


def previous_by_domain(assessment: Assessment | None) -> dict[int, dict]:
    """The previous assessment's score, the graduate's own and the difficulties found, per domain."""
    if assessment is None:
        return {}
    out: dict[int, dict] = {}
    for row in assessment.domains.all():
        out[row.domain_id] = {"severity": row.severity, "graduate_severity": row.graduate_severity, "found": []}
    for row in assessment.difficulties.all():
        if row.status in AssessmentDifficulty.FOUND and row.domain_id in out:
            out[row.domain_id]["found"].append(row.label)
    return out


def with_details(queryset):
    """Assessments with their domains and difficulties (two queries whatever their number)."""
    return queryset.prefetch_related(
        Prefetch("domains", queryset=AssessmentDomain.objects.select_related("domain")),
        Prefetch("difficulties", queryset=AssessmentDifficulty.objects.select_related("difficulty_type")),
    )


class AssessmentTabView(AssessmentCardView):
    """The tab: the graduate's assessments (current and corrected) and monitorings, newest first."""

    def get(self, request, pk):
        graduate = self.get_object()
        today = timezone.localdate()
        assessments = (
            self.scoped(Assessment)
            .filter(graduate=graduate)
            .select_related("author", "service", "suggested_level")
            .annotate(
                new_count=Count("difficulties", filter=Q(difficulties__status=Status.NEW)),
                persisting_count=Count("difficulties", filter=Q(difficulties__status=Status.PERSISTING)),
                closed_count=Count("difficulties", filter=Q(difficulties__status=Status.CLOSED)),
            )
            .order_by("-assessed_on", "-id")
        )
        page = self.paginate(assessments, PER_PAGE)
        monitorings = self.scoped(Monitoring).filter(graduate=graduate).select_related("author", "service")
        monitoring_page = Paginator(monitorings.order_by("-monitored_on", "-id"), MONITORINGS_PER_PAGE).get_page(
            request.GET.get("mpage")
        )
        monitoring_page.object_list = list(monitoring_page.object_list)
        self.shown(Monitoring, [m.pk for m in monitoring_page.object_list])
        case = case_on_support(graduate, today)
        can_assess = case is not None and "change" in self.allowed_on(graduate)
        context = {
            "page": page,
            "monitoring_page": monitoring_page,
            "case_on_support": case,
            "can_assess": can_assess,
            "monitoring_due": can_assess and services.monitoring_due(graduate, today),
        }
        return render(request, "assessment/assess_tab.html", self.card_context(graduate, **context))


class AssessmentFormView(AssessmentCardView):
    """What the new-assessment and the correction pages share: the form over the region's domains,
    the previous assessment beside each domain."""

    scope_actions = {"get": "change", "post": "change"}
    template_name = "assessment/assess_form.html"

    def form_for(self, graduate: Graduate, data=None, *, correcting=None, offer_monitoring=False, **kwargs):
        region_id = graduate.service.region_id
        domains = Domain.objects.filter(region_id=region_id, is_active=True).order_by("order", "name")
        catalogue = DifficultyType.objects.filter(region_id=region_id, is_active=True, domain__is_active=True)
        if correcting is not None:
            # A catalogue item the region retired since stays choosable where the original found it.
            kept = correcting.difficulties.exclude(difficulty_type=None).values("difficulty_type")
            catalogue = DifficultyType.objects.filter(
                Q(region_id=region_id, is_active=True, domain__is_active=True) | Q(pk__in=kept)
            )
        return AssessmentForm(
            data,
            domains=domains,
            catalogue=catalogue.order_by("domain__order", "order", "name"),
            correcting=correcting,
            offer_monitoring=offer_monitoring,
            **kwargs,
        )

    def previous(self, graduate: Graduate, *, before: Assessment | None = None) -> Assessment | None:
        """The graduate's latest current assessment (before ``before``, for a correction)."""
        current = with_details(self.scoped(Assessment).current().filter(graduate=graduate))
        if before is not None:
            current = current.filter(
                Q(assessed_on__lt=before.assessed_on) | Q(assessed_on=before.assessed_on, pk__lt=before.pk)
            )
        return current.order_by("-assessed_on", "-id").first()

    def page(self, graduate, form, *, previous, status=200, **extra):
        before = previous_by_domain(previous)
        sections = form.sections()
        for section in sections:
            section["previous"] = before.get(section["domain"].pk)
        context = {
            "form": form,
            "sections": sections,
            "previous": previous,
            "severity_texts": [(value, label, SEVERITY_TEXTS[value]) for value, label in Severity.choices],
            **extra,
        }
        return render(self.request, self.template_name, self.card_context(graduate, **context), status=status)


class AssessmentNewView(AssessmentFormView):
    """«Новая оценка»: every domain on one page; the monitoring offered when it is due."""

    def setup_page(self, graduate):
        today = timezone.localdate()
        case = case_on_support(graduate, today)
        if case is None:
            messages.error(
                self.request,
                _("Оценку жизненной ситуации проводят для выпускника на сопровождении: сейчас он не на сопровождении."),
            )
            return None, False
        return case, services.monitoring_due(graduate, today)

    def get(self, request, pk):
        graduate = self.get_object()
        case, due = self.setup_page(graduate)
        if case is None:
            return redirect("assessment:assessments", pk=graduate.pk)
        initial = {"assessed_on": timezone.localdate()}
        if request.GET.get("kind") in Assessment.Kind.values:  # «Провести оценку» of a reassessment task
            initial["kind"] = request.GET["kind"]
        form = self.form_for(graduate, offer_monitoring=due, initial=initial)
        return self.page(graduate, form, previous=self.previous(graduate), case=case)

    def post(self, request, pk):
        graduate = self.get_object()
        case, due = self.setup_page(graduate)
        if case is None:
            return redirect("assessment:assessments", pk=graduate.pk)
        form = self.form_for(graduate, request.POST, offer_monitoring=due)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment = services.create_assessment(
                    case,
                    actor=request.user,
                    assessed_on=data["assessed_on"],
                    conclusion=data["conclusion"],
                    domains=form.domain_data(),
                    kind=data["kind"],
                    monitoring=form.monitoring_data() if form.wants_monitoring else None,
                    request=request,
                )
            except DomainError as err:
                put_error(form, err)
            else:
                messages.success(request, saved_message(assessment))
                return redirect("assessment:assessment_detail", pk=graduate.pk, assessment_pk=assessment.pk)
        return self.page(graduate, form, previous=self.previous(graduate), case=case, status=400)


def saved_message(assessment: Assessment) -> str:
    if assessment.suggested_level is None:
        return _("Оценка сохранена.")
    return _("Оценка сохранена. Уровень по правилу региона: «%(level)s» — решение принимает консилиум.") % {
        "level": assessment.suggested_level
    }


class AssessmentCorrectView(AssessmentFormView):
    """«Исправить»: a new assessment pre-filled from the original, with the reason; the original stays readable."""

    def original(self, graduate):
        return self.get_assessment(graduate, with_details(Assessment.objects.all()))

    def get(self, request, pk, assessment_pk):
        graduate = self.get_object()
        original = self.original(graduate)
        if not original.is_current:
            messages.info(request, _("Эта оценка уже исправлена: исправляйте её последнюю редакцию."))
            return redirect("assessment:assessment_detail", pk=graduate.pk, assessment_pk=original.pk)
        form = self.form_for(graduate, correcting=original, initial=initial_from(original))
        return self.page(graduate, form, previous=self.previous(graduate, before=original), original=original)

    def post(self, request, pk, assessment_pk):
        graduate = self.get_object()
        original = self.original(graduate)
        form = self.form_for(graduate, request.POST, correcting=original)
        if form.is_valid():
            data = form.cleaned_data
            try:
                correction = services.correct_assessment(
                    original,
                    actor=request.user,
                    reason=data["reason"],
                    expected_revision=form.expected_revision,
                    assessed_on=data["assessed_on"],
                    conclusion=data["conclusion"],
                    domains=form.domain_data(),
                    request=request,
                )
            except DomainError as err:
                put_error(form, err)
            else:
                messages.success(request, saved_message(correction))
                return redirect("assessment:assessment_detail", pk=graduate.pk, assessment_pk=correction.pk)
        status = 409 if form.stale else 400
        previous = self.previous(graduate, before=original)
        return self.page(graduate, form, previous=previous, original=original, status=status)


class AssessmentDetailView(AssessmentCardView):
    """One assessment: per domain the specialist's and the graduate's scores side by side, the
    difficulties with their statuses, the suggested level, the author, the chain of corrections."""

    def get(self, request, pk, assessment_pk):
        graduate = self.get_object()
        assessment = self.get_assessment(graduate, with_details(Assessment.objects.all()))
        rows = {row.domain_id: {"row": row, "found": [], "closed": []} for row in assessment.domains.all()}
        for difficulty in assessment.difficulties.all():
            entry = rows.get(difficulty.domain_id)
            if entry is not None:
                entry["closed" if difficulty.status == Status.CLOSED else "found"].append(difficulty)
        chain = self.chain(graduate, assessment)
        context = {
            "assessment": assessment,
            "rows": list(rows.values()),
            "chain": chain,
            "monitoring": self.scoped(Monitoring).filter(assessment=assessment).first(),
            "can_correct": assessment.is_current and "change" in self.allowed_on(graduate),
        }
        return render(request, "assessment/assess_detail.html", self.card_context(graduate, **context))

    def chain(self, graduate, assessment) -> list[Assessment]:
        """Every redaction of this assessment, oldest first (one query, whatever their number)."""
        links = {
            a.pk: a
            for a in self.scoped(Assessment)
            .filter(graduate=graduate)
            .only("pk", "corrects_id", "replaced_by_id", "assessed_on", "created_at", "correction_reason")
        }
        first = assessment.pk
        while links.get(first) is not None and links[first].corrects_id in links:
            first = links[first].corrects_id
        out, pk = [], first
        while pk in links and links[pk] not in out:
            out.append(links[pk])
            pk = links[pk].replaced_by_id
        return out if len(out) > 1 else []


class MonitoringNewView(AssessmentCardView):
    """The half-yearly monitoring alone."""

    scope_actions = {"get": "change", "post": "change"}

    def page(self, graduate, form, status=200):
        context = {"form": form}
        return render(
            self.request,
            "assessment/assess_monitoring_form.html",
            self.card_context(graduate, **context),
            status=status,
        )

    def case(self, graduate):
        case = case_on_support(graduate, timezone.localdate())
        if case is None:
            messages.error(
                self.request, _("Мониторинг проводят для выпускника на сопровождении: сейчас он не на сопровождении.")
            )
        return case

    def get(self, request, pk):
        graduate = self.get_object()
        if self.case(graduate) is None:
            return redirect("assessment:assessments", pk=graduate.pk)
        return self.page(graduate, MonitoringForm(initial={"monitored_on": timezone.localdate()}))

    def post(self, request, pk):
        graduate = self.get_object()
        case = self.case(graduate)
        if case is None:
            return redirect("assessment:assessments", pk=graduate.pk)
        form = MonitoringForm(request.POST)
        if form.is_valid():
            try:
                services.record_monitoring(
                    case,
                    actor=request.user,
                    monitored_on=form.cleaned_data["monitored_on"],
                    request=request,
                    **form.monitoring_data(),
                )
            except DomainError as err:
                put_error(form, err)
            else:
                messages.success(request, _("Мониторинг сохранён."))
                return redirect(reverse("assessment:assessments", kwargs={"pk": graduate.pk}) + "#monitorings")
        return self.page(graduate, form, status=400)


urlpatterns = [
    path("graduates/<int:pk>/assessment/", AssessmentTabView.as_view(), name="assessments"),
    path("graduates/<int:pk>/assessment/new/", AssessmentNewView.as_view(), name="assessment_new"),
    path(
        "graduates/<int:pk>/assessment/<int:assessment_pk>/", AssessmentDetailView.as_view(), name="assessment_detail"
    ),
    path(
        "graduates/<int:pk>/assessment/<int:assessment_pk>/correct/",
        AssessmentCorrectView.as_view(),
        name="assessment_correct",
    ),
    path("graduates/<int:pk>/assessment/monitoring/new/", MonitoringNewView.as_view(), name="monitoring_new"),
]
