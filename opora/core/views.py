"""Base views: every page that shows personal data fetches it through the access scope."""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from opora.core import audit
from opora.core.access import Action, can
from opora.core.forms import BootstrapFormMixin, DateInput
from opora.core.models import AuditEvent, AuditSubject
from opora.core.start import sections_for


def mark_denied(request, model: type[models.Model], pk) -> None:
    """Remember that this request asked for a record outside the user's scope (audited later)."""
    django_request = getattr(request, "_request", request)
    django_request._opora_denied = (model, pk)


def get_in_scope_or_404(request, queryset: models.QuerySet, action: Action = "view", **lookup):
    """The record matching ``lookup`` within the user's scope for ``action``, or 404.

    A record that exists outside the scope answers exactly like one that does not
    exist. Every miss is written to the audit log the same way, whether or not the
    record exists, so that the log itself does not tell which ids exist.
    """
    try:
        return queryset.restrict(request.user, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        # A malformed id is a 404 too, never a 500.
        mark_denied(request, queryset.model, lookup.get("pk", ""))
        raise Http404 from None


# HTTP method -> the access action a page needs by default.
DEFAULT_SCOPE_ACTIONS: dict[str, Action] = {"get": "view", "head": "view", "post": "change"}
# What a rendered page (not a redirect, not an error) tells the audit log it showed.
SHOWN_STATUSES = (200, 400, 409)


class ScopedView(LoginRequiredMixin, View):
    """The base of every page over personal data: scope decided per action, reads audited.

    ``dispatch`` resolves the access action from the HTTP method (``scope_actions``, e.g.
    ``{"get": "change", "post": "change"}`` for an edit form, ``{"post": "receive"}`` for
    accepting a transfer), refuses with 403 a role that may not do it at all, and every
    record fetched through :meth:`get_object` or :meth:`get_in_scope` is looked up within
    the scope for that action (404 outside it). When the page is rendered, the base writes
    the read to the audit log: the first record fetched (the person whose card it is) and
    every row a list showed (:meth:`paginate`, :meth:`shown`). Handlers write no audit of
    reads themselves.

    A read (GET) runs outside any transaction, so that it holds no write lock while it
    queries and renders; its audit rows are written in one short transaction once the page
    is rendered and before the response leaves — if that write fails, the user gets an
    error, not the data. A write (POST) runs in the request's transaction
    (:class:`~opora.core.middleware.AtomicWritesMiddleware`) and its audit rows join it.
    """

    model: type[models.Model]
    scope_actions: dict[str, Action] = DEFAULT_SCOPE_ACTIONS
    read_action: str = AuditEvent.Action.VIEW

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "scope_action" in cls.__dict__:
            raise TypeError(f"{cls.__name__}: declare scope_actions per HTTP method, not one scope_action")

    @classmethod
    def scope_action_for(cls, method: str) -> Action | None:
        """The action a request with ``method`` needs; None for a method the view does not handle."""
        method = method.lower()
        if method not in cls.http_method_names or not hasattr(cls, method) or method == "options":
            return None
        return {**DEFAULT_SCOPE_ACTIONS, **cls.scope_actions}.get(method)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        action = self.scope_action_for(request.method)
        if action is None:
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.scope_action = action
        if not can(request.user, action):
            raise PermissionDenied
        self._fetched: list[models.Model] = []
        self._shown: dict[type[models.Model], list[int]] = {}
        self.audit_changes: dict = {}
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code in SHOWN_STATUSES:
            self._audit_reads()
        return response

    # --- fetching through the scope ------------------------------------------------------------

    def get_queryset(self):
        """The model's rows within the scope for this request's action."""
        return self.get_queryset_unrestricted().restrict(self.request.user, self.scope_action)

    def get_queryset_unrestricted(self):
        """The queryset (with its joins) before the scope; the scope is applied on every fetch."""
        return self.model.objects.all()

    def get_object(self, queryset=None):
        base = queryset if queryset is not None else self.get_queryset_unrestricted()
        return self.get_in_scope(base, pk=self.kwargs["pk"])

    def get_in_scope(self, queryset: models.QuerySet, action: Action | None = None, **lookup):
        """A record within the scope (for this request's action unless told), or 404."""
        obj = get_in_scope_or_404(self.request, queryset, action or self.scope_action, **lookup)
        self._fetched.append(obj)
        return obj

    # --- what a page showed --------------------------------------------------------------------

    def paginate(self, queryset, per_page: int):
        """A page of ``queryset``; its rows are written to the audit log as shown."""
        page = Paginator(queryset, per_page).get_page(self.request.GET.get("page"))
        page.object_list = list(page.object_list)
        self.shown(queryset.model, [obj.pk for obj in page.object_list])
        return page

    def shown(self, model: type[models.Model], ids) -> None:
        """Rows of ``model`` the page shows (a list, a search, a summary)."""
        self._shown.setdefault(model, []).extend(ids)

    def _audit_reads(self) -> None:
        from opora.core import audit

        if not self._fetched and not self._shown:
            return
        with transaction.atomic(savepoint=False):
            self._write_read_audit(audit)

    def _write_read_audit(self, audit) -> None:
        if self._fetched:
            audit.record(self.read_action, request=self.request, obj=self._fetched[0], changes=self.audit_changes)
        for model, ids in self._shown.items():
            audit.record_list_read(self.request, model, ids)


class HomeView(ScopedView):
    """The start page: for those who work with graduates, their working day — the sections the
    apps contribute (opora.core.start: who needs attention today, transfers, what is due);
    the administrator goes to the admin, a role without personal data gets a short note.

    A scoped view like every other: each section fetches within the user's scope, and the
    graduates it shows are written to the audit log as read.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "view"):
            if request.user.is_administrator:
                return redirect("admin:index")
            return render(request, "core/home.html", {"sections": [], "no_data": True})
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, "core/home.html", {"sections": sections_for(self), "today": timezone.localdate()})


# Ready-made views of the audit log («Показать»): key -> (label, filter on AuditEvent).
# Another kind of event (logins and lock-outs, …) is one more entry: register_audit_view().
AUDIT_VIEWS: dict[str, tuple] = {
    "denied": (_("Только отказы в доступе"), models.Q(action=AuditEvent.Action.ACCESS_DENIED)),
    "logins": (_("Входы и блокировки"), models.Q(action__in=AuditEvent.LOGIN_ACTIONS)),
    "accounts": (_("Права сотрудников и API-токены"), models.Q(action__in=AuditEvent.ACCOUNT_ACTIONS)),
}


def register_audit_view(key: str, label, condition: models.Q) -> None:
    AUDIT_VIEWS[key] = (label, condition)


# The largest number a record or person id can be (PostgreSQL integer); beyond it a number is a typo.
MAX_ID = 2**31 - 1


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    show = forms.ChoiceField(label=_("Показать"), required=False)
    action = forms.ChoiceField(
        label=_("Действие"), required=False, choices=[("", _("Все"))] + AuditEvent.Action.choices
    )
    person = forms.CharField(
        label=_("Выпускник"),
        required=False,
        max_length=100,
        help_text=_("Номер или фамилия"),
    )
    user = forms.CharField(label=_("Пользователь"), required=False, max_length=150)
    date_from = forms.DateField(label=_("С"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("По"), required=False, widget=DateInput())
    record = forms.IntegerField(label=_("Номер записи"), required=False, min_value=1, max_value=MAX_ID)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["show"].choices = [("", _("Все события"))] + [(k, v[0]) for k, v in AUDIT_VIEWS.items()]
        self.fields["person"].widget.attrs.update({"placeholder": _("№ или фамилия"), "autocomplete": "off"})

    def clean_person(self):
        value = " ".join(self.cleaned_data["person"].split()).lstrip("№").strip()
        if value.isdigit() and not 1 <= int(value) <= MAX_ID:
            raise ValidationError(_("Нет выпускника с таким номером: проверьте номер."))
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Дата «по» раньше даты «с»."))
        return cleaned


class AuditLogView(ScopedView):
    """The audit log: reads, changes, logins and refusals, for the coordinator and the regional centre.

    Each event shows the people it concerns (AuditSubject): by name where the viewer may see
    them (that showing is itself a read, and audited), else by number. Filters: a ready-made
    view (only refusals of access, …), the action, the person (number or name), the user,
    dates, the record. A filter value that makes no sense is a 400 with the reason at the field.
    """

    model = AuditEvent
    scope_actions = {"get": "audit"}
    per_page = 50

    def get(self, request):
        events = self.get_queryset().select_related("actor", "service", "content_type")
        form = AuditFilterForm(request.GET or None)
        status = 200
        if form.is_bound and not form.is_valid():
            events, status = events.none(), 400
        elif form.is_bound:
            events = self.filtered(events, form.cleaned_data)
        events = events.prefetch_related(
            models.Prefetch("subjects", queryset=AuditSubject.objects.order_by("person_id"))
        )
        page = Paginator(events.order_by("-at", "-id"), self.per_page).get_page(request.GET.get("page"))
        self.name_persons(page.object_list)
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request, "core/audit_list.html", {"form": form, "page": page, "query": query.urlencode()}, status=status
        )

    def filtered(self, events, data):
        if data["show"]:
            events = events.filter(AUDIT_VIEWS[data["show"]][1])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["person"]:
            if data["person"].isdigit():
                persons = [int(data["person"])]
            else:
                persons = audit.persons_named(self.request.user, data["person"])
            events = events.filter(pk__in=AuditSubject.objects.filter(person_id__in=persons).values("event_id"))
        if data["user"]:
            events = events.filter(username__icontains=data["user"].strip())
        if data["date_from"]:
            events = events.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(at__date__lte=data["date_to"])
        if data["record"]:
            events = events.filter(object_id=str(data["record"]))
        return events

    def name_persons(self, events, shown: int = 3) -> None:
        """``event.persons``: [(id, label)] of the first people an event concerns, and how many more.

        A person the viewer may see is named («Иванова Алёна Сергеевна»); another is «выпускник №N»,
        unless the event's record already says that number.
        """
        events = list(events)
        ids = {s.person_id for e in events for s in e.subjects.all()}
        names = audit.person_names(self.request.user, ids)
        model = audit.person_model()
        for event in events:
            persons = [s.person_id for s in event.subjects.all()]
            about_person = model is not None and event.content_type_id and event.content_type.model_class() is model
            event.persons = []
            for pk in persons[:shown]:
                if pk in names:
                    event.persons.append((pk, names[pk]))
                elif not (about_person and event.object_id == str(pk)):
                    event.persons.append((pk, _("выпускник №%(n)s") % {"n": pk}))
            event.more_persons = max(len(persons) - shown, 0)
        if names and model is not None:
            self.shown(model, sorted(names))
