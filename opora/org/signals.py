"""What a change of a member of staff's account sets off, whichever way the account is saved.

The admin, ``createsuperuser``, ``changepassword``, a shell or the demo loader all end in
``User.save()``; catching the change there (and nowhere else) is what makes it hold for all
of them:

* a change of the role, the service, the active flag or the admin rights is written to the
  audit log, with what it was and what it became;
* a new password revokes all the user's API tokens (a key copied by someone who knew the old
  password must not outlive it), and so does blocking the user.

Who made the change is known where a request is at hand: the admin wraps its views in
:func:`acting_as`. A change without it (the command line) is logged without an actor.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from opora.core import audit
from opora.core.models import AuditEvent
from opora.org.models import User

# The fields whose change decides what a user may do (the audit log keeps them as codes and
# names; the audit page shows the role's label, the service's name and «да/нет»).
ACCESS_FIELDS = ("role", "service", "is_active", "is_staff", "is_superuser")
_COLUMNS = ("role", "service_id", "is_active", "is_staff", "is_superuser", "password")

_acting: ContextVar[tuple[User | None, object | None]] = ContextVar("opora_acting", default=(None, None))


@contextlib.contextmanager
def acting_as(actor, request=None):
    """Name ``actor`` (and the request) as the one who changes accounts inside the block."""
    reset = _acting.set((actor, request))
    try:
        yield
    finally:
        _acting.reset(reset)


@receiver(pre_save, sender=User)
def _remember_before(sender, instance: User, raw=False, update_fields=None, **kwargs):
    instance._opora_before = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "service", "service_id", *ACCESS_FIELDS} & set(update_fields):
        return  # a login's last_login, a profile field: nothing to compare
    instance._opora_before = User.objects.filter(pk=instance.pk).values(*_COLUMNS).first()


@receiver(post_save, sender=User)
def _after_save(sender, instance: User, created=False, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_opora_before", None)
    instance._opora_before = None
    if not created and before is None:
        return
    actor, request = _acting.get()
    changes = _access_changes(instance, None if created else before)
    if changes:
        was_in = (before or {}).get("service_id")
        # A move between services is the business of both: each one's coordinator sees it in its log.
        for service_id in dict.fromkeys(s for s in (instance.service_id, was_in) if s is not None) or [None]:
            audit.record(
                AuditEvent.Action.STAFF_ACCESS,
                request=request,
                actor=actor,
                obj=instance,
                service_id=service_id,
                object_repr=_describe(instance),
                changes=changes,
            )
    if created:
        return
    from opora.org import tokens

    # ``set_password`` keeps the new raw password until the save; a hash upgraded at login
    # (Django's check_password setter) does not, and is not a new password.
    if getattr(instance, "_password", None) is not None or (
        instance.password != before["password"] and not instance.has_usable_password()
    ):
        tokens.revoke_all(instance, reason=tokens.RevokeReason.PASSWORD_CHANGED, actor=actor, request=request)
    if before["is_active"] and not instance.is_active:
        tokens.revoke_all(instance, reason=tokens.RevokeReason.USER_DEACTIVATED, actor=actor, request=request)


def _access_changes(user: User, before: dict | None) -> dict:
    """``{field: [was, became]}`` for the access fields that changed (all that are set, for a new user)."""
    after = audit.snapshot(user, ACCESS_FIELDS)
    if before is None:
        # A new account: its role and service, and whatever rights go beyond the defaults.
        return {
            name: [None, value]
            for name, value in after.items()
            if name in ("role", "service") or (name == "is_active" and not value) or (name != "is_active" and value)
        }
    was = dict(before)
    service_id = was.pop("service_id")
    was["service"] = after["service"] if service_id == user.service_id else _service_name(service_id)
    return audit.diff({name: was[name] for name in ACCESS_FIELDS}, after)


def _service_name(service_id: int | None) -> str | None:
    if service_id is None:
        return None
    from opora.org.models import Service

    service = Service.objects.filter(pk=service_id).first()
    return str(service) if service is not None else None


def _describe(user: User) -> str:
    return f"{user.get_username()} ({user.short_name})" if user.short_name else user.get_username()
