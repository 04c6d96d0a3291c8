"""Writing the audit log. Every function writes in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from opora.core.models import AuditEvent

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
    return AuditEvent.objects.create(
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


def record_list_read(
    request, model: type[models.Model], ids: Iterable[int], *, action: str = Action.LIST
) -> AuditEvent:
    """Record that a list, a search or an export showed these records to the user."""
    return AuditEvent.objects.create(
        action=action,
        actor=_actor(request, None),
        username=request.user.get_username()[:150],
        service_id=getattr(request.user, "service_id", None),
        content_type=ContentType.objects.get_for_model(model),
        record_ids=list(ids),
        ip_address=client_ip(request),
        path=request.path[:300],
    )


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
    if value is None or isinstance(value, bool | int | float | str):
        return value
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
    """The values of ``fields`` as they would be shown in a history (display values for choices)."""
    out: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            out[name] = _plain(instance.pk and [str(o) for o in getattr(instance, name).all()] or [])
        elif field.choices:
            out[name] = _plain(
                getattr(instance, f"get_{name}_display")() if getattr(instance, name) not in (None, "") else None
            )
        else:
            out[name] = _plain(getattr(instance, name))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
