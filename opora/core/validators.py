"""The bounds of every date and identifier a user types: one function per rule, in one place.

Forms, serializers and services call the same functions, so a page, the API and a workflow
called from anywhere else refuse the same input with the same Russian message:

* a form or a serializer field checks what it can without context (:func:`date_validator`:
  not before :data:`EARLIEST`, not after today or a horizon) — a year 9999 or a year 1 never
  reaches the date arithmetic of a workflow;
* the workflow, the last line, checks again with the context it has (the graduate's birth,
  the case's dates, the 23rd birthday) through :func:`check_date` and raises
  :class:`~opora.core.errors.DomainError`, which a view shows at the field and the API answers
  with a 400.

Kinds of dates:

* ``FACT`` — something that happened (identification, contact, signing, a move, a journal entry):
  not in the future;
* ``PLANNED`` — the start of something planned (a contract's start, a plan's period, a level from a
  date): at most :data:`PLANNED_YEARS` ahead;
* ``TERM`` — the end of a term (a contract's or a consent's end, a measure's deadline): at most
  :data:`TERM_YEARS` ahead (a contract has its own, nearer bound: the 23rd birthday).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.errors import DomainError

FACT, PLANNED, TERM = "fact", "planned", "term"
# No record of post-institutional support is older: the regional systems date from the 2000s.
EARLIEST = dt.date(2000, 1, 1)
PLANNED_YEARS = 1
TERM_YEARS = 10
HORIZON_YEARS = {FACT: 0, PLANNED: PLANNED_YEARS, TERM: TERM_YEARS}
# Support ends at 23 (000 §3.1.6); nobody older than this is a graduate of the registry.
SUPPORT_END_AGE = 23
OLDEST_AGE = 60

# The range of the primary keys (BigAutoField) and of the integers the database stores.
MAX_ID = 2**63 - 1


def _fmt(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February gives 1 March (as ``Graduate.turns_23_on``)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the last day of the month when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_date(kind: str, today: dt.date | None = None) -> dt.date:
    """The last day a date of ``kind`` may fall on."""
    today = today or timezone.localdate()
    return years_after(today, HORIZON_YEARS[kind]) if HORIZON_YEARS[kind] else today


def check_date(
    value: dt.date | None,
    *,
    kind: str = FACT,
    field: str | None = None,
    birth_date: dt.date | None = None,
    earliest: dt.date | None = EARLIEST,
    not_before: dt.date | None = None,
    not_before_message: str = "",
    not_after: dt.date | None = None,
    not_after_message: str = "",
) -> dt.date | None:
    """Refuse a date outside its bounds with :class:`DomainError` (``field`` names the field at fault).

    Always: not before ``earliest`` (:data:`EARLIEST`; None for a date of the graduate's own life,
    bounded by their birth) and not after the horizon of ``kind``. With context:
    not before the graduate's ``birth_date``, not before ``not_before`` and not after
    ``not_after`` (with the caller's own messages, as «Контакт не может быть установлен раньше
    выявления.»). The checks run from the widest to the narrowest, so the message names the
    bound that matters most.
    """
    if value is None:
        return None
    if earliest is not None and value < earliest:
        raise DomainError(_("Дата не может быть раньше %(date)s.") % {"date": _fmt(earliest)}, field=field)
    latest = latest_date(kind)
    if value > latest:
        if kind == FACT:
            raise DomainError(_("Дата не может быть в будущем."), field=field)
        raise DomainError(_("Дата слишком далеко в будущем: не позже %(date)s.") % {"date": _fmt(latest)}, field=field)
    if birth_date is not None and value < birth_date:
        raise DomainError(
            _("Дата не может быть раньше дня рождения выпускника (%(date)s).") % {"date": _fmt(birth_date)},
            field=field,
        )
    if not_before is not None and value < not_before:
        raise DomainError(
            not_before_message or _("Дата не может быть раньше %(date)s.") % {"date": _fmt(not_before)}, field=field
        )
    if not_after is not None and value > not_after:
        raise DomainError(
            not_after_message or _("Дата не может быть позже %(date)s.") % {"date": _fmt(not_after)}, field=field
        )
    return value


def date_validator(kind: str = FACT):
    """The context-free part of :func:`check_date` as a field validator (forms, serializers, models)."""

    def validate(value: dt.date | None) -> None:
        try:
            check_date(value, kind=kind)
        except DomainError as err:
            raise ValidationError(err.message, code="date_out_of_range") from None

    validate.kind = kind
    return validate


# --- The graduate's age: birth date and the end of support at 23 -----------------------------------


def check_birth_date(value: dt.date | None, *, field: str = "birth_date") -> dt.date | None:
    """A birth date: not in the future, and not of someone older than :data:`OLDEST_AGE`."""
    if value is None:
        return None
    today = timezone.localdate()
    if value > today:
        raise DomainError(_("Дата не может быть в будущем."), field=field)
    oldest = dt.date(today.year - OLDEST_AGE, 1, 1)
    if value < oldest:
        raise DomainError(
            _("Дата рождения не может быть раньше %(date)s: выпускнику не может быть больше %(age)s лет.")
            % {"date": _fmt(oldest), "age": OLDEST_AGE},
            field=field,
        )
    return value


def support_ends_on(birth_date: dt.date) -> dt.date:
    """The last day of support: the day before the 23rd birthday (the contract's own clause)."""
    return years_after(birth_date, SUPPORT_END_AGE) - dt.timedelta(days=1)


def contract_term(starts_on: dt.date, ends_on: dt.date | None, *, birth_date: dt.date) -> dt.date:
    """The end of a contract starting on ``starts_on``: ``ends_on`` if given, else a year.

    A contract never runs past the day before the 23rd birthday: the default year is cut at that
    day; an end typed past it, or a start on or after the 23rd birthday, is refused.
    """
    last = support_ends_on(birth_date)
    check_date(starts_on, kind=PLANNED, field="starts_on", birth_date=birth_date)
    if starts_on > last:
        raise DomainError(
            _("Выпускнику %(date)s исполняется 23 года: договор о сопровождении с этого дня не заключается.")
            % {"date": _fmt(last + dt.timedelta(days=1))},
            field="starts_on",
        )
    if ends_on is None:
        return min(add_months(starts_on, 12) - dt.timedelta(days=1), last)
    check_date(ends_on, kind=TERM, field="ends_on")
    if ends_on < starts_on:
        raise DomainError(_("Договор не может закончиться раньше, чем начнёт действовать."), field="ends_on")
    if ends_on > last:
        raise DomainError(
            _(
                "Договор действует не дольше, чем до 23 лет выпускника: не позже %(date)s "
                "(23 года исполняется %(birthday)s)."
            )
            % {"date": _fmt(last), "birthday": _fmt(last + dt.timedelta(days=1))},
            field="ends_on",
        )
    return ends_on


def as_validation_error(err: DomainError) -> ValidationError:
    """A refusal of these rules as a model's or a form's ValidationError, at its field."""
    return ValidationError({err.field: [err.message]} if err.field else [err.message])


# --- Places ---------------------------------------------------------------------------------------


def check_place(value: str, *, field: str) -> str:
    """A territory or an address typed by hand must say something: «0» or «-» names no place.

    At least three letters (of any alphabet) — enough for «Омск», not for «0», «--» or «12».
    """
    text = " ".join((value or "").split())
    if text and sum(ch.isalpha() for ch in text) < 3:
        raise DomainError(
            _("Напишите место словами: «%(text)s» не похоже на название территории или адрес.") % {"text": text[:40]},
            field=field,
        )
    return text


def place_validator(value: str) -> None:
    """:func:`check_place` as a field validator (forms, serializers)."""
    try:
        check_place(value, field="place")
    except DomainError as err:
        raise ValidationError(err.message, code="meaningless_place") from None


# --- Identifiers ----------------------------------------------------------------------------------


def parse_id(value) -> int | None:
    """An identifier as the database stores it (1 … 2⁶³−1), or None when ``value`` is not one.

    «1e20», «1.5», «-1», «abc» and numbers past the BigAutoField range are not identifiers: the
    database would overflow (SQLite) or refuse (PostgreSQL) instead of finding nothing.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        text = value.strip()
        if len(text) > 19:
            return None
        number = int(text)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def validate_id(value) -> None:
    """A field validator: an identifier in the database's range (a Russian message otherwise)."""
    if value is not None and parse_id(value) is None:
        raise ValidationError(_("Идентификатор — целое число от 1 до %(max)s.") % {"max": MAX_ID}, code="invalid_id")
