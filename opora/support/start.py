"""The specialist's working day on the start page (opora.core.start): who needs attention today,
transfers waiting, what is due this week.

* A specialist: their own open cases; a coordinator: the whole service's, with a link to the
  service's caseload and the cases no specialist leads yet; the regional centre: the region's
  services in figures (no names: it opens a service's caseload for those).
* Everything is fetched within the user's scope (``restrict``), and the graduates the page names
  are written to the audit log as read (``view.shown``).
* The attention facts are the caseload's (opora.support.caseload, computed by the database):
  the contact late for the level's norm, overdue plan measures, a deadline passed, a contract
  ending within 30 days, a case still waiting for contact or for the contract.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.access import reach
from opora.core.roles import Role
from opora.core.start import StartSection, register_section
from opora.registry.models import Graduate
from opora.support.caseload import IN_WORK, caseload
from opora.support.models import Contract, PlanMeasure, SupportCase, SupportPlan, Transfer
from opora.support.transfer_lists import incoming_count, incoming_pending, notice_overdue, outgoing

# How many people the attention list names; the rest are in «Мои выпускники».
ATTENTION_SHOWN = 10
# A contract ending this soon needs the renewal talk now (the case tab reminds as early).
CONTRACT_NOTICE_DAYS = 30
# «This week»: today and the six days after it.
WEEK_DAYS = 7
DUE_SHOWN = 10
TRANSFERS_SHOWN = 5

Status = SupportCase.Status


def _mode(user) -> str:
    if reach(user) == "region":
        return "regional"
    return "service" if user.role == Role.COORDINATOR else "own"


def needs_attention(row, today: dt.date) -> bool:
    """An open case that needs something done: the caseload's attention (contact late, measures
    overdue, a deadline passed), a contract ending within 30 days, or a case waiting for the
    first contact or for the contract.

    Decided on the caseload's rows in Python: the rows are one person's (or one service's) open
    cases, all computed by the database anyway for the order, and filtering on the annotations
    in SQL would only repeat them in the WHERE clause.
    """
    soon = today + dt.timedelta(days=CONTRACT_NOTICE_DAYS)
    return (
        (row.status in IN_WORK and row.attention > 0)
        or row.status in (Status.IDENTIFIED, Status.CONTACT)
        or (row.status == Status.ACTIVE and row.contract_ends_on is not None and row.contract_ends_on <= soon)
    )


def reasons(row, today: dt.date) -> list[tuple[str, str]]:
    """Why a case is on the list, in words, with a colour: («danger» | «warning» | «info», text)."""
    out: list[tuple[str, str]] = []
    if row.status == Status.IDENTIFIED:
        out.append(("info", _("ждёт установления контакта")))
    elif row.status == Status.CONTACT:
        out.append(("info", _("контакт установлен — нужен договор")))
    if row.status in IN_WORK and row.contact_state != "ok":
        out.append(
            (
                "danger" if row.contact_state == "very_late" else "warning",
                _("нет контакта %(days)s дн. (норма — раз в %(norm)s дн.)")
                % {"days": row.days_since_contact, "norm": row.interval_days},
            )
        )
    if row.overdue_measures:
        out.append(("danger", _("просрочено мероприятий плана: %(n)s") % {"n": row.overdue_measures}))
    if row.contract_ends_on and row.status == Status.ACTIVE:
        if row.contract_ends_on < today:
            out.append(("danger", _("договор закончился %(d)s") % {"d": row.contract_ends_on.strftime("%d.%m.%Y")}))
        elif row.contract_ends_on <= today + dt.timedelta(days=CONTRACT_NOTICE_DAYS):
            out.append(("warning", _("договор до %(d)s") % {"d": row.contract_ends_on.strftime("%d.%m.%Y")}))
    if row.plan_ends_on and row.plan_ends_on < today:
        out.append(("warning", _("период плана закончился %(d)s") % {"d": row.plan_ends_on.strftime("%d.%m.%Y")}))
    if row.turns_23_on and row.turns_23_on <= today + dt.timedelta(days=CONTRACT_NOTICE_DAYS):
        out.append(("warning", _("23 года — %(d)s") % {"d": row.turns_23_on.strftime("%d.%m.%Y")}))
    return out


def _due_this_week(cases, user, today: dt.date) -> dict:
    """Open measures due this week and plan periods ending this week, of ``cases``."""
    week_end = today + dt.timedelta(days=WEEK_DAYS - 1)
    measures = (
        PlanMeasure.objects.restrict(user)
        .filter(
            plan__case__in=cases.values("pk"),
            status__in=PlanMeasure.OPEN_STATUSES,
            deadline__gte=today,
            deadline__lte=week_end,
        )
        .exclude(plan__status=SupportPlan.Status.SUPERSEDED)
        .select_related("plan__case__graduate")
        .order_by("deadline", "id")
    )
    plans = (
        SupportPlan.objects.restrict(user)
        .filter(case__in=cases.values("pk"), ends_on__gte=today, ends_on__lte=week_end)
        .exclude(status=SupportPlan.Status.SUPERSEDED)
        .select_related("case__graduate")
        .order_by("ends_on", "id")
    )
    contracts = (
        Contract.objects.restrict(user)
        .filter(case__in=cases.values("pk"), terminated_at__isnull=True, ends_on__gte=today, ends_on__lte=week_end)
        .select_related("case__graduate")
        .order_by("ends_on", "id")
    )
    items = [
        {"day": m.deadline, "graduate": m.plan.case.graduate, "kind": "measure", "text": m.text, "tab": "plan"}
        for m in measures[: DUE_SHOWN + 1]
    ]
    items += [
        {"day": p.ends_on, "graduate": p.case.graduate, "kind": "plan", "text": str(p), "tab": "plan"}
        for p in plans[: DUE_SHOWN + 1]
    ]
    items += [
        {"day": c.ends_on, "graduate": c.case.graduate, "kind": "contract", "text": str(c), "tab": "case"}
        for c in contracts[: DUE_SHOWN + 1]
    ]
    items.sort(key=lambda i: (i["day"], i["graduate"].last_name, i["graduate"].pk))
    return {"items": items[:DUE_SHOWN], "more": len(items) > DUE_SHOWN, "until": week_end}


def working_day(view) -> dict | None:
    user = view.request.user
    if reach(user) is None:
        return None
    today = timezone.localdate()
    mode = _mode(user)
    context: dict = {"mode": mode, "today": today, "incoming_count": incoming_count(view.request)}
    incoming = list(
        incoming_pending(user).select_related("graduate", "from_service").order_by("notice_due", "id")[:TRANSFERS_SHOWN]
    )
    sent = outgoing(user).filter(status=Transfer.Status.PENDING)
    context["outgoing"] = sent.aggregate(pending=Count("pk"), overdue=Count("pk", filter=notice_overdue(today)))
    for t in incoming:
        t.overdue = t.notice_overdue(today)
    context["incoming"] = incoming
    named = [t.graduate_id for t in incoming]

    cases = SupportCase.objects.restrict(user)
    if mode == "regional":
        context["services"] = list(
            cases.open()
            .order_by()
            .values("graduate__service", "graduate__service__name", "graduate__service__short_name")
            .annotate(
                total=Count("pk"),
                identified=Count("pk", filter=Q(status=Status.IDENTIFIED)),
                unassigned=Count("pk", filter=Q(specialist__isnull=True)),
            )
            .order_by("graduate__service__short_name", "graduate__service__name")
        )
        context["region_totals"] = {
            key: sum(row[key] for row in context["services"]) for key in ("total", "identified", "unassigned")
        }
        _audit_shown(view, named)
        return context

    if mode == "own":
        cases = cases.filter(specialist=user)
    else:
        context["unassigned"] = cases.open().filter(specialist__isnull=True).count()
    rows = [row for row in caseload(cases, today) if needs_attention(row, today)]
    for row in rows[:ATTENTION_SHOWN]:
        row.reasons = reasons(row, today)
    context["attention"] = rows[:ATTENTION_SHOWN]
    context["attention_count"] = len(rows)
    due = _due_this_week(cases.open(), user, today)
    context["due"] = due
    named += [row.graduate_id for row in context["attention"]] + [item["graduate"].pk for item in due["items"]]
    _audit_shown(view, named)
    return context


def _audit_shown(view, ids: list[int]) -> None:
    """The graduates the page names are read: one list-read event with each of them once."""
    if ids:
        view.shown(Graduate, list(dict.fromkeys(ids)))


register_section(StartSection("support:working_day", "support/start_working_day.html", working_day, order=10))
