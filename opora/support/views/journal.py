"""The «Журнал» tab: every contact and service, newest first, with a quick entry form on top.

The quick form is made for a phone: a kind button, a line of text, «Сохранить». With htmx
the new entry is put at the top of the list without reloading the page; without
JavaScript the same form posts and redirects.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from opora.support import services
from opora.support.forms import JournalForm
from opora.support.models import JournalEntry, SupportCase
from opora.support.views.base import SupportCardView, call_service, case_for_action

PAGE_SIZE = 20


class JournalTabView(SupportCardView):
    tab = "journal"

    def make_form(self, graduate, case, data=None):
        return JournalForm(data, region_id=graduate.service.region_id, case=case)

    def render_tab(self, graduate, form, open_case, *, status=200):
        entries = (
            JournalEntry.objects.filter(graduate=graduate)
            .select_related("author", "domain", "service_kind", "measure")
            .order_by("-date", "-id")
        )
        page = Paginator(entries, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context = {
            # The quick form is for an open case; a refused entry is shown with its errors anyway.
            "form": form
            if "change" in self.allowed_on(graduate) and (open_case is not None or form.is_bound)
            else None,
            "open_case": open_case,
            "page": page,
            "query": "",
        }
        return render(self.request, "support/card_journal.html", self.card_context(graduate, **context), status=status)

    def get(self, request, pk):
        graduate = self.get_object()
        open_case = SupportCase.objects.filter(graduate=graduate).open().first()
        return self.render_tab(graduate, self.make_form(graduate, open_case), open_case)

    def post(self, request, pk):
        graduate = self.get_object()
        case = case_for_action(graduate)
        form = self.make_form(graduate, case, request.POST)
        htmx = request.headers.get("HX-Request") == "true"
        if form.is_valid():
            if case is None:
                form.add_error(None, _("Сначала откройте сопровождение на вкладке «Сопровождение»."))
            else:
                entry = call_service(
                    form, services.add_journal_entry, case, actor=request.user, request=request, **form.service_kwargs()
                )
                if entry is not None:
                    if htmx:
                        context = {"entry": entry, "graduate": graduate, "form": self.make_form(graduate, case)}
                        return render(request, "support/_journal_added.html", context)
                    messages.success(request, _("Запись добавлена в журнал."))
                    return redirect("support:journal", pk=graduate.pk)
        if htmx:
            response = render(
                request, "support/_journal_quick_form.html", {"form": form, "graduate": graduate}, status=400
            )
            response["HX-Retarget"] = "#quick-entry"
            response["HX-Reswap"] = "outerHTML"
            return response
        open_case = case if case is not None and case.is_open else None
        return self.render_tab(graduate, form, open_case, status=400)


urlpatterns = [
    path("graduates/<int:pk>/journal/", JournalTabView.as_view(), name="journal"),
]
