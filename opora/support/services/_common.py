"""What the workflows of the support cycle share: the clock, date checks, the audit entry, row locks.

Every workflow that locks more than the case takes the case first (``_lock``), then the
transfer, then the graduate: one order, so two workflows never wait for each other in a circle.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from opora.core import audit
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.core.validators import check_date
from opora.core.versioning import save_bumped
from opora.registry.models import Graduate
from opora.support.models import SupportCase

Status = SupportCase.Status
Action = AuditEvent.Action


def _today() -> dt.date:
    return timezone.localdate()


def _fact(day: dt.date, field: str, graduate: Graduate) -> None:
    """A date of something that happened to the graduate: not in the future, not before their birth
    (and within the bounds of opora.core.validators, checked before any date arithmetic)."""
    check_date(day, field=field, birth_date=graduate.birth_date)


def _log(case: SupportCase, actor, request, changes: dict[str, Any], action: str = Action.UPDATE) -> None:
    """Support events are recorded against the graduate, so the card's history shows them.

    The log keeps codes (a status's value, not its label): the history renders the labels
    when it shows them (opora.support.audit_labels).
    """
    # A lazy translation (a repr built with gettext_lazy) cannot go into a JSONField: make it a plain string.
    changes = {key: [force_str(v) if isinstance(v, Promise) else v for v in pair] for key, pair in changes.items()}
    audit.record(action, request=request, actor=actor, obj=case.graduate, changes=changes)


def _lock(case: SupportCase) -> SupportCase:
    """Re-read the case under a row lock so that two people cannot move it at once.

    Only the case's own row is locked (``of=("self",)``): the graduate and the service are
    read along, not locked, so that unrelated work of the same service does not queue.
    Every workflow that locks more than the case takes the case first, then the transfer,
    then the graduate: one order, so two workflows never wait for each other in a circle.

    After the lock the state is checked again: when the graduate has meanwhile passed to
    another service (a transfer accepted at the same moment), the caller acted on what it
    saw before and is refused.
    """
    seen_service_id = case.graduate.service_id if "graduate" in case._state.fields_cache else None
    _take_locks(SupportCase, [case.pk])
    locked = SupportCase.objects.select_related("graduate", "graduate__service").get(pk=case.pk)
    if seen_service_id is not None and locked.graduate.service_id != seen_service_id:
        raise DomainError(
            _("Выпускник тем временем передан в службу «%(service)s»: сопровождение ведёт уже она.")
            % {"service": locked.graduate.service}
        )
    return locked


def _take_locks(model, pks) -> None:
    """Lock the rows of ``model`` (in the order of their ids), reading nothing else.

    The rows are read again afterwards, in a separate query: PostgreSQL re-reads a row it
    waited for, but not the rows joined to it in the same statement, which would still show
    what they held before the wait (a graduate's service from before a transfer was accepted).
    """
    list(model.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk", flat=True))


def _clear_incoming(graduate_id: int) -> dict[str, list[int]]:
    """The graduate is no longer being handed over: clear the receiving service (a write of the
    graduate's row, so its revision advances). Returns the audit marker of that write, if any."""
    graduate = Graduate.objects.select_for_update(of=("self",)).get(pk=graduate_id)
    if graduate.incoming_service_id is None:
        return {}
    graduate.incoming_service = None
    return save_bumped(graduate, ["incoming_service"])


def _check_specialist(user, service_id: int | None, field: str, message: str = "") -> None:
    """A case is led by a specialist (or the coordinator) of the service that holds the graduate."""
    if user.service_id != service_id or user.role not in ("specialist", "coordinator") or not user.is_active:
        raise DomainError(message or _("Специалист не из службы выпускника."), field=field)
