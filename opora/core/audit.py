"""Writing the audit log. Every function writes in the caller's transaction, or in one of its
own when the caller has none (an event and the persons it is filed under, all or nothing)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from opora.core.models import AuditEvent, AuditSubject

Action = AuditEvent.Action


def client_ip(request) -> str | None:
    """The client's address; X-Forwarded-For is believed only behind a configured proxy.

    Only the last address of X-Forwarded-For is taken: it is the one our own proxy added.
    Anything before it was sent by the client and may be forged (to dodge the login
    throttle or to sign the audit log with someone else's address).
    """
    if request is None:
        return None
    if getattr(settings, "OPORA_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def _actor(request, actor):
    if actor is not None:
        return actor
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@transaction.atomic(savepoint=False)
def record(
    action: str,
    *,
    request=None,
    actor=None,
    obj: models.Model | None = None,
    service_id: int | None = None,
    record_ids: Iterable[int] | None = None,
    changes: dict[str, Any] | None = None,
    username: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Write one audit event. ``obj`` names the record; ``record_ids`` the records of a list."""
    who = _actor(request, actor)
    if service_id is None and obj is not None:
        service_id = _service_id_of(obj)
    if service_id is None and who is not None:
        service_id = getattr(who, "service_id", None)
    event = AuditEvent.objects.create(
        action=action,
        actor=who,
        username=(who.get_username() if who is not None else username)[:150],
        service_id=service_id,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        record_ids=list(record_ids or []),
        changes=changes or {},
        ip_address=client_ip(request),
        path=(request.path[:300] if request is not None else ""),
    )
    if obj is not None:
        _file_under(event, [person_of(obj)])
    return event


@transaction.atomic(savepoint=False)
def record_list_read(
    request, model: type[models.Model], ids: Iterable[int], *, action: str = Action.LIST
) -> AuditEvent:
    """Record that a list, a search or an export showed these records to the user."""
    ids = list(ids)
    event = AuditEvent.objects.create(
        action=action,
        actor=_actor(request, None),
        username=request.user.get_username()[:150],
        service_id=getattr(request.user, "service_id", None),
        content_type=ContentType.objects.get_for_model(model),
        record_ids=ids,
        ip_address=client_ip(request),
        path=request.path[:300],
    )
    _file_under(event, persons_of(model, ids))
    return event


# --- Whom an event concerns -----------------------------------------------------------------------
# A model holding personal data names, in ``person_path``, the path to the graduate it concerns
# ("" for the graduate itself). Events about other models (the audit log, a login) concern no one.


def person_of(obj: models.Model) -> int | None:
    """The graduate's id that ``obj`` concerns, from the attributes already loaded where possible."""
    path = getattr(type(obj), "person_path", None)
    if path is None:
        return None
    if path == "":
        return obj.pk
    target: Any = obj
    parts = path.split("__")
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{parts[-1]}_id", None)


def persons_of(model: type[models.Model], ids: list[int]) -> list[int]:
    """The graduates' ids that the records ``ids`` of ``model`` concern (one query at most)."""
    path = getattr(model, "person_path", None)
    if path is None or not ids:
        return []
    if path == "":
        return ids
    return list(model._default_manager.filter(pk__in=ids).values_list(path, flat=True).distinct())


def _file_under(event: AuditEvent, person_ids: Iterable[int | None]) -> None:
    unique = sorted({pk for pk in person_ids if pk is not None})
    if unique:
        AuditSubject.objects.bulk_create(AuditSubject(event=event, person_id=pk, at=event.at) for pk in unique)


def _service_id_of(obj: models.Model) -> int | None:
    """The service that holds ``obj`` (the first holder path of its scope)."""
    scope = getattr(type(obj), "access_scope", None)
    if scope is None or not scope.holder:
        return None
    target: Any = obj
    parts = scope.holder[0].split("__")
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{parts[-1]}_id", None)


def _plain(value: Any) -> Any:
    """A JSON-friendly rendering of a field value for the change history."""
    if isinstance(value, Promise):  # a choice's code is a str; a lazy label never goes into the log
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return str(value) if isinstance(value, models.Choices) else value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Iterable):
        return sorted(str(v) for v in value)
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` as the change log stores them: codes and plain values.

    A choice is kept as its code, a date in ISO form, a flag as True/False, a related record
    as its name; the history renders the labels when it shows them (:func:`value_label`).
    """
    out: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            out[name] = _plain(instance.pk and [str(o) for o in getattr(instance, name).all()] or [])
        elif field.choices:
            value = getattr(instance, name)
            out[name] = _plain(value if value not in (None, "") else None)
        else:
            out[name] = _plain(getattr(instance, name))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


# --- Showing the change log --------------------------------------------------------------------
# The log stores codes; these render them. A key that is a field of the event's model takes the
# field's verbose name and choices; other keys (a workflow's "support_status", "transfer", …) are
# named in a table that each app fills from its AppConfig.ready() with :func:`register_labels`.

_KEY_LABELS: dict[str, tuple[Any, Any]] = {}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def register_labels(table: dict[str, tuple[Any, Any]]) -> None:
    """Add ``{key: (verbose label, choices or None)}`` for change-log keys that are not model fields."""
    _KEY_LABELS.update(table)


# Stands for a file in the change log: its name only, never the storage path.
FILE = object()


def _key_meta(model: type[models.Model] | None, key: str) -> tuple[Any, Any]:
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            pass
        else:
            if isinstance(field, models.FileField):
                return field.verbose_name, FILE
            choices = dict(field.flatchoices) if getattr(field, "choices", None) else None
            return getattr(field, "verbose_name", key), choices
    label, choices = _KEY_LABELS.get(key, (key, None))
    if choices is not None and choices is not FILE and not isinstance(choices, dict):
        choices = dict(choices)
    return label, choices


def is_bookkeeping(key: str) -> bool:
    """A change-log key that is no one's business to read (a revision marker «_rev:…»)."""
    return str(key).startswith("_")


def field_label(model: type[models.Model] | None, key: str) -> str:
    """The name of a change-log key as a person reads it («статус сопровождения», not support_status)."""
    return str(_key_meta(model, key)[0])


def value_label(model: type[models.Model] | None, key: str, value: Any) -> str:
    """A stored value as a person reads it: a choice's label, «да/нет», «дд.мм.гггг», «—»."""
    return _render(value, _key_meta(model, key)[1])


def _render(value: Any, choices: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if choices is FILE:
        # A file is named by its name, never by where the storage keeps it.
        return str(value).replace("\\", "/").rsplit("/", 1)[-1]
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        value = _listed(value)
    if isinstance(value, list | tuple):
        return ", ".join(_render(v, choices) for v in value)
    if isinstance(value, bool) or value in ("True", "False"):
        return _("да") if value in (True, "True") else _("нет")
    if choices is not None and isinstance(value, str | int) and value in choices:
        return str(choices[value])
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
        if _ISO_DATETIME.match(value):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                return value
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%d.%m.%Y %H:%M")
    return str(value)


def _listed(text: str) -> Any:
    """A Python list written out as text (older log entries) read back as a list, else the text."""
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, list) else text


# --- Naming the people in the log ---------------------------------------------------------------
# The audit log files events under a person's number (AuditSubject.person_id); the registry, which
# core does not import, says how to name them and how to find them by name (register_persons).

_PERSONS: dict[str, Any] = {}


def register_persons(*, names, search, model) -> None:
    """``names(user, ids) -> {id: name}`` of the persons the user may see; ``search(user, text)``
    a queryset of the ids of visible persons matching a name; ``model`` the persons' model."""
    _PERSONS.update(names=names, search=search, model=model)


def person_names(user, ids) -> dict[int, str]:
    ids = sorted({int(pk) for pk in ids})
    if not ids or "names" not in _PERSONS:
        return {}
    return _PERSONS["names"](user, ids)


def persons_named(user, text: str):
    """The ids (a queryset) of the persons visible to ``user`` whose name matches ``text``."""
    return _PERSONS["search"](user, text)


def person_model():
    return _PERSONS.get("model")
