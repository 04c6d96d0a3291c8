"""The «События» tab of the graduate card: life events, the reassessment tasks they set, a form to
record an event, and cancelling a task with a reason after a confirmation.

GET needs «view» on the graduate, recording and cancelling «change» (ScopedView); the workflows are
opora.assessment.events, whose refusals are shown at the form's field with status 400.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.assessment import events
from opora.assessment.models import AssessmentTask, LifeEvent
from opora.assessment.rhythm import open_case_on_support
from opora.core.forms import BootstrapFormMixin, DateInput
from opora.core.validators import FACT, date_validator
from opora.core.versioning import RevisionFormMixin
from opora.registry.views import CardView
from opora.support.views.base import call_service

EVENTS_PER_PAGE = 20


class LifeEventForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Событие"), choices=[("", "—"), *LifeEvent.Kind.choices])
    occurred_on = forms.DateField(
        label=gettext_lazy("Дата события"), widget=DateInput(), validators=[date_validator(FACT)]
    )
    note = forms.CharField(
        label=gettext_lazy("Подробности"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TaskCancelForm(RevisionFormMixin, BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Причина отмены"),
        max_length=events.CANCEL_REASON_MAX,
        error_messages={"required": gettext_lazy("Укажите причину отмены.")},
    )


class EventsCardView(CardView):
    tab = "events"

    def tab_page(self, graduate, *, form=None, status=200):
        today = timezone.localdate()
        can_change = "change" in self.allowed_on(graduate)
        tasks = list(
            AssessmentTask.objects.filter(graduate=graduate)
            .select_related("life_event", "done_by")
            .order_by("-created_at", "-id")
        )
        for task in tasks:
            task.overdue = task.status == AssessmentTask.Status.OPEN and task.due_on < today
        by_id = {t.pk: t for t in tasks}
        page = Paginator(
            LifeEvent.objects.filter(graduate=graduate).select_related("author").order_by("-occurred_on", "-id"),
            EVENTS_PER_PAGE,
        ).get_page(self.request.GET.get("page"))
        page.object_list = list(page.object_list)
        for event in page.object_list:
            event.covering = by_id.get(event.task_id)
        context = {
            "tasks": tasks,
            "page": page,
            "query": "",
            "events": page.object_list,
            "can_change": can_change,
            "on_support": open_case_on_support(graduate.pk, today) is not None,
            "task_due_days": events.TASK_DUE_DAYS,
        }
        if can_change:
            context["form"] = form or LifeEventForm(initial={"occurred_on": today})
        return render(self.request, "assessment/events_tab.html", self.card_context(graduate, **context), status=status)

    def get(self, request, pk):
        return self.tab_page(self.get_object())

    def post(self, request, pk):
        graduate = self.get_object()
        form = LifeEventForm(request.POST)
        if form.is_valid():
            done = call_service(
                form,
                events.record_life_event,
                graduate,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                occurred_on=form.cleaned_data["occurred_on"],
                note=form.cleaned_data["note"],
                request=request,
            )
            if done is not None:
                messages.success(request, _event_message(done))
                return redirect("assessment:events", pk=graduate.pk)
        return self.tab_page(graduate, form=form, status=400)


def _event_message(done: events.RecordedEvent) -> str:
    if done.task is None:
        return _("Событие записано. Выпускник не на сопровождении — внеочередная оценка не назначается.")
    due = done.task.due_on.strftime("%d.%m.%Y")
    if done.task_created:
        return _("Событие записано. Назначена внеочередная оценка — до %(date)s.") % {"date": due}
    return _("Событие записано и учтено в уже назначенной внеочередной оценке (до %(date)s).") % {"date": due}


class TaskCancelView(EventsCardView):
    """Cancel an open reassessment task: a confirmation page with the reason, then the cancel."""

    scope_actions = {"get": "change", "post": "change"}

    def get_task(self, graduate) -> AssessmentTask:
        return self.get_in_scope(
            AssessmentTask.objects.select_related("life_event"), pk=self.kwargs["task_pk"], graduate_id=graduate.pk
        )

    def page(self, graduate, task, form, status=200):
        context = self.card_context(graduate, task=task, form=form)
        return render(self.request, "assessment/events_task_cancel.html", context, status=status)

    def get(self, request, pk, task_pk):
        graduate = self.get_object()
        task = self.get_task(graduate)
        return self.page(graduate, task, TaskCancelForm(revision=task.revision))

    def post(self, request, pk, task_pk):
        graduate = self.get_object()
        task = self.get_task(graduate)
        form = TaskCancelForm(request.POST)
        if form.is_valid():
            done = call_service(
                form,
                events.cancel_task,
                task,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_revision=form.expected_revision,
                request=request,
            )
            if done is not None:
                messages.success(request, _("Задача внеочередной оценки отменена."))
                return redirect("assessment:events", pk=graduate.pk)
        return self.page(graduate, task, form, status=409 if form.stale else 400)


urlpatterns = [
    path("graduates/<int:pk>/events/", EventsCardView.as_view(), name="events"),
    path("graduates/<int:pk>/events/tasks/<int:task_pk>/cancel/", TaskCancelView.as_view(), name="task_cancel"),
]
