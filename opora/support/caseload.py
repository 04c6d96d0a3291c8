"""The caseload (нагрузка специалиста): open cases and who among them needs attention first.

Everything is computed by the database (design rule 5): the level in force comes from the
level history, the last contact from the journal, the deadlines from the current plan and
contract, and the order from an «attention score», all as annotations of one query.

The order, in words:

1. cases in work (контакт установлен, на сопровождении) before cases only identified;
2. then by the attention score, highest first: how far the last contact is past the
   level's norm, in norm intervals (0 while within the norm), plus the number of open plan
   measures past their deadline, plus one when a deadline has already passed (the plan
   was due for review, the contract has ended), plus one when the case is on support but
   its contract ended on a move (the receiving service must sign a new one). A graduate not contacted for 40 days at a
   weekly level scores (40 − 7) / 7 ≈ 4.7; one with two overdue measures and a recent
   contact scores 2;
3. then by the next due date (plan review, contract end, the 23rd birthday within three
   months), the earliest first; cases with nothing due come last;
4. then by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import NotSupportedError
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, NullIf

from opora.support.models import Contract, JournalEntry, LevelChange, PlanMeasure, SupportCase, SupportPlan
from opora.support.services import add_months

# A case before its contract has no level yet: a contact a month is expected meanwhile.
NO_LEVEL_INTERVAL_DAYS = 30
# The 23rd birthday (end of support, 000 §3.1.6) counts as a deadline this many months ahead.
BIRTHDAY_HORIZON_MONTHS = 3
# A deadline this close is shown in amber.
DUE_SOON_DAYS = 14
# Least() of dates where a missing one must lose (SQLite's MIN() returns NULL if any is NULL).
FAR_FUTURE = dt.date(9999, 12, 31)

IN_WORK = (SupportCase.Status.CONTACT, SupportCase.Status.ACTIVE)


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (``end − start``), on PostgreSQL and SQLite."""

    arity = 2
    output_field = IntegerField()

    def __init__(self, end, start):
        super().__init__(end, start)

    def _operands(self, compiler, connection):
        sql, params = [], []
        for expression in self.get_source_expressions():
            part, part_params = compiler.compile(expression)
            sql.append(part)
            params.extend(part_params)
        return sql, tuple(params)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"DaysBetween is not implemented for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra_context):
        (end, start), params = self._operands(compiler, connection)
        return f"(({end})::date - ({start})::date)", params

    def as_sqlite(self, compiler, connection, **extra_context):
        (end, start), params = self._operands(compiler, connection)
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)", params


class YearsAfter(Func):
    """The same day ``years`` years after a date; 29 February gives 1 March, as Graduate.turns_23_on."""

    arity = 1
    output_field = DateField()

    def __init__(self, expression, years: int):
        self.years = int(years)  # an int of ours, never user input: safe to inline
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"YearsAfter is not implemented for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        # Via the day before and back, so that 29 February lands on 1 March, not 28 February.
        return f"((({sql})::date - 1 + INTERVAL '{self.years} years')::date + 1)", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"date({sql}, '+{self.years} years')", params


def birthday_cutoff(today: dt.date) -> dt.date:
    """Graduates born on or before this date turn 23 within the horizon (or already have)."""
    horizon = add_months(today, BIRTHDAY_HORIZON_MONTHS)
    try:
        return horizon.replace(year=horizon.year - 23)
    except ValueError:  # 29 February
        return horizon.replace(year=horizon.year - 23, day=28)


def _date(day: dt.date) -> Value:
    return Value(day, output_field=DateField())


def level_in_force(day: dt.date, field: str = "level") -> Subquery:
    """A value of the level in force on ``day`` for the case in the outer query (from LevelChange)."""
    changes = LevelChange.objects.filter(case=OuterRef("pk"), effective_from__lte=day).order_by(
        "-effective_from", "-id"
    )
    return Subquery(changes.values(field)[:1])


def with_attention(cases: QuerySet, today: dt.date) -> QuerySet:
    """Annotate cases with what the caseload shows and sorts by (see the module's docstring).

    Annotations: ``level_id``, ``level_name``, ``interval_days`` (the norm between contacts),
    ``last_contact_at``, ``days_since_contact``, ``contact_state`` ("ok", "late", "very_late"),
    ``overdue_measures``, ``plan_ends_on``, ``contract_ends_on``, ``turns_23_on`` (only
    within the horizon), ``next_due``, ``next_due_kind`` ("plan", "contract", "age23"),
    ``due_state`` ("", "soon", "past"), ``contract_terminated_at`` (on support, the day the
    latest contract ended on a move: a new one is needed) and ``attention`` (the score).
    """
    today_value = _date(today)
    last_contact = (
        JournalEntry.objects.filter(case=OuterRef("pk"), kind__in=JournalEntry.CONTACT_KINDS, date__lte=today)
        .order_by("-date", "-id")
        .values("date")[:1]
    )
    overdue = (
        PlanMeasure.objects.filter(plan__case=OuterRef("pk"), status__in=PlanMeasure.OPEN_STATUSES, deadline__lt=today)
        # A superseded plan's open measures were carried into the new version: count them once.
        .exclude(plan__status=SupportPlan.Status.SUPERSEDED)
        .order_by()
        .values("plan__case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    plan_end = (
        SupportPlan.objects.filter(case=OuterRef("pk"))
        .exclude(status=SupportPlan.Status.SUPERSEDED)
        .order_by("-version")
        .values("ends_on")[:1]
    )
    contract_end = (
        Contract.objects.filter(case=OuterRef("pk"), terminated_at__isnull=True)
        .order_by("-starts_on", "-id")
        .values("ends_on")[:1]
    )
    # The latest contract's termination: on a case on support only a move ends a contract early
    # (services.transfer._end_contracts_on_move), and then the service that now holds it signs a new one.
    latest_terminated = (
        Contract.objects.filter(case=OuterRef("pk")).order_by("-starts_on", "-id").values("terminated_at")[:1]
    )
    far = _date(FAR_FUTURE)
    qs = cases.annotate(
        contract_terminated_at=Case(
            When(status=SupportCase.Status.ACTIVE, then=Subquery(latest_terminated, output_field=DateField())),
            default=None,
            output_field=DateField(),
        ),
        level_id=level_in_force(today),
        level_name=level_in_force(today, "level__name"),
        contacts_per_month=level_in_force(today, "level__contacts_per_month"),
        last_contact_at=Subquery(last_contact, output_field=DateField()),
        overdue_measures=Coalesce(Subquery(overdue, output_field=IntegerField()), 0),
        plan_ends_on=Subquery(plan_end, output_field=DateField()),
        contract_ends_on=Subquery(contract_end, output_field=DateField()),
        turns_23_on=Case(
            When(graduate__birth_date__lte=birthday_cutoff(today), then=YearsAfter(F("graduate__birth_date"), 23)),
            default=None,
            output_field=DateField(),
        ),
    ).annotate(
        # 30 // contacts a month, at least a day (SupportLevel.contact_interval_days).
        interval_days=Greatest(
            Value(1),
            Coalesce(Value(30) / F("contacts_per_month"), Value(NO_LEVEL_INTERVAL_DAYS)),
            output_field=IntegerField(),
        ),
        # Without a contact in the journal, the clock runs from the latest step of the case.
        days_since_contact=DaysBetween(
            today_value, Coalesce("last_contact_at", "activated_at", "contact_at", "identified_at")
        ),
        next_due=NullIf(
            Least(
                Coalesce("plan_ends_on", far),
                Coalesce("contract_ends_on", far),
                Coalesce("turns_23_on", far),
                output_field=DateField(),
            ),
            far,
        ),
    )
    qs = qs.annotate(
        contact_overdue_days=Greatest(Value(0), F("days_since_contact") - F("interval_days")),
        contact_state=Case(
            When(days_since_contact__gt=2 * F("interval_days"), then=Value("very_late")),
            When(days_since_contact__gt=F("interval_days"), then=Value("late")),
            default=Value("ok"),
            output_field=CharField(),
        ),
        next_due_kind=Case(
            When(next_due=F("turns_23_on"), then=Value("age23")),
            When(next_due=F("contract_ends_on"), then=Value("contract")),
            When(next_due=F("plan_ends_on"), then=Value("plan")),
            default=Value(""),
            output_field=CharField(),
        ),
        due_state=Case(
            When(next_due__lt=today, then=Value("past")),
            When(next_due__lte=today + dt.timedelta(days=DUE_SOON_DAYS), then=Value("soon")),
            default=Value(""),
            output_field=CharField(),
        ),
    )
    return qs.annotate(
        attention=Cast(F("contact_overdue_days"), FloatField()) / Cast(F("interval_days"), FloatField())
        + Cast(F("overdue_measures"), FloatField())
        + Case(When(due_state="past", then=Value(1.0)), default=Value(0.0), output_field=FloatField())
        + Case(
            When(contract_terminated_at__isnull=False, then=Value(1.0)), default=Value(0.0), output_field=FloatField()
        ),
    )


def attention_order(*, by_specialist: bool = False) -> list:
    """The caseload's order (see the module's docstring); by specialist first for a whole service.

    Unassigned cases come first in a service's list: they wait for the coordinator.
    """
    order: list = []
    if by_specialist:
        order = [
            Case(When(specialist__isnull=True, then=Value(0)), default=Value(1)).asc(),
            F("specialist__last_name").asc(),
            F("specialist__first_name").asc(),
            F("specialist_id").asc(),
        ]
    return order + [
        Case(When(status__in=IN_WORK, then=Value(0)), default=Value(1)).asc(),
        F("attention").desc(),
        F("next_due").asc(nulls_last=True),
        F("graduate__last_name").asc(),
        F("graduate__first_name").asc(),
        F("pk").asc(),
    ]


def caseload(cases: QuerySet, today: dt.date, *, by_specialist: bool = False) -> QuerySet:
    """Open cases with their attention facts, in the order of attention; ``cases`` is already scoped."""
    rows = with_attention(cases.open().select_related("graduate", "specialist"), today)
    return rows.order_by(*attention_order(by_specialist=by_specialist))


def needs_attention() -> Q:
    """A case in work whose contact is late, whose measures are overdue, whose deadline has
    passed or whose contract ended on a move."""
    return Q(status__in=IN_WORK, attention__gt=0)


def summary(cases: QuerySet, today: dt.date, group: str, *, names: tuple[str, ...] = ()) -> QuerySet:
    """Counts per ``group`` (a field path: "specialist" or "graduate__service") in one grouped
    query: open cases, those needing attention, those only identified. ``names`` are the
    fields to show and sort the groups by; a group without a name (unassigned) comes first."""
    order = [F(name).asc(nulls_first=True) for name in names] + [F(group).asc(nulls_first=True)]
    return (
        with_attention(cases.open(), today)
        .order_by()
        .values(group, *names)
        .annotate(
            total=Count("pk"),
            attention_count=Count("pk", filter=needs_attention()),
            identified_count=Count("pk", filter=Q(status=SupportCase.Status.IDENTIFIED)),
        )
        .order_by(*order)
    )


def open_case_exists(**lookups) -> Exists:
    """Whether the graduate of the outer query has an open case matching ``lookups``."""
    return Exists(SupportCase.objects.open().filter(graduate=OuterRef("pk"), **lookups))


# --- Panels other apps add to the caseload page ------------------------------------------------
# A later app (assessment: who is due for an assessment this quarter) shows its facts about the same
# cases above the list without support importing it: it registers a panel from its AppConfig.ready().
# ``build(view, cases, today)`` gets the page's view (a ScopedView: what it names, it tells
# ``view.shown``) and the cases the list shows (already scoped and narrowed to the specialist or the
# service), and returns the context of ``template`` (as ``panel``), or None when it has nothing.


@dataclass(frozen=True)
class CaseloadPanel:
    name: str
    template: str
    build: Callable[[Any, QuerySet, dt.date], dict | None]
    order: int = 100


CASELOAD_PANELS: dict[str, CaseloadPanel] = {}


def register_panel(panel: CaseloadPanel) -> None:
    CASELOAD_PANELS[panel.name] = panel


def panels_for(view, cases: QuerySet, today: dt.date) -> list[dict]:
    """The registered panels that have something for these cases: ``{"template", "panel"}`` each."""
    out = []
    for panel in sorted(CASELOAD_PANELS.values(), key=lambda p: (p.order, p.name)):
        context = panel.build(view, cases, today)
        if context is not None:
            out.append({"template": panel.template, "panel": context})
    return out
