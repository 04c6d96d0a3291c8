"""The «Журнал» tab: every contact and service, newest first, with a quick entry form on top.

The quick form is made for a phone: a kind button, a line of text, «Сохранить». With htmx
the new entry is put at the top of the list without reloading the page, and the counter
of entries follows (an out-of-band swap); without JavaScript the same form posts and redirects.

An entry is corrected or removed in place (htmx swaps the entry for its form; without
JavaScript the same form is a page of its own): by its author within the region's period,
and removed by the coordinator when it was entered by mistake (services.journal_refusal).
Every correction and removal is shown under the entry, from the audit log; removed entries
are listed apart (``?removed=1``) with their history.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import audit
from opora.core.models import AuditEvent
from opora.support import services
from opora.support.forms import JournalEditForm, JournalForm, JournalRemoveForm
from opora.support.models import JournalEntry, SupportCase
from opora.support.views.base import SupportCardView, call_service, case_for_action

PAGE_SIZE = 20


def entry_history(entries) -> dict[int, list[dict]]:
    """The corrections and the removal of each of ``entries``, from the audit log, in one query at most.

    Only entries written after their creation (revision above 1) have any, so a journal
    nobody corrected costs no query.
    """
    ids = [str(e.pk) for e in entries if e.revision > 1]
    if not ids:
        return {}
    events = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(JournalEntry),
            object_id__in=ids,
            action__in=(AuditEvent.Action.UPDATE, AuditEvent.Action.DELETE),
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    found: dict[int, list[dict]] = defaultdict(list)
    for event in events:
        rows = [
            (
                audit.field_label(JournalEntry, key),
                audit.value_label(JournalEntry, key, pair[0]),
                audit.value_label(JournalEntry, key, pair[1]),
            )
            for key, pair in event.changes.items()
            if not key.startswith("_") and isinstance(pair, list) and len(pair) == 2
        ]
        found[int(event.object_id)].append(
            {
                "at": event.at,
                "who": (event.actor.short_name or event.actor.username) if event.actor else event.username,
                "removed": event.action == AuditEvent.Action.DELETE,
                "rows": rows,
            }
        )
    return found


class JournalMixin:
    """What the journal's pages share: the region's period, the rights on each entry shown, the counter."""

    def get_queryset_unrestricted(self):
        # The region's period of corrections is read for every page of the journal.
        return super().get_queryset_unrestricted().select_related("service__region")

    def edit_days(self, graduate) -> int:
        return graduate.service.region.journal_edit_days

    def with_rights(self, graduate, entries):
        """Give each entry what its buttons need: may the user correct it, remove it, and if not, why."""
        allowed = self.allowed_on(graduate)
        edit_days = self.edit_days(graduate)
        now = timezone.now()
        history = entry_history(entries)
        user = self.request.user
        for entry in entries:
            entry.history = history.get(entry.pk, [])
            entry.may_edit = entry.may_remove = False
            entry.refusal = ""
            if "change" not in allowed or entry.is_removed:
                continue
            entry.refusal = services.journal_refusal(entry, user, edit_days=edit_days, now=now)
            entry.may_edit = not entry.refusal
            entry.may_remove = not services.journal_refusal(
                entry, user, edit_days=edit_days, may_delete="delete" in allowed, removing=True, now=now
            )
            entry.editable_until = entry.editable_until(edit_days) if entry.may_edit else None
            # Say why only to the one who would want to correct it: the author, once the period is over.
            entry.own_locked = bool(entry.refusal) and entry.author_id == user.pk
        return entries

    def counts(self, graduate) -> dict:
        """The entries of the journal and the removed ones, in one query."""
        counts = JournalEntry.all_objects.filter(graduate=graduate).aggregate(
            journal_count=Count("pk", filter=Q(removed_at__isnull=True)),
            removed_count=Count("pk", filter=Q(removed_at__isnull=False)),
        )
        return {name: value or 0 for name, value in counts.items()}

    def is_htmx(self) -> bool:
        return self.request.headers.get("HX-Request") == "true"


class JournalTabView(JournalMixin, SupportCardView):
    tab = "journal"

    def make_form(self, graduate, case, data=None):
        return JournalForm(data, region_id=graduate.service.region_id, case=case)

    def render_tab(self, graduate, form, open_case, *, status=200):
        removed = self.request.GET.get("removed") == "1"
        manager = JournalEntry.all_objects.filter(removed_at__isnull=False) if removed else JournalEntry.objects
        entries = (
            manager.filter(graduate=graduate)
            .select_related("author", "domain", "service_kind", "measure", "removed_by")
            .order_by("-date", "-id")
        )
        counts = self.counts(graduate)
        paginator = Paginator(entries, PAGE_SIZE)
        # The counter and the pages count the same rows: one query for both.
        paginator.count = counts["removed_count" if removed else "journal_count"]
        page = paginator.get_page(self.request.GET.get("page"))
        self.with_rights(graduate, page.object_list)
        context = {
            # The quick form is for an open case; a refused entry is shown with its errors anyway.
            "form": form
            if not removed and "change" in self.allowed_on(graduate) and (open_case is not None or form.is_bound)
            else None,
            "open_case": open_case,
            "page": page,
            "query": "removed=1" if removed else "",
            "show_removed": removed,
            "edit_days": self.edit_days(graduate),
            **counts,
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
        htmx = self.is_htmx()
        if form.is_valid():
            if case is None:
                form.add_error(None, _("Сначала откройте сопровождение на вкладке «Сопровождение»."))
            else:
                entry = call_service(
                    form, services.add_journal_entry, case, actor=request.user, request=request, **form.service_kwargs()
                )
                if entry is not None:
                    if htmx:
                        entry = JournalEntry.objects.select_related("author", "domain", "service_kind", "measure").get(
                            pk=entry.pk
                        )
                        self.with_rights(graduate, [entry])
                        context = {
                            "entry": entry,
                            "new": True,
                            "graduate": graduate,
                            "form": self.make_form(graduate, case),
                            **self.counts(graduate),
                        }
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


class JournalEntryView(JournalMixin, SupportCardView):
    """One entry's correction or removal. GET shows the form (in place with htmx), POST calls the service.

    Both need «change» on the graduate (a colleague of the service may see the entry, so it is
    not a 404 for them); the author and the period are the service's rule, and its refusal is a
    400 that says why (a stale form: 409 with the colleague's change named).
    """

    tab = "journal"
    scope_actions = {"get": "change", "post": "change"}
    template_name = ""

    def get_entry(self, graduate) -> JournalEntry:
        return self.get_in_scope(
            JournalEntry.objects.select_related(
                "author", "domain", "service_kind", "measure", "case", "case__graduate", "case__graduate__service"
            ),
            pk=self.kwargs["entry_pk"],
            graduate_id=graduate.pk,
        )

    def make_form(self, graduate, entry, data=None):
        raise NotImplementedError

    def refusal(self, graduate, entry) -> str:
        raise NotImplementedError

    def show(self, graduate, entry, form, *, refusal="", status=200):
        context = {"entry": entry, "form": form, "refusal": refusal}
        if self.is_htmx():
            return render(self.request, self.template_name, {**context, "graduate": graduate}, status=status)
        return render(
            self.request,
            "support/card_journal_entry.html",
            self.card_context(graduate, partial=self.template_name, **context),
            status=status,
        )

    def get(self, request, pk, entry_pk):
        graduate = self.get_object()
        entry = self.get_entry(graduate)
        refusal = self.refusal(graduate, entry)
        return self.show(graduate, entry, None if refusal else self.make_form(graduate, entry), refusal=refusal)

    def done(self, graduate, entry, message: str):
        if not self.is_htmx():
            messages.success(self.request, message)
            return redirect("support:journal", pk=graduate.pk)
        return None

    def post(self, request, pk, entry_pk):
        graduate = self.get_object()
        entry = self.get_entry(graduate)
        form = self.make_form(graduate, entry, request.POST)
        if form.is_valid():
            result = self.run(form, graduate, entry)
            if result is not None:
                return self.succeeded(graduate, result)
        refusal = "" if getattr(form, "stale", None) else self.refusal(graduate, entry)
        return self.show(
            graduate,
            entry,
            None if refusal else form,
            refusal=refusal or "",
            status=409 if getattr(form, "stale", None) else 400,
        )


class JournalEntryEditView(JournalEntryView):
    template_name = "support/_journal_entry_form.html"

    def make_form(self, graduate, entry, data=None):
        return JournalEditForm(data, entry=entry, region_id=graduate.service.region_id)

    def refusal(self, graduate, entry) -> str:
        return services.journal_refusal(entry, self.request.user, edit_days=self.edit_days(graduate))

    def run(self, form, graduate, entry):
        return call_service(
            form,
            services.update_journal_entry,
            entry,
            actor=self.request.user,
            expected_revision=form.expected_revision,
            request=self.request,
            **form.service_kwargs(),
        )

    def succeeded(self, graduate, entry):
        response = self.done(graduate, entry, _("Запись журнала исправлена."))
        if response is not None:
            return response
        entry = JournalEntry.objects.select_related("author", "domain", "service_kind", "measure").get(pk=entry.pk)
        self.with_rights(graduate, [entry])
        return render(
            self.request,
            "support/_journal_corrected.html",
            {"entry": entry, "graduate": graduate, "flash": _("Запись журнала исправлена.")},
        )


class JournalEntryRemoveView(JournalEntryView):
    template_name = "support/_journal_entry_remove.html"

    def may_delete(self, graduate) -> bool:
        return "delete" in self.allowed_on(graduate)

    def make_form(self, graduate, entry, data=None):
        # The coordinator removing a colleague's entry says why; the author may, but need not.
        return JournalRemoveForm(data, entry=entry, reason_required=entry.author_id != self.request.user.pk)

    def refusal(self, graduate, entry) -> str:
        return services.journal_refusal(
            entry,
            self.request.user,
            edit_days=self.edit_days(graduate),
            may_delete=self.may_delete(graduate),
            removing=True,
        )

    def run(self, form, graduate, entry):
        return call_service(
            form,
            services.remove_journal_entry,
            entry,
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
            expected_revision=form.expected_revision,
            request=self.request,
        )

    def succeeded(self, graduate, entry):
        response = self.done(graduate, entry, _("Запись удалена из журнала; она сохранена в истории."))
        if response is not None:
            return response
        return render(
            self.request,
            "support/_journal_removed.html",
            {"entry": entry, "graduate": graduate, **self.counts(graduate)},
        )


urlpatterns = [
    path("graduates/<int:pk>/journal/", JournalTabView.as_view(), name="journal"),
    path("graduates/<int:pk>/journal/<int:entry_pk>/edit/", JournalEntryEditView.as_view(), name="journal_edit"),
    path("graduates/<int:pk>/journal/<int:entry_pk>/remove/", JournalEntryRemoveView.as_view(), name="journal_remove"),
]
