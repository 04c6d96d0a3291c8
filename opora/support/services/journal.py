"""Workflows of the journal: entries, their correction and removal by the rules of the region."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import audit
from opora.core.access import allowed_actions
from opora.core.errors import DomainError
from opora.core.versioning import changed_fields, lock_for_edit, save_bumped
from opora.support.models import JournalEntry, SupportCase
from opora.support.services._common import Action, _fact, _lock, _log, _today


@transaction.atomic
def add_journal_entry(case: SupportCase, *, actor, request=None, **fields) -> JournalEntry:
    """Record a contact or a service. Quick entry needs only the date, the kind and a line of text."""
    case = _lock(case)
    if not case.is_open:
        raise DomainError(_("Сопровождение завершено: новые записи в журнал не вносятся."))
    fields["date"] = fields.get("date") or _today()
    _check_journal_fields(case, fields)
    measure = fields.get("measure")
    if measure is not None and measure.plan.case_id != case.pk:
        raise DomainError(_("Мероприятие из плана другого сопровождения."), field="measure")
    entry = JournalEntry(case=case, graduate_id=case.graduate_id, author=actor, **fields)
    entry.full_clean(exclude=["case", "graduate", "author", "measure", "domain", "service_kind"])
    entry.save()
    _log(
        case,
        actor,
        request,
        {"journal": [None, entry.date.isoformat()], "journal_kind": [None, entry.kind]},
        Action.CREATE,
    )
    return entry


def _check_journal_fields(case: SupportCase, fields: dict[str, Any]) -> None:
    """The rules an entry's content follows, for a new entry and a correction alike."""
    day = fields.get("date")
    if day is not None:
        _fact(day, "date", case.graduate)
        if day < case.identified_at:
            raise DomainError(_("Запись не может быть раньше выявления выпускника."), field="date")
    region_id = case.graduate.service.region_id
    for name in ("domain", "service_kind"):
        if fields.get(name) is not None and fields[name].region_id != region_id:
            raise DomainError(_("Этот справочник не действует в регионе."), field=name)
    if "text" in fields and not (fields.get("text") or "").strip():
        raise DomainError(_("Опишите, что сделано."), field="text")


def journal_refusal(
    entry: JournalEntry, actor, *, edit_days: int, may_delete: bool = False, removing: bool = False, now=None
) -> str:
    """Why ``actor`` may not correct (or, ``removing``, remove) ``entry``; "" when they may.

    The rule (issue 7): an entry is corrected or removed by its author, within the region's
    period after it was entered (``Region.journal_edit_days``); after it the entry is read-only.
    Those who answer for the service's records (the scope's «delete»: the coordinator, the
    regional centre) may remove an erroneous entry of anyone at any time, giving the reason;
    they do not rewrite a colleague's words. Pages ask this to offer (or explain) the buttons;
    the services ask it again under the lock.
    """
    if entry.is_removed:
        return _("Запись уже удалена.")
    now = now or timezone.now()
    until = entry.editable_until(edit_days)
    is_author = actor is not None and entry.author_id is not None and entry.author_id == actor.pk
    if is_author and edit_days > 0 and now <= until:
        return ""
    if removing and may_delete:
        return ""
    if is_author:
        if edit_days <= 0:
            return _("В регионе записи журнала не исправляются после внесения: запись только для чтения.")
        return _(
            "Срок исправления истёк %(until)s: в регионе запись можно исправить или удалить в течение "
            "%(days)s сут. после внесения. Теперь она только для чтения."
        ) % {"until": timezone.localtime(until).strftime("%d.%m.%Y %H:%M"), "days": edit_days}
    author = entry.author.short_name if entry.author is not None else _("не указан")
    return _("Исправить или удалить запись может только её автор (%(author)s).") % {"author": author}


def _lock_journal_entry(entry: JournalEntry, expected_revision: int | None) -> JournalEntry:
    """Lock the entry's case, then the entry (the one order of the workflows, see _lock).

    Returns the locked entry, removed ones too (the caller says why it cannot act on them).
    """
    case = entry.case if "case" in entry._state.fields_cache else SupportCase(pk=entry.case_id)
    case = _lock(case)
    locked = lock_for_edit(
        JournalEntry.all_objects.select_related("author", "domain", "service_kind"), entry.pk, expected_revision
    )
    locked.case, locked.graduate = case, case.graduate
    return locked


def _journal_rights(locked: JournalEntry, actor, *, removing: bool) -> None:
    """The scope first (the entry's service), then the author and the period, under the lock."""
    allowed = allowed_actions(actor, locked, ("change", "delete")) if not locked.is_removed else set()
    if not locked.is_removed and "change" not in allowed:
        raise DomainError(_("Эта запись журнала вне вашей службы."))
    refusal = journal_refusal(
        locked,
        actor,
        edit_days=locked.graduate.service.region.journal_edit_days,
        may_delete="delete" in allowed,
        removing=removing,
    )
    if refusal:
        raise DomainError(refusal, code="journal_locked")


@transaction.atomic
def update_journal_entry(
    entry: JournalEntry, *, actor, expected_revision: int | None = None, request=None, **fields
) -> JournalEntry:
    """Correct an entry: by its author, within the region's period (see :func:`journal_refusal`).

    Only the fields that differ from the locked row are written; the audit event keeps each
    one's value before and after, so the previous text stays readable in the entry's history.
    ``expected_revision`` (the form's hidden field, the API's If-Match) refuses a stale edit.
    """
    locked = _lock_journal_entry(entry, expected_revision)
    _journal_rights(locked, actor, removing=False)
    unknown = set(fields) - set(JournalEntry.EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Эти сведения записи не исправляются: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    if "text" in fields:
        fields["text"] = (fields["text"] or "").strip()
    if "date" in fields and fields["date"] is None:
        raise DomainError(_("Укажите дату."), field="date")
    _check_journal_fields(locked.case, fields)
    changed = changed_fields(locked, fields)
    if not changed:
        return locked
    before = audit.snapshot(locked, changed)
    for name in changed:
        setattr(locked, name, fields[name])
    locked.full_clean(exclude=["case", "graduate", "author", "measure", "domain", "service_kind", "removed_by"])
    marker = save_bumped(locked, changed)
    after = audit.snapshot(locked, changed)
    audit.record(
        Action.UPDATE, request=request, actor=actor, obj=locked, changes={**audit.diff(before, after), **marker}
    )
    return locked


# What a removal keeps readable in the audit event (the entry's row keeps all of it too).
REMOVED_SNAPSHOT = ("date", "kind", "text", "result")


@transaction.atomic
def remove_journal_entry(
    entry: JournalEntry, *, actor, reason: str = "", expected_revision: int | None = None, request=None
) -> JournalEntry:
    """Remove an entry made by mistake: its author within the period, or the coordinator with a reason.

    The entry is marked removed (who, when, why) and hidden from the journal and its counts;
    the row and an audit event with its content stay, so the history still reads what it said.
    """
    locked = _lock_journal_entry(entry, expected_revision)
    _journal_rights(locked, actor, removing=True)
    reason = (reason or "").strip()
    if locked.author_id != getattr(actor, "pk", None) and not reason:
        raise DomainError(_("Укажите причину: запись удаляет не её автор."), field="reason")
    if len(reason) > 300:
        raise DomainError(_("Причина — не длиннее 300 знаков."), field="reason")
    content = audit.snapshot(locked, REMOVED_SNAPSHOT)
    locked.removed_at, locked.removed_by, locked.removed_reason = timezone.now(), actor, reason
    marker = save_bumped(locked, ["removed_at", "removed_by", "removed_reason"])
    changes = {name: [value, None] for name, value in content.items() if value not in (None, "")}
    if reason:
        changes["removed_reason"] = [None, reason]
    audit.record(Action.DELETE, request=request, actor=actor, obj=locked, changes={**changes, **marker})
    return locked
