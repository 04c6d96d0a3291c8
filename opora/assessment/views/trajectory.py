"""The «Траектория» tab of the graduate card (issue 8, point 5).

Radars of the chosen assessments (the specialist's scores and the graduate's own), a small line
chart per domain across the quarters, the difficulties each assessment opened and closed, the
level history beside them, and all the figures again as tables (print, screen readers). The
charts are SVG drawn by the template from :mod:`opora.assessment.trajectory`: nothing is fetched
from the network, nothing inline that the CSP forbids.
"""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy

from opora.assessment.models import SEVERITY_TEXTS, Severity
from opora.assessment.trajectory import trajectory_of
from opora.core.forms import BootstrapFormMixin
from opora.registry.views import CardView

CHOSEN = ("a", "b")


class ChooseAssessments(BootstrapFormMixin, forms.Form):
    """Which assessments the radars show: two of the graduate's current ones (the latest two by default)."""

    a = forms.TypedChoiceField(label=gettext_lazy("Оценка"), coerce=int, required=False)
    b = forms.TypedChoiceField(label=gettext_lazy("Сравнить с"), coerce=int, required=False)

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(p.pk), f"{p.label} — {p.assessment.assessed_on:%d.%m.%Y}") for p in reversed(points)]
        self.fields["a"].choices = choices
        self.fields["b"].choices = [("", gettext_lazy("— не сравнивать —")), *choices]
        message = gettext_lazy("Выберите одну из оценок выпускника.")
        for name in CHOSEN:
            self.fields[name].error_messages["invalid_choice"] = message


class TrajectoryView(CardView):
    tab = "trajectory"

    def get(self, request, pk):
        graduate = self.get_object()
        trajectory = trajectory_of(graduate, request.user)
        chosen = trajectory.default_chosen()
        bound = any(name in request.GET for name in CHOSEN)
        form = ChooseAssessments(request.GET if bound else None, points=trajectory.points)
        status = 200
        if bound and form.is_valid():
            picked = [form.cleaned_data[name] for name in CHOSEN if form.cleaned_data.get(name)]
            chosen = [trajectory.by_pk(pk) for pk in dict.fromkeys(picked)] or chosen
        elif bound:
            status = 400
        if not bound and chosen:
            form = ChooseAssessments(
                initial={"a": chosen[0].pk, "b": chosen[1].pk if len(chosen) > 1 else ""}, points=trajectory.points
            )
        context = {
            "trajectory": trajectory,
            "form": form,
            "radars": [
                {"point": p, "previous": trajectory.previous_of(p), "chart": trajectory.radar_for(p)} for p in chosen
            ],
            "lines": trajectory.lines(),
            "changes": trajectory.changes(),
            "table": trajectory.table(),
            "scale": [(value, label, SEVERITY_TEXTS[value]) for value, label in Severity.choices],
        }
        return render(request, "assessment/trajectory_tab.html", self.card_context(graduate, **context), status=status)


urlpatterns = [
    path("graduates/<int:pk>/trajectory/", TrajectoryView.as_view(), name="trajectory"),
]
