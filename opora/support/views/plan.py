"""The «План» tab: the individual support plan (ИППС) — versions, goals by life domain, measures."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.support import services
from opora.support.forms import GoalForm, MeasureForm, MeasureUpdateForm, PlanApproveForm, PlanCreateForm
from opora.support.models import PlanMeasure, SupportCase, SupportPlan
from opora.support.views.base import CaseFormView, SupportCardView, call_service, case_for_action

Superseded = SupportPlan.Status.SUPERSEDED


def plan_sections(plan: SupportPlan, today, *, editable: bool) -> list[dict]:
    """Goals and measures grouped by life domain (in the region's order), measures under their goal."""
    goals = list(plan.goals.select_related("domain"))
    measures = list(plan.measures.select_related("domain", "goal"))
    sections: dict[int, dict] = {}

    def section(domain):
        return sections.setdefault(domain.pk, {"domain": domain, "goals": [], "loose": []})

    by_goal = {}
    for goal in goals:
        goal.measure_list = []
        by_goal[goal.pk] = goal
        section(goal.domain)["goals"].append(goal)
    for measure in measures:
        measure.overdue = measure.is_overdue(today)
        if editable:
            measure.update_form = MeasureUpdateForm(
                auto_id=f"id_m{measure.pk}_%s",
                initial={"status": measure.status, "result": measure.result, "done_at": measure.done_at},
                revision=measure.revision,
            )
        goal = by_goal.get(measure.goal_id)
        if goal is not None and goal.domain_id == measure.domain_id:
            goal.measure_list.append(measure)
        else:
            section(measure.domain)["loose"].append(measure)
    return sorted(sections.values(), key=lambda s: (s["domain"].order, s["domain"].name))


def plan_tab(view: SupportCardView, graduate, plan: SupportPlan | None = None, *, failed=None, status=200):
    """Render the «План» tab for ``plan`` (the current version of the open case by default).

    ``failed`` is a refused form: ``(context key, form)``, shown bound in its place.
    """
    request = view.request
    today = timezone.localdate()
    can_change = "change" in view.allowed_on(graduate)
    plans = list(
        SupportPlan.objects.filter(case__graduate=graduate)
        .select_related("case", "level", "approved_by", "created_by")
        .order_by("-case__identified_at", "-case_id", "-version")
    )
    open_case = SupportCase.objects.filter(graduate=graduate).open().first()
    current = next((p for p in plans if open_case and p.case_id == open_case.pk and p.status != Superseded), None)
    if plan is None:
        plan = current or (plans[0] if plans else None)
    else:
        plan = next((p for p in plans if p.pk == plan.pk), plan)

    region_id = graduate.service.region_id
    context = {"plans": plans, "plan": plan, "current_plan": current, "open_case": open_case}
    editable = bool(
        can_change and plan is not None and plan.status != Superseded and plan.case.status == SupportCase.Status.ACTIVE
    )
    context["editable"] = editable
    # Goals and measures are added to a draft only: an approved plan changes in a new version
    # (services.plan._check_draft); its measures' progress is still recorded (``editable``).
    composable = editable and plan.status == SupportPlan.Status.DRAFT
    context["composable"] = composable
    if plan is not None:
        context["sections"] = plan_sections(plan, today, editable=editable)
        context["is_current"] = current is not None and plan.pk == current.pk
        if context["is_current"]:
            context["review_due"] = plan.review_due(today, open_case.level_on(today))
    if composable:
        context["goal_form"] = GoalForm(region_id=region_id, auto_id="id_goal_%s")
        context["measure_form"] = MeasureForm(plan=plan, region_id=region_id, auto_id="id_measure_%s")
        context["can_approve"] = True
    if can_change and open_case is not None and open_case.status == SupportCase.Status.ACTIVE:
        context["create_form"] = PlanCreateForm(auto_id="id_plan_%s")
    context["action_errors"] = []
    if failed is not None:
        key, form = failed
        if key in context:
            context[key] = form
            context["action_errors"] = list(form.non_field_errors())
        else:
            context["action_errors"] = [m for ms in form.errors.values() for m in ms]
    return render(request, "support/card_plan.html", view.card_context(graduate, **context), status=status)


class PlanTabView(SupportCardView):
    tab = "plan"

    def get(self, request, pk, plan_pk=None):
        graduate = self.get_object()
        plan = self.get_plan(graduate) if plan_pk is not None else None
        return plan_tab(self, graduate, plan)

    def get_plan(self, graduate) -> SupportPlan:
        return self.get_in_scope(
            SupportPlan.objects.select_related("case", "case__graduate"),
            pk=self.kwargs["plan_pk"],
            case__graduate_id=graduate.pk,
        )


class PlanCreateView(SupportCardView):
    """A plan for the case on support, or its new version (the old one stays, read-only)."""

    tab = "plan"

    def post(self, request, pk):
        graduate = self.get_object()
        form = PlanCreateForm(request.POST, auto_id="id_plan_%s")
        if form.is_valid():
            case = case_for_action(graduate)
            if case is None:
                form.add_error(None, _("План составляют для выпускника на сопровождении (после договора)."))
            else:
                plan = call_service(
                    form,
                    services.create_plan,
                    case,
                    actor=request.user,
                    starts_on=form.cleaned_data["starts_on"],
                    review_reason=form.cleaned_data["review_reason"],
                    request=request,
                )
                if plan is not None:
                    messages.success(
                        request,
                        _("Составлена версия %(v)s плана на период %(a)s — %(b)s.")
                        % {
                            "v": plan.version,
                            "a": plan.starts_on.strftime("%d.%m.%Y"),
                            "b": plan.ends_on.strftime("%d.%m.%Y"),
                        },
                    )
                    return redirect("support:plan", pk=graduate.pk)
        return plan_tab(self, graduate, failed=("create_form", form), status=400)


class PlanActionView(PlanTabView):
    """A POST on one version of the plan: add a goal, add a measure, approve."""

    form_key = ""
    http_method_names = ["post"]  # the forms live on the tab

    def make_form(self, graduate, plan):
        raise NotImplementedError

    def run(self, form, plan):
        raise NotImplementedError

    def success_message(self, result) -> str:
        raise NotImplementedError

    def post(self, request, pk, plan_pk):
        graduate = self.get_object()
        plan = self.get_plan(graduate)
        form = self.make_form(graduate, plan)
        if form.is_valid():
            result = self.run(form, plan)
            if result is not None:
                messages.success(request, self.success_message(result))
                return redirect(reverse("support:plan_version", kwargs={"pk": pk, "plan_pk": plan.pk}))
        return plan_tab(self, graduate, plan, failed=(self.form_key, form), status=400)


class GoalAddView(PlanActionView):
    form_key = "goal_form"

    def make_form(self, graduate, plan):
        return GoalForm(self.request.POST, region_id=graduate.service.region_id, auto_id="id_goal_%s")

    def run(self, form, plan):
        data = form.cleaned_data
        return call_service(
            form,
            services.add_goal,
            plan,
            actor=self.request.user,
            domain=data["domain"],
            text=data["text"],
            request=self.request,
        )

    def success_message(self, goal):
        return _("Цель добавлена в сферу «%(domain)s».") % {"domain": goal.domain}


class MeasureAddView(PlanActionView):
    form_key = "measure_form"

    def make_form(self, graduate, plan):
        return MeasureForm(self.request.POST, plan=plan, region_id=graduate.service.region_id, auto_id="id_measure_%s")

    def run(self, form, plan):
        return call_service(
            form, services.add_measure, plan, actor=self.request.user, request=self.request, **form.service_kwargs()
        )

    def success_message(self, measure):
        return _("Мероприятие добавлено в план.")


class PlanApproveView(PlanActionView):
    form_key = ""

    def make_form(self, graduate, plan):
        return PlanApproveForm(self.request.POST)

    def run(self, form, plan):
        return call_service(
            form,
            services.approve_plan,
            plan,
            actor=self.request.user,
            on=form.cleaned_data["approved_at"],
            request=self.request,
        )

    def success_message(self, plan):
        return _("План (версия %(v)s) утверждён.") % {"v": plan.version}


class MeasureUpdateView(CaseFormView):
    """Progress of a measure: status and result. The tab has the same form inline."""

    tab = "plan"
    form_class = MeasureUpdateForm
    title = gettext_lazy("Выполнение мероприятия")
    submit_label = gettext_lazy("Сохранить")

    def get_target(self, graduate):
        return self.get_in_scope(
            PlanMeasure.objects.select_related("plan", "plan__case", "domain", "goal"),
            pk=self.kwargs["measure_pk"],
            plan__case__graduate_id=graduate.pk,
        )

    def form_kwargs(self, graduate, measure):
        if self.request.method == "POST":
            return {}
        return {
            "initial": {"status": measure.status, "result": measure.result, "done_at": measure.done_at},
            "revision": measure.revision,
        }

    def extra_context(self, graduate, measure):
        return {
            "summary": [
                (_("Мероприятие"), measure.text),
                (_("Сфера"), measure.domain.name),
                (_("Ответственный"), measure.get_responsible_display()),
                (_("Срок"), measure.deadline.strftime("%d.%m.%Y")),
            ]
        }

    def run(self, form, graduate, measure):
        data = form.cleaned_data
        return call_service(
            form,
            services.update_measure,
            measure,
            actor=self.request.user,
            status=data["status"],
            result=data["result"],
            done_at=data["done_at"],
            expected_revision=form.expected_revision,
            request=self.request,
        )

    def success_message(self, measure):
        return _("Мероприятие: %(status)s.") % {"status": measure.get_status_display().lower()}

    def success_url(self, graduate, measure, result):
        url = reverse("support:plan_version", kwargs={"pk": graduate.pk, "plan_pk": measure.plan_id})
        return f"{url}#measure-{measure.pk}"

    def cancel_url(self, graduate, measure):
        return reverse("support:plan_version", kwargs={"pk": graduate.pk, "plan_pk": measure.plan_id})


urlpatterns = [
    path("graduates/<int:pk>/plan/", PlanTabView.as_view(), name="plan"),
    path("graduates/<int:pk>/plan/new/", PlanCreateView.as_view(), name="plan_create"),
    path("graduates/<int:pk>/plan/<int:plan_pk>/", PlanTabView.as_view(), name="plan_version"),
    path("graduates/<int:pk>/plan/<int:plan_pk>/goals/", GoalAddView.as_view(), name="plan_goal_add"),
    path("graduates/<int:pk>/plan/<int:plan_pk>/measures/", MeasureAddView.as_view(), name="plan_measure_add"),
    path("graduates/<int:pk>/plan/<int:plan_pk>/approve/", PlanApproveView.as_view(), name="plan_approve"),
    path("graduates/<int:pk>/plan/measures/<int:measure_pk>/", MeasureUpdateView.as_view(), name="measure_update"),
]
