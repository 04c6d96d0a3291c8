"""Pages of a graduate's support: the case, the plan and the journal tabs of the card."""

from django.shortcuts import render
from django.urls import path
from django.views import View

from opora.core import audit
from opora.core.models import AuditEvent
from opora.registry.views import CardMixin


class CaseTabView(CardMixin, View):
    tab = "support"

    def get(self, request, pk):
        graduate = self.get_object()
        audit.record(AuditEvent.Action.VIEW, request=request, obj=graduate)
        cases = graduate.support_cases.order_by("-identified_at", "-id")
        return render(request, "support/card_case.html", self.card_context(graduate, cases=cases))


class PlanTabView(CaseTabView):
    tab = "plan"

    def get(self, request, pk):
        graduate = self.get_object()
        audit.record(AuditEvent.Action.VIEW, request=request, obj=graduate)
        return render(request, "support/card_plan.html", self.card_context(graduate))


class JournalTabView(CaseTabView):
    tab = "journal"

    def get(self, request, pk):
        graduate = self.get_object()
        audit.record(AuditEvent.Action.VIEW, request=request, obj=graduate)
        return render(request, "support/card_journal.html", self.card_context(graduate))


urlpatterns = [
    path("graduates/<int:pk>/support/", CaseTabView.as_view(), name="case"),
    path("graduates/<int:pk>/plan/", PlanTabView.as_view(), name="plan"),
    path("graduates/<int:pk>/journal/", JournalTabView.as_view(), name="journal"),
]
