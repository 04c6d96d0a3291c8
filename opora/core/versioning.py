"""Edits that never overwrite each other silently (design rule 6).

Every editable record carries ``revision``, an edit counter that each write of its row
advances. An edit starts from the revision the user saw (the form's hidden field, the
API's ``If-Match``); the service re-reads the row under a lock, and when the revision has
moved on it refuses with :class:`StaleEdit`, which names who changed what since (read
from the audit log). Otherwise it writes only the fields that differ from the locked row
and computes the history from that row, so the history always equals the data.

Each write that advances a revision files ``{"_rev:<app.model>:<pk>": [old, new]}`` in the
``changes`` of its audit event. That marker is what tells, later, which events a user who
started from revision N has not seen; the history pages hide keys starting with «_».

The pieces:

* :class:`Revisioned` — the abstract model with the ``revision`` field;
* :func:`bump`, :func:`save_bumped` — advance the revision of a queryset or a row;
* :func:`lock_for_edit`, :func:`check_revision`, :class:`StaleEdit` — the refusal;
* :class:`RevisionFormMixin` — the hidden field of an HTML form, and the bound form
  re-shown after a refusal;
* :class:`RevisionedViewSetMixin` — ``ETag`` / ``If-Match`` for the API (428, 412).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, status

from opora.core.errors import DomainError

REVISION_KEY_PREFIX = "_rev:"


class Revisioned(models.Model):
    """An editable record: ``revision`` counts the writes of its row (1 when created)."""

    revision = models.PositiveIntegerField(_("редакция записи"), default=1, editable=False)

    class Meta:
        abstract = True


# --- Advancing the revision ------------------------------------------------------------------------


def revision_key(obj: models.Model) -> str:
    """The key under which an audit event's ``changes`` records that it advanced ``obj``'s revision."""
    return f"{REVISION_KEY_PREFIX}{obj._meta.label_lower}:{obj.pk}"


def bump() -> dict[str, Any]:
    """``queryset.update(..., **bump())``: a bulk write advances every row's revision too."""
    return {"revision": F("revision") + 1}


def save_bumped(instance: Revisioned, fields: Iterable[str]) -> dict[str, list[int]]:
    """Save ``fields`` of ``instance`` (only those) and advance its revision in the same UPDATE.

    The database adds one to whatever the row holds, so no write is counted twice even
    when the caller holds no lock. Returns the audit marker ``{revision_key: [old, new]}``.
    """
    update_fields = [*dict.fromkeys(fields), "revision"]
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields) and "updated_at" not in update_fields:
        update_fields.append("updated_at")
    instance.revision = F("revision") + 1
    instance.save(update_fields=update_fields)
    instance.refresh_from_db(fields=["revision"])
    return {revision_key(instance): [instance.revision - 1, instance.revision]}


def changed_fields(instance: models.Model, values: Mapping[str, Any]) -> list[str]:
    """The names in ``values`` whose value differs from what ``instance`` (the locked row) holds."""
    return [name for name, value in values.items() if getattr(instance, name) != value]


# --- Refusing a stale edit -------------------------------------------------------------------------


@dataclass(frozen=True)
class OtherChange:
    """What another person changed in one save: who, when, and ``[(field label, old, new)]``."""

    who: str
    at: dt.datetime
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)

    def describe(self) -> str:
        parts = "; ".join(
            gettext("%(field)s: «%(old)s» → «%(new)s»") % {"field": label, "old": _shown(old), "new": _shown(new)}
            for label, old, new in self.fields
        )
        head = gettext("Запись уже изменил(а) %(who)s, %(at)s") % {
            "who": self.who,
            "at": timezone.localtime(self.at).strftime("%d.%m.%Y %H:%M"),
        }
        return f"{head}: {parts}." if parts else f"{head}."


def _shown(value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if value is True:
        return gettext("да")
    if value is False:
        return gettext("нет")
    if isinstance(value, list | tuple):
        return ", ".join(force_str(v) for v in value)
    return force_str(value)


def changes_since(
    record: models.Model,
    since: int,
    *,
    filed_under: models.Model | None = None,
) -> list[OtherChange]:
    """The saves of ``record`` after revision ``since``, from the audit log, oldest first.

    ``filed_under`` is the record the events are filed under when it is not ``record``
    itself (a plan measure's events are filed under its graduate, so the card's history shows them).
    """
    from opora.core import audit
    from opora.core.models import AuditEvent

    key = revision_key(record)
    where = Q(content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk))
    if filed_under is not None and filed_under != record:
        where |= Q(content_type=ContentType.objects.get_for_model(filed_under), object_id=str(filed_under.pk))
    found = []
    events = (
        AuditEvent.objects.filter(where, changes__has_key=key)
        .select_related("actor", "content_type")
        .order_by("at", "id")
    )
    for event in events:
        marker = event.changes.get(key)
        if not isinstance(marker, list) or len(marker) != 2 or not isinstance(marker[1], int) or marker[1] <= since:
            continue
        who = (event.actor.short_name or event.actor.username) if event.actor else event.username
        # The log keeps codes; the person reads labels (opora.core.audit, as the card's history does).
        model = event.content_type.model_class() if event.content_type_id else type(record)
        rows = [
            (
                audit.field_label(model, name),
                audit.value_label(model, name, pair[0]),
                audit.value_label(model, name, pair[1]),
            )
            for name, pair in event.changes.items()
            if not name.startswith("_") and isinstance(pair, list) and len(pair) == 2
        ]
        found.append(OtherChange(who=who or gettext("другой сотрудник"), at=event.at, fields=rows))
    return found


class StaleEdit(DomainError):
    """The record changed after the user opened it: the save is refused, nothing is written.

    ``record`` is the row as it is now (locked), ``revision`` its current revision (a form
    shown again carries it, so a second save consciously applies the user's values),
    ``changes`` what others changed since the user's revision.
    """

    def __init__(self, record: models.Model, *, since: int | None, changes: list[OtherChange]):
        self.record = record
        self.revision = record.revision
        self.since = since
        self.changes = changes
        if changes:
            message = " ".join(change.describe() for change in changes)
        else:
            message = gettext("Запись уже изменил другой сотрудник после того, как вы её открыли.")
        message += " " + gettext("Ваши изменения не сохранены: проверьте их и сохраните ещё раз.")
        super().__init__(message, code="stale")


def check_revision(
    record: Revisioned,
    expected_revision: int | None,
    *,
    filed_under: models.Model | None = None,
) -> None:
    """Refuse with :class:`StaleEdit` when ``record`` is no longer at ``expected_revision``.

    ``None`` means the caller did not say which revision it started from (a workflow, a
    script): no check.
    """
    if expected_revision is None or record.revision == expected_revision:
        return
    changes = changes_since(record, expected_revision, filed_under=filed_under)
    raise StaleEdit(record, since=expected_revision, changes=changes)


def lock_for_edit(
    queryset: models.QuerySet,
    pk: Any,
    expected_revision: int | None,
    *,
    filed_under=None,
):
    """The row re-read under a lock (``SELECT … FOR UPDATE`` of the row itself), checked against
    ``expected_revision``. Call inside ``transaction.atomic()``.

    ``filed_under`` may be a callable taking the locked row (e.g. ``lambda m: m.plan.case.graduate``).
    """
    locked = queryset.select_for_update(of=("self",)).get(pk=pk)
    under = filed_under(locked) if callable(filed_under) else filed_under
    check_revision(locked, expected_revision, filed_under=under)
    return locked


# --- HTML forms ----------------------------------------------------------------------------------


class RevisionFormMixin:
    """A form that carries the revision the user started from, in a hidden field ``revision``.

    Use ``form.expected_revision`` when calling the edit service, and on :class:`StaleEdit`
    call ``form.show_stale(err)``: the same bound form is shown again with what the user
    typed, the message naming the other person's changes, and the hidden revision set to
    the current one — so pressing «Сохранить» again applies the user's values knowingly.
    """

    stale: StaleEdit | None = None

    def __init__(self, *args, revision: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if revision is None:
            instance = getattr(self, "instance", None)
            revision = getattr(instance, "revision", None) if getattr(instance, "pk", None) else None
        self.fields["revision"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, min_value=1, initial=revision
        )

    @property
    def expected_revision(self) -> int | None:
        return self.cleaned_data.get("revision")

    def show_stale(self, err: StaleEdit) -> None:
        self.stale = err
        data = self.data.copy()
        data[self.add_prefix("revision")] = str(err.revision)
        self.data = data
        self.add_error(None, err.message)


# --- The API -------------------------------------------------------------------------------------


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = _(
        "Укажите заголовок If-Match с ETag записи (получите его запросом GET): "
        "так ваше изменение не затрёт чужое, сделанное тем временем."
    )


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale"
    default_detail = _("Запись уже изменил другой сотрудник: получите её заново (GET) и повторите изменение.")


def etag(revision: int) -> str:
    return f'"{revision}"'


def parse_if_match(header: str) -> list[str]:
    """The entity tags of an If-Match header, without quotes or the weak prefix ("*" stays "*")."""
    tags = []
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tags.append(tag.strip('"'))
    return [t for t in tags if t]


class RevisionedViewSetMixin:
    """ETag and If-Match for a viewset over a :class:`Revisioned` model.

    * Every answer that carries one record of the viewset's model (GET of a record, PUT,
      PATCH, an action or a creation returning it) has ``ETag: "<revision>"``.
    * PUT and PATCH need ``If-Match``: without it 428; when it names another revision 412
      with what changed since; when it matches, the service gets ``expected_revision``
      (through ``get_serializer_context()["expected_revision"]`` or ``self.expected_revision``)
      and re-checks under the row lock, so a save that slipped in between is a 412 too.
      ``If-Match: *`` knowingly overwrites whatever is there (RFC 9110).
    * The scope comes first: a record out of reach is a 404 whatever the headers say.

    Part of :class:`~opora.core.api.ScopedViewSet`; it acts only on Revisioned models.
    """

    precondition_methods = ("PUT", "PATCH")
    expected_revision: int | None = None

    def revision_filed_under(self, obj):
        """The record whose audit events tell the changes of ``obj`` (``obj`` itself by default)."""
        return None

    def get_object(self):
        obj = super().get_object()
        if self.request.method in self.precondition_methods and isinstance(obj, Revisioned):
            self.expected_revision = self.check_if_match(obj)
        return obj

    def check_if_match(self, obj) -> int | None:
        header = self.request.headers.get("If-Match")
        if not header:
            raise PreconditionRequired()
        tags = parse_if_match(header)
        if "*" in tags:
            return None
        if str(obj.revision) in tags:
            return obj.revision
        since = next((int(t) for t in tags if t.isdigit()), None)
        if since is None:
            raise PreconditionFailed()
        changes = changes_since(obj, since, filed_under=self.revision_filed_under(obj))
        raise PreconditionFailed(StaleEdit(obj, since=since, changes=changes).message)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "expected_revision": self.expected_revision}

    def handle_exception(self, exc):
        if isinstance(exc, StaleEdit):
            exc = PreconditionFailed(exc.message)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        serializer = getattr(getattr(response, "data", None), "serializer", None)
        instance = getattr(serializer, "instance", None)
        model = getattr(getattr(self, "queryset", None), "model", None)
        if (
            200 <= response.status_code < 300
            and model is not None
            and isinstance(instance, model)
            and isinstance(getattr(instance, "revision", None), int)
        ):
            lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
            if lookup is None or str(instance.pk) == str(lookup):
                response["ETag"] = etag(instance.revision)
        return response


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description='ETag записи из ответа на GET, например "3". Без заголовка — 428; если запись уже изменили — 412.',
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=True,
    description='Редакция записи в кавычках, например "3": передайте её в If-Match при изменении.',
)
PRECONDITION_RESPONSES = {
    412: OpenApiResponse(description="Запись уже изменили: в detail — кто, когда и что изменил. Получите её заново."),
    428: OpenApiResponse(description="Нет заголовка If-Match."),
}
