"""The quarterly rhythm (issue 8, point 8): who is due for an assessment, who is overdue, who is due
for the consilium, whose reassessment task is open — all decided by the database.

Every definition is a filter on support cases (``SupportCase``), so that a caller hands in the cases
it may see (``SupportCase.objects.restrict(user)``, narrowed to a specialist or a service) and gets
them back filtered or counted in one query, whatever their number. For a day ``D`` in quarter ``Q``
(``P`` is the quarter before ``Q``):

* **on support** — the case is on support on ``D`` (``SupportCase.objects.on_support(D)``, from its
  dates). Every list below is a part of these cases.
* **due** (ждёт оценки в этом квартале) — on support on ``D`` and the graduate has no *current*
  (not replaced by a correction) *quarterly* assessment for ``Q``. An extraordinary assessment
  does not stand in for the quarterly one.
* **overdue** (просрочена) — on support on ``D`` and either

  1. a *missed quarter*: the case was on support during the whole of ``P`` (put on support on or
     before ``P``'s first day, not closed before ``P``'s last day), the graduate has no current
     quarterly assessment for ``P``, and none for ``Q`` yet — an assessment made in ``Q`` catches
     up and ends the reminder (the missed quarter stays missed in the summary card); a graduate
     put on support during ``P`` is not overdue: ``P`` was their first, partial quarter; or
  2. an open reassessment task (``AssessmentTask`` OPEN) whose due date is before ``D``.

* **consilium** (ждёт консилиума) — on support on ``D`` and either

  1. the graduate has a current assessment (of either kind) for ``Q`` and no decision of a *held*
     consilium of ``Q``; or
  2. the level in force on ``D`` is provisional (``support.LevelChange`` basis ``"provisional"``,
     set at contract signing until the primary consilium) and no held consilium has decided on
     the graduate since that level took effect. The basis is compared by its value, so this
     holds before and after the support cycle has the choice.

* **tasks** — on support on ``D`` with an open reassessment task (whatever its due date).
* **turning 18** (исполняется 18 в этом квартале) — on support on ``D`` and the 18th birthday falls
  within ``Q`` (a birthday on 29 February is kept on 1 March in a common year, as ``age_on`` counts;
  both days are inside the first quarter). Offered on the rhythm page so that the event is
  recorded; nothing is written by reading it.

The quarters meet exactly at midnight between 31 December and 1 January (and every other quarter
end): on 31 December the previous quarter is the third of that year, on 1 January the fourth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from opora.assessment.models import Assessment, AssessmentTask, Consilium, ConsiliumDecision, quarter_bounds, quarter_of
from opora.core.errors import DomainError
from opora.support.models import LevelChange, SupportCase

# The value of ``support.LevelChange.basis`` for a level set at signing until the primary consilium.
PROVISIONAL_BASIS = "provisional"
# The age whose birthday the rhythm page reminds of (the graduate becomes an adult: a life event).
ADULT_AGE = 18

KINDS = ("due", "overdue", "consilium", "tasks", "turning18")
KIND_LABELS = {
    "due": _("Ждут оценки в этом квартале"),
    "overdue": _("Оценка просрочена"),
    "consilium": _("Ждут консилиума"),
    "tasks": _("Задачи внеочередной оценки"),
    "turning18": _("Исполняется 18 лет в этом квартале"),
}


@dataclass(frozen=True)
class Quarter:
    """A quarter of a year and the day the rhythm is judged on (``day``, inside the quarter)."""

    year: int
    quarter: int
    day: dt.date

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        year, quarter = quarter_of(day)
        return cls(year, quarter, day)

    @classmethod
    def seen_on(cls, year: int, quarter: int, today: dt.date) -> Quarter:
        """The quarter as it stands on ``today``: judged today when it is the current quarter, on its
        last day when it has ended. A quarter that has not begun is refused by the caller."""
        first, last = quarter_bounds(year, quarter)
        return cls(year, quarter, min(max(today, first), last))

    @property
    def first(self) -> dt.date:
        return quarter_bounds(self.year, self.quarter)[0]

    @property
    def last(self) -> dt.date:
        return quarter_bounds(self.year, self.quarter)[1]

    @property
    def previous(self) -> Quarter:
        year, quarter = (self.year - 1, 4) if self.quarter == 1 else (self.year, self.quarter - 1)
        return Quarter(year, quarter, quarter_bounds(year, quarter)[1])

    def __str__(self) -> str:
        return str(_("%(q)s квартал %(y)s г.") % {"q": self.quarter, "y": self.year})


def period_for(year: int | None, quarter: int | None, today: dt.date) -> Quarter:
    """The quarter a rhythm page or list is asked for (the current one when neither is given), as
    seen on ``today``; the one rule for the pages' form and the API's filter. DomainError else."""
    if (year is None) != (quarter is None):
        raise DomainError(_("Укажите и год, и квартал (или ни того, ни другого — текущий квартал)."))
    if year is None:
        return Quarter.of(today)
    if quarter_bounds(year, quarter)[0] > today:
        raise DomainError(_("Этот квартал ещё не начался."), field="quarter")
    return Quarter.seen_on(year, quarter, today)


def _quarterly(year: int, quarter: int) -> Exists:
    """The graduate of the outer case has a current quarterly assessment for the quarter."""
    return Exists(
        Assessment.objects.filter(
            graduate=OuterRef("graduate_id"),
            kind=Assessment.Kind.QUARTERLY,
            replaced_by__isnull=True,
            year=year,
            quarter=quarter,
        )
    )


def _any_assessment(year: int, quarter: int) -> Exists:
    return Exists(
        Assessment.objects.filter(
            graduate=OuterRef("graduate_id"), replaced_by__isnull=True, year=year, quarter=quarter
        )
    )


def _held_decision(**consilium) -> Exists:
    return Exists(
        ConsiliumDecision.objects.filter(
            graduate=OuterRef("graduate_id"),
            consilium__status=Consilium.Status.HELD,
            **{f"consilium__{k}": v for k, v in consilium.items()},
        )
    )


def _open_tasks(**lookups) -> Exists:
    return Exists(
        AssessmentTask.objects.filter(graduate=OuterRef("graduate_id"), status=AssessmentTask.Status.OPEN, **lookups)
    )


def _level_in_force(day: dt.date, field: str) -> Subquery:
    changes = LevelChange.objects.filter(case=OuterRef("pk"), effective_from__lte=day).order_by(
        "-effective_from", "-id"
    )
    return Subquery(changes.values(field)[:1])


def annotate(cases: QuerySet, q: Quarter) -> QuerySet:
    """``cases`` on support on ``q.day`` with the facts of the rhythm as annotations.

    Booleans: ``assessed`` (current quarterly assessment for the quarter), ``is_due``,
    ``is_overdue``, ``is_consilium_due``, ``has_open_task``, ``turns_adult``. Values:
    ``task_due_on`` (the earliest due date of an open task), ``last_assessed_on``,
    ``level_basis`` (of the level in force).
    """
    prev = q.previous
    adult_from, adult_to = _birth_range_turning(ADULT_AGE, q)
    last_assessed = (
        Assessment.objects.filter(graduate=OuterRef("graduate_id"), replaced_by__isnull=True)
        .order_by("-assessed_on", "-id")
        .values("assessed_on")[:1]
    )
    task_due = (
        AssessmentTask.objects.filter(graduate=OuterRef("graduate_id"), status=AssessmentTask.Status.OPEN)
        .order_by("due_on", "id")
        .values("due_on")[:1]
    )
    rows = cases.on_support(q.day).annotate(
        assessed=_quarterly(q.year, q.quarter),
        assessed_previous=_quarterly(prev.year, prev.quarter),
        assessed_any=_any_assessment(q.year, q.quarter),
        decided=_held_decision(year=q.year, quarter=q.quarter, held_on__lte=q.day),
        has_open_task=_open_tasks(created_at__date__lte=q.day),
        has_late_task=_open_tasks(due_on__lt=q.day, created_at__date__lte=q.day),
        level_basis=_level_in_force(q.day, "basis"),
        level_from=_level_in_force(q.day, "effective_from"),
        task_due_on=Subquery(task_due),
        last_assessed_on=Subquery(last_assessed),
    )
    decided_since_level = Exists(
        ConsiliumDecision.objects.filter(
            graduate=OuterRef("graduate_id"),
            consilium__status=Consilium.Status.HELD,
            consilium__held_on__gte=OuterRef("level_from"),
            consilium__held_on__lte=q.day,
        )
    )
    whole_previous = Q(activated_at__lte=prev.first) & (Q(closed_at__isnull=True) | Q(closed_at__gte=prev.last))
    return rows.annotate(decided_since_level=decided_since_level).annotate(
        is_due=~Q(assessed=True),
        is_overdue=(whole_previous & Q(assessed_previous=False) & Q(assessed=False)) | Q(has_late_task=True),
        is_consilium_due=(Q(assessed_any=True) & Q(decided=False))
        | (Q(level_basis=PROVISIONAL_BASIS) & Q(decided_since_level=False)),
        turns_adult=Q(graduate__birth_date__gte=adult_from, graduate__birth_date__lte=adult_to),
    )


def _birth_range_turning(age: int, q: Quarter) -> tuple[dt.date, dt.date]:
    """Births whose ``age``-th birthday falls within the quarter.

    A quarter starts on 1 January, April, July or October and ends on 31 March, 30 June,
    30 September or 31 December — never on 29 February — so the same days ``age`` years earlier
    bound the births exactly; a birth on 29 February has its birthday on 28/29 February or 1 March
    of the first quarter, inside it either way.
    """
    return q.first.replace(year=q.first.year - age), q.last.replace(year=q.last.year - age)


FILTERS = {
    "due": Q(is_due=True),
    "overdue": Q(is_overdue=True),
    "consilium": Q(is_consilium_due=True),
    "tasks": Q(has_open_task=True),
    "turning18": Q(turns_adult=True),
}


def rhythm_list(cases: QuerySet, q: Quarter, kind: str) -> QuerySet:
    """The cases of one rhythm list (``kind`` of :data:`KINDS`), with the annotations of :func:`annotate`."""
    return annotate(cases, q).filter(FILTERS[kind])


def counts(cases: QuerySet, q: Quarter) -> dict[str, int]:
    """The size of every rhythm list, plus ``on_support`` and ``assessed``: one query."""
    return annotate(cases, q).aggregate(**_count_expressions())


def counts_by(cases: QuerySet, q: Quarter, group: str, *names: str) -> QuerySet:
    """The figures of :func:`counts` per ``group`` (``"specialist"`` or ``"graduate__service"``): one
    grouped query; ``names`` are the fields shown for a group (and its order)."""
    order = [F(name).asc(nulls_first=True) for name in names] + [F(group).asc(nulls_first=True)]
    return annotate(cases, q).order_by().values(group, *names).annotate(**_count_expressions()).order_by(*order)


def _count_expressions() -> dict:
    return {
        "on_support": Count("pk"),
        "assessed_count": Count("pk", filter=Q(assessed=True)),
        **{kind: Count("pk", filter=condition) for kind, condition in FILTERS.items()},
    }


def overdue_reason(row, q: Quarter) -> str:
    """Why a row of the overdue list is on it, in words."""
    if getattr(row, "task_due_on", None) and row.task_due_on < q.day:
        return str(_("внеочередная оценка просрочена (срок %(date)s)") % {"date": row.task_due_on.strftime("%d.%m.%Y")})
    return str(_("нет оценки за %(quarter)s") % {"quarter": q.previous})


def open_case_on_support(graduate_id: int, day: dt.date) -> SupportCase | None:
    """The graduate's case on support on ``day`` (at most one is open)."""
    return (
        SupportCase.objects.filter(graduate_id=graduate_id, status=SupportCase.Status.ACTIVE)
        .on_support(day)
        .order_by("-activated_at", "-id")
        .first()
    )
