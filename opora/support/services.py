"""Workflows of the support cycle.

Each function runs in one transaction, checks the state and the rules of the domain,
raises :class:`DomainError` with a Russian message when they refuse, and writes the
audit event in the same transaction. Views (HTML and API alike) only call these.

The case's state machine::

    выявлен ──► контакт установлен ──► на сопровождении ──► завершено
       │                │                                      ▲
       ├────────────────┴──► отказ от сопровождения            │
       └────────────────┴──────────────────────────────────────┘ (closure from any open state)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from opora.core import audit
from opora.core.access import allowed_actions
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.core.validators import PLANNED, add_months, check_date, check_place, contract_term
from opora.core.versioning import bump, changed_fields, lock_for_edit, save_bumped
from opora.org.models import Service
from opora.registry.models import Graduate
from opora.support.defaults import DEFAULT_DOMAINS, DEFAULT_LEVELS, DEFAULT_SERVICE_KINDS
from opora.support.models import (
    Contract,
    Domain,
    JournalEntry,
    LevelChange,
    PlanGoal,
    PlanMeasure,
    Reassignment,
    ServiceKind,
    SupportCase,
    SupportLevel,
    SupportPlan,
    Transfer,
)

Status = SupportCase.Status
Action = AuditEvent.Action

# The transitions the state machine allows: from -> {to}.
TRANSITIONS: dict[str, set[str]] = {
    Status.IDENTIFIED: {Status.CONTACT, Status.REFUSED, Status.CLOSED},
    Status.CONTACT: {Status.ACTIVE, Status.REFUSED, Status.CLOSED},
    Status.ACTIVE: {Status.CLOSED},
    Status.CLOSED: set(),
    Status.REFUSED: set(),
}


def _today() -> dt.date:
    return timezone.localdate()


def _fact(day: dt.date, field: str, graduate: Graduate) -> None:
    """A date of something that happened to the graduate: not in the future, not before their birth
    (and within the bounds of opora.core.validators, checked before any date arithmetic)."""
    check_date(day, field=field, birth_date=graduate.birth_date)


def _transition(case: SupportCase, to: str) -> None:
    if to not in TRANSITIONS[case.status]:
        raise DomainError(
            _("Нельзя перевести сопровождение из состояния «%(from)s» в состояние «%(to)s».")
            % {"from": case.get_status_display(), "to": Status(to).label}
        )


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


def _lock_plan(plan: SupportPlan) -> SupportPlan:
    """Lock the plan's case, then the plan itself, and check again that the plan may change."""
    case = _lock(plan.case)
    locked = SupportPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    locked.case = case
    return _editable_plan(locked)


def _lock_transfer(transfer: Transfer) -> Transfer:
    """Lock the transfer's case, then the transfer (the one order of the workflows, see _lock)."""
    case = _lock(SupportCase(pk=transfer.case_id))
    locked = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("graduate", "from_service", "to_service")
        .get(pk=transfer.pk)
    )
    locked.case = case
    return locked


def _check_pending(transfer: Transfer) -> None:
    if transfer.status != Transfer.Status.PENDING:
        raise DomainError(
            _("Эта передача уже завершена или отменена (сейчас: «%(status)s»).")
            % {"status": transfer.get_status_display()}
        )


def _require(actor, transfer: Transfer, action: str, message: str) -> None:
    """The access scope (opora.core.access), asked again under the lock: which side may do this.

    Views fetch the transfer through the same scope; this keeps a service called from anywhere
    else (a command, a later workflow) to the same rule instead of a second, hand-written one.
    """
    if action not in allowed_actions(actor, transfer, (action,)):
        raise DomainError(message)


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


# --- Region set-up -----------------------------------------------------------------------------------


@transaction.atomic
def setup_region(region) -> None:
    """Give a region the default directories (levels, domains, service kinds) it does not have yet."""
    if not SupportLevel.objects.filter(region=region).exists():
        SupportLevel.objects.bulk_create(
            SupportLevel(region=region, name=n, order=o, plan_period_months=p, contacts_per_month=c, description=d)
            for n, o, p, c, d in DEFAULT_LEVELS
        )
    if not Domain.objects.filter(region=region).exists():
        Domain.objects.bulk_create(Domain(region=region, name=n, order=i) for i, n in enumerate(DEFAULT_DOMAINS, 1))
    if not ServiceKind.objects.filter(region=region).exists():
        domains = {d.name: d for d in Domain.objects.filter(region=region)}
        ServiceKind.objects.bulk_create(
            ServiceKind(region=region, name=n, domain=domains.get(d), frequency=f, order=i)
            for i, (n, d, f) in enumerate(DEFAULT_SERVICE_KINDS, 1)
        )


# --- The case ------------------------------------------------------------------------------------


@transaction.atomic
def open_case(
    graduate: Graduate, *, actor, identified_at: dt.date | None = None, how: str = "", specialist=None, request=None
) -> SupportCase:
    """Open a new episode of support (выявлен). A graduate has at most one open case."""
    identified_at = identified_at or _today()
    _fact(identified_at, "identified_at", graduate)
    if specialist is not None:
        _check_specialist(specialist, graduate.service_id, "specialist")
    if SupportCase.objects.filter(graduate=graduate, status__in=SupportCase.OPEN_STATUSES).exists():
        raise DomainError(_("У выпускника уже есть незавершённое сопровождение."))
    try:
        with transaction.atomic():
            case = SupportCase.objects.create(
                graduate=graduate,
                identified_at=identified_at,
                identified_how=how,
                specialist=specialist if specialist is not None else (actor if actor.role == "specialist" else None),
            )
    except IntegrityError:
        raise DomainError(_("У выпускника уже есть незавершённое сопровождение.")) from None
    _log(case, actor, request, {"support_case": [None, Status.IDENTIFIED]})
    return case


@transaction.atomic
def establish_contact(
    case: SupportCase, *, actor, on: dt.date | None = None, text: str = "", request=None
) -> SupportCase:
    """Контакт установлен: the graduate has been reached and agreed to talk.

    The contact itself goes into the journal (kind «установление контакта», on the contact's
    date, with ``text`` or «Контакт установлен»), in the same transaction: the journal is
    where the specialist and the caseload's contact norm look for the last contact.
    """
    case = _lock(case)
    on = on or _today()
    _fact(on, "contact_at", case.graduate)
    _transition(case, Status.CONTACT)
    if on < case.identified_at:
        raise DomainError(_("Контакт не может быть установлен раньше выявления."), field="contact_at")
    case.status, case.contact_at = Status.CONTACT, on
    save_bumped(case, ["status", "contact_at"])
    entry = JournalEntry.objects.create(
        case=case,
        graduate_id=case.graduate_id,
        author=actor,
        date=on,
        kind=JournalEntry.Kind.CONTACT,
        text=(text or "").strip() or _("Контакт установлен"),
    )
    _log(
        case,
        actor,
        request,
        {
            "support_status": [Status.IDENTIFIED, Status.CONTACT],
            "journal": [None, entry.date.isoformat()],
            "journal_kind": [None, entry.kind],
        },
    )
    return case


def next_contract_number(service, year: int) -> tuple[str, int]:
    """«N/ГГГГ»: the next number of the service's contracts in that year.

    A number typed by hand has no sequence; the automatic one skips it rather than collide with it.
    """
    contracts = Contract.objects.filter(service=service, year=year)
    sequence = (contracts.aggregate(m=Max("sequence"))["m"] or 0) + 1
    typed = set(contracts.filter(sequence__isnull=True).values_list("number", flat=True))
    while f"{sequence}/{year}" in typed:
        sequence += 1
    return f"{sequence}/{year}", sequence


@transaction.atomic
def sign_contract(
    case: SupportCase,
    *,
    actor,
    level: SupportLevel | None = None,
    signed_at: dt.date,
    help_agreed: str,
    graduate_obligations: str,
    termination_terms: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    number: str = "",
    scan=None,
    level_reason: str = "",
    request=None,
) -> Contract:
    """Sign the contract and put the graduate on support (на сопровождении) at ``level``.

    Needs a written consent to personal-data processing in force; the term defaults to a year.

    A case already on support whose contract is no longer in force (it ended by its own clause
    when the graduate moved to this service, or its term ran out) gets a new contract the same
    way: see :func:`_sign_new_contract`.
    """
    # What the caller saw: a first signing that finds the case put on support meanwhile is
    # refused as the state machine refuses it, not turned into a second contract.
    seen_status = case.status
    case = _lock(case)
    terms = {
        "signed_at": signed_at,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "number": number,
        "help_agreed": help_agreed,
        "graduate_obligations": graduate_obligations,
        "termination_terms": termination_terms,
        "scan": scan,
    }
    if case.status == Status.ACTIVE and seen_status == Status.ACTIVE:
        return _sign_new_contract(case, actor=actor, level=level, level_reason=level_reason, request=request, **terms)
    _transition(case, Status.ACTIVE)
    _fact(signed_at, "signed_at", case.graduate)
    if case.contact_at and signed_at < case.contact_at:
        raise DomainError(_("Договор не может быть подписан раньше установления контакта."), field="signed_at")
    _check_consent(case.graduate, signed_at)
    if level is None:
        raise DomainError(_("Выберите уровень сопровождения."), field="level")
    _check_level(level, case)
    starts_on = starts_on or signed_at
    check_date(
        starts_on,
        kind=PLANNED,
        field="starts_on",
        birth_date=case.graduate.birth_date,
        not_before=case.identified_at,
        not_before_message=_("Договор не может начать действовать раньше выявления выпускника (%(date)s).")
        % {"date": case.identified_at.strftime("%d.%m.%Y")},
    )
    contract = _create_contract(case, actor=actor, **{**terms, "starts_on": starts_on})
    case.status, case.activated_at = Status.ACTIVE, contract.starts_on
    save_bumped(case, ["status", "activated_at"])
    LevelChange.objects.create(
        case=case,
        level=level,
        effective_from=contract.starts_on,
        basis=LevelChange.Basis.PROVISIONAL,
        reason=level_reason or _("Уровень определён при заключении договора."),
        decided_by=actor,
    )
    _log(
        case,
        actor,
        request,
        {
            "support_status": [Status.CONTACT, Status.ACTIVE],
            "contract": [None, str(contract)],
            "support_level": [None, level.name],
        },
    )
    return contract


def _check_consent(graduate: Graduate, on: dt.date) -> None:
    in_force = Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    if not graduate.consents.filter(in_force, withdrawn_at__isnull=True, given_at__lte=on).exists():
        raise DomainError(
            _(
                "Нет действующего письменного согласия на обработку персональных данных: внесите его на вкладке «Согласие»."
            ),
            code="no_consent",
        )


def _check_level(level: SupportLevel, case: SupportCase) -> None:
    if level.region_id != case.graduate.service.region_id or not level.is_active:
        raise DomainError(_("Этот уровень сопровождения не действует в регионе."), field="level")


def contract_in_force_or_waiting(contracts, day: dt.date) -> Contract | None:
    """The contract among ``contracts`` that holds on ``day`` or is still to start (a renewal), if any."""
    live = [c for c in contracts if c.terminated_at is None and c.ends_on >= day]
    return min(live, key=lambda c: (c.starts_on, c.pk)) if live else None


def last_day_in_force(contract: Contract) -> dt.date:
    """The last day the contract was in force: the day before its termination, else its end."""
    if contract.terminated_at is not None:
        return min(contract.ends_on, contract.terminated_at - dt.timedelta(days=1))
    return contract.ends_on


def _sign_new_contract(
    case: SupportCase, *, actor, level: SupportLevel | None, level_reason: str, request, **terms
) -> Contract:
    """A new contract on a case on support with no contract in force (runs under sign_contract's lock).

    After a transfer is accepted the sending service's contract has ended by its moving clause;
    the receiving service, now the holder, signs its own contract with the graduate, under its
    own number (per service and year). Refused while any contract is in force or waiting to
    start, and while a transfer of the case is pending (locked after the case: the one order).
    The level in force stays, its history untouched, unless ``level`` names another one: then
    a level change from the new contract's first day.
    """
    # The access scope, asked again under the lock: after the move only the receiving service
    # holds the graduate; the sending one (whatever it still has open in a tab) is refused.
    if "change" not in allowed_actions(actor, case, ("change",)):
        raise DomainError(_("Новый договор заключает служба, которая ведёт сопровождение выпускника."))
    today = _today()
    signed_at = terms["signed_at"]
    _fact(signed_at, "signed_at", case.graduate)
    if Transfer.objects.select_for_update(of=("self",)).filter(case=case, status=Transfer.Status.PENDING).exists():
        raise DomainError(
            _("Выпускник передаётся в другую службу: новый договор заключит служба, которая примет сопровождение.")
        )
    contracts = list(Contract.objects.select_for_update(of=("self",)).filter(case=case).order_by("starts_on", "id"))
    live = contract_in_force_or_waiting(contracts, today)
    if live is not None:
        raise DomainError(
            _("У выпускника есть действующий договор: %(contract)s, по %(date)s. Новый договор не заключается.")
            % {"contract": live, "date": live.ends_on.strftime("%d.%m.%Y")}
        )
    starts_on = terms["starts_on"] or signed_at
    check_date(starts_on, kind=PLANNED, field="starts_on", birth_date=case.graduate.birth_date)
    previous = max(contracts, key=last_day_in_force, default=None)
    if previous is not None and starts_on <= last_day_in_force(previous):
        raise DomainError(
            _("Новый договор не может начаться раньше, чем закончился прежний (%(contract)s действовал по %(date)s).")
            % {"contract": previous, "date": last_day_in_force(previous).strftime("%d.%m.%Y")},
            field="starts_on",
        )
    _check_consent(case.graduate, signed_at)
    before = case.level_on(starts_on)
    if level is None and before is None:
        raise DomainError(_("Выберите уровень сопровождения."), field="level")
    if level is not None:
        _check_level(level, case)
    contract = _create_contract(case, actor=actor, **{**terms, "starts_on": starts_on})
    changes: dict[str, Any] = {"contract": [str(previous) if previous else None, str(contract)]}
    if level is not None and (before is None or before.pk != level.pk):
        LevelChange.objects.create(
            case=case,
            level=level,
            effective_from=contract.starts_on,
            basis=LevelChange.Basis.OTHER,
            reason=level_reason or _("Уровень пересмотрен при заключении нового договора."),
            decided_by=actor,
        )
        changes["support_level"] = [before.name if before else None, level.name]
    _log(case, actor, request, changes)
    return contract


def _create_contract(
    case,
    *,
    actor,
    signed_at,
    starts_on,
    ends_on,
    number,
    help_agreed,
    graduate_obligations,
    termination_terms,
    scan,
    renewed_from=None,
) -> Contract:
    service = case.graduate.service
    # A year by default, never past the day before the 23rd birthday (opora.core.validators).
    ends_on = contract_term(starts_on, ends_on, birth_date=case.graduate.birth_date)
    if ends_on < signed_at:
        raise DomainError(_("Договор не может закончиться раньше, чем подписан."), field="ends_on")
    if not help_agreed.strip():
        raise DomainError(_("Укажите меры помощи, о которых договорились."), field="help_agreed")
    if not graduate_obligations.strip():
        raise DomainError(
            _("Укажите обязательства выпускника: он — равноправная сторона договора."), field="graduate_obligations"
        )
    year = signed_at.year
    # Numbers run per service and year: the service's row is the lock that makes two signings
    # at once take turns, so the second one counts the first one's number.
    service = Service.objects.select_for_update().get(pk=service.pk)
    auto_number, sequence = next_contract_number(service, year)
    number = (number or "").strip() or auto_number
    if number != auto_number:
        sequence = None
    if Contract.objects.filter(service=service, year=year, number=number).exists():
        raise DomainError(
            _("Договор с номером %(n)s в %(y)s году уже есть.") % {"n": number, "y": year}, field="number"
        )
    contract = Contract(
        case=case,
        service=service,
        number=number,
        year=year,
        sequence=sequence,
        signed_at=signed_at,
        starts_on=starts_on,
        ends_on=ends_on,
        help_agreed=help_agreed,
        graduate_obligations=graduate_obligations,
        termination_terms=termination_terms,
        renewed_from=renewed_from,
        created_by=actor,
    )
    if scan:
        contract.scan = scan
    contract.full_clean(exclude=["case", "service", "renewed_from", "created_by"])
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError:
        # A belt to the lock's braces: a number taken at the same moment is a refusal, never a 500.
        raise DomainError(
            _("Договор с номером %(n)s в %(y)s году уже есть.") % {"n": number, "y": year}, field="number"
        ) from None
    return contract


@transaction.atomic
def renew_contract(
    contract: Contract,
    *,
    actor,
    signed_at: dt.date,
    ends_on: dt.date | None = None,
    number: str = "",
    request=None,
    **terms,
) -> Contract:
    """Renew a contract for a new term, starting the day after the old one ends (or on signing, if later)."""
    case = _lock(contract.case)
    if case.status != Status.ACTIVE:
        raise DomainError(_("Продлить можно договор только по действующему сопровождению."))
    if hasattr(contract, "renewal"):
        raise DomainError(_("Этот договор уже продлён."))
    contract.refresh_from_db(fields=["terminated_at"])
    if contract.terminated_at is not None:
        raise DomainError(
            _("Договор расторгнут %(date)s: продлить его нельзя — заключите новый договор.")
            % {"date": contract.terminated_at.strftime("%d.%m.%Y")}
        )
    if contract.service_id != case.graduate.service_id:
        # A contract of the service the graduate left: this service signs its own, under its own number.
        raise DomainError(
            _("Договор заключён другой службой («%(service)s»): продлить его нельзя — заключите новый договор.")
            % {"service": contract.service}
        )
    _fact(signed_at, "signed_at", case.graduate)
    if signed_at < contract.signed_at:
        raise DomainError(
            _("Продление не может быть подписано раньше прежнего договора (%(date)s).")
            % {"date": contract.signed_at.strftime("%d.%m.%Y")},
            field="signed_at",
        )
    starts_on = max(contract.ends_on + dt.timedelta(days=1), signed_at)
    renewal = _create_contract(
        case,
        actor=actor,
        signed_at=signed_at,
        starts_on=starts_on,
        ends_on=ends_on,
        number=number,
        help_agreed=terms.get("help_agreed") or contract.help_agreed,
        graduate_obligations=terms.get("graduate_obligations") or contract.graduate_obligations,
        termination_terms=terms.get("termination_terms") or contract.termination_terms,
        scan=terms.get("scan"),
        renewed_from=contract,
    )
    _log(case, actor, request, {"contract": [str(contract), str(renewal)]})
    return renewal


@transaction.atomic
def change_level(
    case: SupportCase,
    level: SupportLevel,
    *,
    actor,
    reason: str,
    effective_from: dt.date | None = None,
    basis: str = LevelChange.Basis.CONSILIUM,
    request=None,
) -> LevelChange:
    """Change the support level from a date; the history keeps who decided, when and why."""
    case = _lock(case)
    if case.status != Status.ACTIVE:
        raise DomainError(_("Уровень меняют только по действующему сопровождению."))
    effective_from = effective_from or _today()
    check_date(effective_from, kind=PLANNED, field="effective_from", birth_date=case.graduate.birth_date)
    if not reason.strip():
        raise DomainError(_("Укажите обоснование смены уровня."), field="reason")
    if case.activated_at and effective_from < case.activated_at:
        raise DomainError(_("Уровень не может меняться раньше постановки на сопровождение."), field="effective_from")
    if level.region_id != case.graduate.service.region_id or not level.is_active:
        raise DomainError(_("Этот уровень сопровождения не действует в регионе."), field="level")
    before = case.level_on(effective_from)
    if before is not None and before.pk == level.pk:
        raise DomainError(_("Этот уровень и так действует на эту дату."), field="level")
    change = LevelChange.objects.create(
        case=case, level=level, effective_from=effective_from, basis=basis, reason=reason, decided_by=actor
    )
    _log(case, actor, request, {"support_level": [before.name if before else None, level.name]})
    return change


@transaction.atomic
def refuse(case: SupportCase, *, actor, on: dt.date | None = None, note: str = "", request=None) -> SupportCase:
    """Отказ от сопровождения before a contract: the graduate stays in the registry."""
    case = _lock(case)
    on = on or _today()
    _fact(on, "closed_at", case.graduate)
    _transition(case, Status.REFUSED)
    if on < case.identified_at:
        raise DomainError(_("Отказ не может быть оформлен раньше выявления."), field="closed_at")
    before = case.status
    case.status, case.closed_at, case.close_reason, case.close_report = (
        Status.REFUSED,
        on,
        SupportCase.CloseReason.REFUSAL,
        note,
    )
    save_bumped(case, ["status", "closed_at", "close_reason", "close_report"])
    _log(case, actor, request, {"support_status": [before, Status.REFUSED]})
    return case


@transaction.atomic
def close_case(
    case: SupportCase, *, actor, reason: str, on: dt.date | None = None, report: str = "", request=None
) -> SupportCase:
    """Close the case with a reason and a closing report (000 §3.1.6). Open measures are cancelled."""
    case = _lock(case)
    on = on or _today()
    _fact(on, "closed_at", case.graduate)
    _transition(case, Status.CLOSED)
    if reason not in SupportCase.CloseReason.values:
        raise DomainError(_("Укажите причину завершения."), field="close_reason")
    if case.status == Status.ACTIVE and not report.strip():
        raise DomainError(_("Напишите итоговое заключение о сопровождении."), field="close_report")
    if reason == SupportCase.CloseReason.AGE_23 and case.graduate.age_on(on) < 23:
        raise DomainError(_("Выпускнику на эту дату ещё нет 23 лет."), field="close_reason")
    if on < case.identified_at:
        raise DomainError(_("Сопровождение не может завершиться раньше выявления."), field="closed_at")
    before = case.status
    # The pending transfer, locked after the case (the one order): an accept at the same moment
    # either took the graduate first (and _lock refused) or finds the transfer cancelled.
    pending = list(Transfer.objects.select_for_update(of=("self",)).filter(case=case, status=Transfer.Status.PENDING))
    case.status, case.closed_at, case.close_reason, case.close_report = Status.CLOSED, on, reason, report
    save_bumped(case, ["status", "closed_at", "close_reason", "close_report"])
    Contract.objects.filter(case=case, terminated_at__isnull=True, ends_on__gte=on).update(
        terminated_at=on, termination_reason=SupportCase.CloseReason(reason).label, **bump()
    )
    # Open measures are cancelled; what was written in their result stays as it was.
    cancelled = PlanMeasure.objects.filter(plan__case=case, status__in=PlanMeasure.OPEN_STATUSES).update(
        status=PlanMeasure.Status.CANCELLED, **bump()
    )
    changes: dict[str, Any] = {"support_status": [before, Status.CLOSED], "close_reason": [None, reason]}
    if cancelled:
        changes["plan_measures_cancelled"] = [None, cancelled]
    if pending:
        Transfer.objects.filter(pk__in=[t.pk for t in pending]).update(status=Transfer.Status.CANCELLED, **bump())
        changes.update(_clear_incoming(case.graduate_id))
        changes["transfer_status"] = [Transfer.Status.PENDING, Transfer.Status.CANCELLED]
    _log(case, actor, request, changes)
    return case


# --- The individual plan -------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    case: SupportCase, *, actor, starts_on: dt.date | None = None, review_reason: str = "", request=None
) -> SupportPlan:
    """A new version of the plan. Its period comes from the level in force; the previous version
    is kept, read-only, and its unfinished measures are carried into the new one."""
    case = _lock(case)
    if case.status != Status.ACTIVE:
        raise DomainError(_("План составляют для выпускника на сопровождении (после договора)."))
    starts_on = starts_on or _today()
    check_date(starts_on, kind=PLANNED, field="starts_on", birth_date=case.graduate.birth_date)
    level = case.level_on(starts_on)
    if level is None:
        raise DomainError(_("На эту дату не определён уровень сопровождения."), field="starts_on")
    previous = case.plans.exclude(status=SupportPlan.Status.SUPERSEDED).order_by("-version").first()
    version = (case.plans.aggregate(m=Max("version"))["m"] or 0) + 1
    if previous is not None and not review_reason.strip():
        raise DomainError(_("Укажите причину пересмотра плана."), field="review_reason")
    plan = SupportPlan.objects.create(
        case=case,
        version=version,
        level=level,
        starts_on=starts_on,
        ends_on=add_months(starts_on, level.plan_period_months) - dt.timedelta(days=1),
        review_reason=review_reason,
        created_by=actor,
    )
    if previous is not None:
        goals = {}
        for goal in previous.goals.all():
            goals[goal.pk] = PlanGoal.objects.create(plan=plan, domain=goal.domain, text=goal.text, order=goal.order)
        for measure in previous.measures.filter(status__in=PlanMeasure.OPEN_STATUSES):
            PlanMeasure.objects.create(
                plan=plan,
                goal=goals.get(measure.goal_id),
                domain=measure.domain,
                text=measure.text,
                responsible=measure.responsible,
                responsible_name=measure.responsible_name,
                # Within the new period, which may be shorter than the old one (a level change).
                deadline=min(max(measure.deadline, starts_on), plan.ends_on),
                status=measure.status,
                carried_from=measure,
            )
        previous.status = SupportPlan.Status.SUPERSEDED
        save_bumped(previous, ["status"])
    _log(case, actor, request, {"support_plan": [str(previous) if previous else None, str(plan)]})
    return plan


def _editable_plan(plan: SupportPlan) -> SupportPlan:
    if plan.status == SupportPlan.Status.SUPERSEDED:
        raise DomainError(_("Это прежняя версия плана: её можно только читать."))
    if plan.case.status != Status.ACTIVE:
        raise DomainError(_("Сопровождение не действует: план менять нельзя."))
    return plan


def _check_draft(plan: SupportPlan) -> None:
    """The goals and measures of an approved plan are what was agreed and signed with the graduate
    (domain.md, the individual plan): they change only in a new version, approved again. Progress
    (status, result) is still recorded on the approved plan — that is its execution, not a change.
    """
    if plan.status == SupportPlan.Status.APPROVED:
        raise DomainError(
            _(
                "План утверждён %(date)s: его цели и мероприятия не меняются. Чтобы изменить их, составьте "
                "новую версию плана («Новая версия плана») — цели и невыполненные мероприятия перейдут в неё, "
                "а утверждённая версия сохранится."
            )
            % {"date": plan.approved_at.strftime("%d.%m.%Y") if plan.approved_at else ""},
            code="plan_approved",
        )


@transaction.atomic
def add_goal(plan: SupportPlan, *, actor, domain: Domain, text: str, request=None) -> PlanGoal:
    """Add a goal in one life domain to a draft plan (an approved one changes in a new version)."""
    plan = _lock_plan(plan)
    _check_draft(plan)
    if domain.region_id != plan.case.graduate.service.region_id:
        raise DomainError(_("Эта сфера не действует в регионе."), field="domain")
    if not text.strip():
        raise DomainError(_("Сформулируйте цель."), field="text")
    goal = PlanGoal.objects.create(plan=plan, domain=domain, text=text.strip(), order=plan.goals.count() + 1)
    _log(plan.case, actor, request, {"plan_goal": [None, f"{domain.name}: {goal.text}"]})
    return goal


@transaction.atomic
def add_measure(plan: SupportPlan, *, actor, request=None, **fields) -> PlanMeasure:
    """Add a measure to a draft plan; its deadline must fall within the plan's period."""
    plan = _lock_plan(plan)
    _check_draft(plan)
    goal = fields.get("goal")
    if goal is not None and goal.plan_id != plan.pk:
        raise DomainError(_("Цель из другого плана."), field="goal")
    domain = fields.get("domain")
    if domain is not None and domain.region_id != plan.case.graduate.service.region_id:
        raise DomainError(_("Эта сфера не действует в регионе."), field="domain")
    deadline = fields["deadline"]
    if not plan.starts_on <= deadline <= plan.ends_on:
        raise DomainError(
            _("Срок должен быть в периоде плана: с %(a)s по %(b)s.")
            % {"a": plan.starts_on.strftime("%d.%m.%Y"), "b": plan.ends_on.strftime("%d.%m.%Y")},
            field="deadline",
        )
    measure = PlanMeasure(plan=plan, **fields)
    if goal is not None and not fields.get("domain"):
        measure.domain = goal.domain
    measure.full_clean(exclude=["plan", "goal", "carried_from"])
    measure.save()
    _log(plan.case, actor, request, {"plan_measure": [None, measure.text]})
    return measure


# How a refused save names the audit keys of a measure (its events are filed under the graduate).
_KEEP: Any = object()


@transaction.atomic
def update_measure(
    measure: PlanMeasure,
    *,
    actor,
    status: str | None = None,
    result: str | None = None,
    done_at: dt.date | None = _KEEP,
    expected_revision: int | None = None,
    request=None,
) -> PlanMeasure:
    """Record the progress of a measure: its status and, when finished, the result.

    What is not given stays as the row holds it now. ``expected_revision`` is the revision
    the user started from: a save made since refuses this one with
    :class:`~opora.core.versioning.StaleEdit`. Only the fields that differ from the locked
    row are written, and the history is computed from that row. Locks: the case, the plan,
    then the measure (the one order of the workflows, see _lock).
    """
    plan = _lock_plan(measure.plan)
    measure = lock_for_edit(
        PlanMeasure.objects.all(),
        measure.pk,
        expected_revision,
        filed_under=lambda m: plan.case.graduate,
    )
    measure.plan = plan
    status = measure.status if status is None else status
    result = measure.result if result is None else result
    done_at = measure.done_at if done_at is _KEEP else done_at
    if status not in PlanMeasure.Status.values:
        raise DomainError(_("Неизвестный статус."), field="status")
    finished = status in (PlanMeasure.Status.DONE, PlanMeasure.Status.NOT_DONE)
    if finished and not result.strip():
        raise DomainError(_("Опишите результат мероприятия."), field="result")
    if finished:
        done_at = done_at or _today()
        check_date(
            done_at,
            field="done_at",
            not_before=plan.case.identified_at,
            not_before_message=_("Мероприятие не может быть выполнено раньше выявления выпускника (%(date)s).")
            % {"date": plan.case.identified_at.strftime("%d.%m.%Y")},
        )
    else:
        done_at = None
    before = {
        "plan_measure_status": measure.status,
        "plan_measure_result": measure.result,
        "plan_measure_done_at": measure.done_at.isoformat() if measure.done_at else None,
    }
    changed = changed_fields(measure, {"status": status, "result": result, "done_at": done_at})
    if not changed:
        return measure
    for name in changed:
        setattr(measure, name, {"status": status, "result": result, "done_at": done_at}[name])
    marker = save_bumped(measure, changed)
    after = {
        "plan_measure_status": measure.status,
        "plan_measure_result": measure.result,
        "plan_measure_done_at": measure.done_at.isoformat() if measure.done_at else None,
    }
    _log(plan.case, actor, request, {**audit.diff(before, after), **marker})
    return measure


@transaction.atomic
def approve_plan(plan: SupportPlan, *, actor, on: dt.date | None = None, request=None) -> SupportPlan:
    """Approve the plan (at the consilium or by the coordinator)."""
    plan = _lock_plan(plan)
    if plan.status == SupportPlan.Status.APPROVED:
        raise DomainError(_("План уже утверждён."))
    if on is not None:
        check_date(
            on,
            field="approved_at",
            not_before=plan.case.activated_at,
            not_before_message=_("План не может быть утверждён раньше постановки на сопровождение."),
        )
    if not plan.measures.exists():
        raise DomainError(_("В плане нет ни одного мероприятия."))
    plan.status, plan.approved_at, plan.approved_by = SupportPlan.Status.APPROVED, on or _today(), actor
    save_bumped(plan, ["status", "approved_at", "approved_by"])
    _log(plan.case, actor, request, {"support_plan_status": [SupportPlan.Status.DRAFT, SupportPlan.Status.APPROVED]})
    return plan


# --- The journal ---------------------------------------------------------------------------------


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


# --- Transfer on a move --------------------------------------------------------------------------


def transfer_notice(case: SupportCase, *, recommendations: str = "") -> dict[str, Any]:
    """The relocation notice's facts (000 §3.2.7): who the graduate is and what the receiver must know."""
    g = case.graduate
    level = case.level_on(_today())
    return {
        "full_name": g.full_name,
        "birth_date": g.birth_date.strftime("%d.%m.%Y"),
        "status_category": g.get_status_category_display(),
        "legal_representative": g.legal_representative,
        "identification_place": g.identification_place,
        "housing": g.get_housing_display(),
        "housing_right": g.housing_right,
        "housing_on_list": g.housing_on_list,
        "phone": g.phone,
        "support_status": case.get_status_display(),
        "support_level": level.name if level else "",
        "contract": str(case.current_contract or ""),
        "recommendations": recommendations,
    }


@transaction.atomic
def start_transfer(
    case: SupportCase,
    *,
    actor,
    moved_at: dt.date,
    to_service=None,
    to_external: str = "",
    new_address: str = "",
    recommendations: str = "",
    request=None,
) -> Transfer:
    """The sending service starts handing the case over; the notice is due within 3 days.

    To a service of the region: both services see the graduate until it accepts.
    Outside the region: a written notice; the case closes as «moved away».
    The audit event names the fields of the personal data copied into the notice.
    """
    case = _lock(case)
    if not case.is_open:
        raise DomainError(_("Передать можно только незавершённое сопровождение."))
    graduate = case.graduate
    to_external = check_place(to_external, field="to_external")
    new_address = check_place(new_address, field="new_address")
    check_date(
        moved_at,
        field="moved_at",
        birth_date=graduate.birth_date,
        not_before=case.identified_at,
        not_before_message=_("Дата переезда не может быть раньше выявления выпускника (%(date)s).")
        % {"date": case.identified_at.strftime("%d.%m.%Y")},
    )
    if (to_service is None) == (not to_external.strip()):
        raise DomainError(
            _("Укажите службу региона или территорию за его пределами — одно из двух."), field="to_service"
        )
    if to_service is not None:
        if to_service.pk == graduate.service_id:
            raise DomainError(_("Выпускник уже в этой службе."), field="to_service")
        if to_service.region_id != graduate.service.region_id:
            raise DomainError(_("Служба другого региона: укажите территорию за пределами региона."), field="to_service")
    already = _("Передача этого выпускника уже начата.")
    if Transfer.objects.filter(case=case, status=Transfer.Status.PENDING).exists():
        raise DomainError(already)
    today = _today()
    notice = transfer_notice(case, recommendations=recommendations)
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                case=case,
                graduate=graduate,
                from_service=graduate.service,
                to_service=to_service,
                to_external=to_external.strip(),
                new_address=new_address,
                moved_at=moved_at,
                started_at=today,
                notice_due=today + dt.timedelta(days=Transfer.NOTICE_DAYS),
                recommendations=recommendations,
                notice=notice,
                started_by=actor,
                status=Transfer.Status.PENDING if to_service is not None else Transfer.Status.NOTIFIED_OUTSIDE,
            )
    except IntegrityError:
        raise DomainError(already) from None
    changes = {"transfer": [None, str(transfer)], "notice": [None, list(notice)]}
    if to_service is not None:
        graduate.incoming_service = to_service
        changes.update(save_bumped(graduate, ["incoming_service"]))
        _log(case, actor, request, changes)
    else:
        transfer.notice_sent_at = today
        save_bumped(transfer, ["notice_sent_at"])
        _log(case, actor, request, changes)
        close_case(
            case,
            actor=actor,
            reason=SupportCase.CloseReason.MOVED,
            on=today,
            report=_("Выпускник переехал: %(where)s. Направлено уведомление.") % {"where": transfer.to_external},
            request=request,
        )
    return transfer


@transaction.atomic
def mark_notice_sent(transfer: Transfer, *, actor, on: dt.date | None = None, request=None) -> Transfer:
    """The sending service notes that the relocation notice went out (while the transfer is pending)."""
    transfer = _lock_transfer(transfer)
    _check_pending(transfer)
    _require(actor, transfer, "change", _("Отметить уведомление может только передающая служба."))
    if transfer.notice_sent_at:
        raise DomainError(_("Уведомление уже отмечено как направленное."))
    on = on or _today()
    check_date(
        on,
        field="notice_sent_at",
        not_before=transfer.case.identified_at,
        not_before_message=_("Уведомление не может быть направлено раньше выявления выпускника."),
    )
    transfer.notice_sent_at = on
    save_bumped(transfer, ["notice_sent_at"])
    _log(transfer.case, actor, request, {"transfer_notice_sent": [None, on.isoformat()]})
    return transfer


# The graduate's fields that an accepted transfer changes (and the audit records, old → new).
TRANSFER_FIELDS = ["service", "territory", "actual_address"]


@transaction.atomic
def accept_transfer(transfer: Transfer, *, actor, specialist=None, request=None) -> Transfer:
    """The receiving service takes the case with its whole history; the sender stops seeing it.

    The audit event records the graduate's service, territory and actual address, old → new,
    as read from the locked row.
    """
    transfer = _lock_transfer(transfer)
    _check_pending(transfer)
    _require(actor, transfer, "receive", _("Принять передачу может только принимающая служба."))
    if specialist is not None:
        _check_specialist(specialist, transfer.to_service_id, "specialist", _("Специалист не из принимающей службы."))
    today = _today()
    transfer.status, transfer.accepted_at, transfer.accepted_by = Transfer.Status.ACCEPTED, today, actor
    save_bumped(transfer, ["status", "accepted_at", "accepted_by"])
    graduate = (
        Graduate.objects.select_for_update(of=("self",))
        .select_related("service", "territory")
        .get(pk=transfer.graduate_id)
    )
    before = audit.snapshot(graduate, TRANSFER_FIELDS)
    graduate.service, graduate.incoming_service = transfer.to_service, None
    if transfer.to_service.territory_id:
        graduate.territory = transfer.to_service.territory
    if transfer.new_address:
        graduate.actual_address = transfer.new_address
    # The receiving specialist is asked to confirm the address, territory, housing and college.
    graduate.details_to_confirm = True
    marker = save_bumped(graduate, [*TRANSFER_FIELDS, "incoming_service", "details_to_confirm"])
    case = transfer.case
    if specialist is None and actor.role == "specialist":
        specialist = actor
    case.specialist = specialist
    save_bumped(case, ["specialist"])
    ended = _end_contracts_on_move(case, transfer, today)
    changes = audit.diff(before, audit.snapshot(graduate, TRANSFER_FIELDS))
    changes["transfer_status"] = [Transfer.Status.PENDING, Transfer.Status.ACCEPTED]
    changes["details_to_confirm"] = [False, True]
    if ended:
        changes["contract_ended_on_move"] = [None, ended]
    changes.update(marker)
    audit.record(
        Action.UPDATE, request=request, actor=actor, obj=graduate, service_id=transfer.to_service_id, changes=changes
    )
    return transfer


def _end_contracts_on_move(case: SupportCase, transfer: Transfer, today: dt.date) -> list[str]:
    """The sending service's contracts of the case end by their own clause on the graduate's move.

    Each contract not yet ended (the one in force, a renewal waiting to start) is terminated
    on the day the receiving service accepts, with the reason naming its clause and the new
    service. Runs under the case's lock (accept_transfer), so no renewal slips in between.
    Returns what the audit records: each contract with the clause it ended by.
    """
    ended = []
    # A contract whose term ran out before the move ended by its term, not by the move.
    contracts = Contract.objects.select_for_update(of=("self",)).filter(
        case=case, terminated_at__isnull=True, ends_on__gte=today
    )
    for contract in contracts.order_by("starts_on", "id"):
        clause = contract.moving_clause()
        reason = _("Переезд выпускника: сопровождение принято службой «%(service)s»") % {"service": transfer.to_service}
        if clause:
            reason = _("%(reason)s (п. %(clause)s договора)") % {"reason": reason, "clause": clause}
        contract.terminated_at = today
        contract.termination_reason = reason[:300]
        save_bumped(contract, ["terminated_at", "termination_reason"])
        ended.append(f"{contract} — {contract.termination_reason}")
    return ended


@transaction.atomic
def decline_transfer(transfer: Transfer, *, actor, reason: str, request=None) -> Transfer:
    """The receiving service declines a pending transfer, giving the reason.

    The graduate stays with the sending service, which sees the reason and decides what next.
    """
    transfer = _lock_transfer(transfer)
    _check_pending(transfer)
    _require(actor, transfer, "receive", _("Отклонить передачу может только принимающая служба."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Укажите причину, по которой служба не принимает выпускника."), field="reason")
    transfer.status, transfer.declined_at, transfer.declined_by, transfer.decline_reason = (
        Transfer.Status.DECLINED,
        _today(),
        actor,
        reason,
    )
    save_bumped(transfer, ["status", "declined_at", "declined_by", "decline_reason"])
    marker = _clear_incoming(transfer.graduate_id)
    audit.record(
        Action.UPDATE,
        request=request,
        actor=actor,
        obj=transfer.graduate,
        service_id=transfer.from_service_id,
        changes={
            "transfer_status": [Transfer.Status.PENDING, Transfer.Status.DECLINED],
            "transfer_decline_reason": [None, reason],
            **marker,
        },
    )
    return transfer


@transaction.atomic
def cancel_transfer(transfer: Transfer, *, actor, request=None) -> Transfer:
    """The sending service calls the transfer off; the graduate stays with it."""
    transfer = _lock_transfer(transfer)
    _check_pending(transfer)
    _require(actor, transfer, "change", _("Отменить передачу может только передающая служба."))
    transfer.status = Transfer.Status.CANCELLED
    save_bumped(transfer, ["status"])
    marker = _clear_incoming(transfer.graduate_id)
    _log(
        transfer.case,
        actor,
        request,
        {"transfer_status": [Transfer.Status.PENDING, Transfer.Status.CANCELLED], **marker},
    )
    return transfer


# --- Reassignment --------------------------------------------------------------------------------


@transaction.atomic
def reassign(cases, *, actor, to_specialist, reason: str, request=None) -> int:
    """Give one or many cases to another specialist of the same service, keeping the reason."""
    if not reason.strip():
        raise DomainError(_("Укажите причину передачи."), field="reason")
    # What the caller saw of each case, to check again under the lock.
    seen = {case.pk: case.specialist_id for case in cases}
    # Locked in the order of their ids, so that two batches sharing cases never wait in a circle.
    _take_locks(SupportCase, list(seen))
    locked = SupportCase.objects.select_related("graduate", "specialist").filter(pk__in=seen).order_by("pk")
    count = 0
    for case in locked:
        if case.specialist_id != seen[case.pk]:
            raise DomainError(
                _("Сопровождение выпускника %(name)s тем временем передано специалисту %(who)s: обновите страницу.")
                % {"name": case.graduate.full_name, "who": case.specialist or "—"}
            )
        if to_specialist.service_id != case.graduate.service_id or to_specialist.role not in (
            "specialist",
            "coordinator",
        ):
            raise DomainError(_("Специалист не из службы выпускника."), field="to_specialist")
        if case.specialist_id == to_specialist.pk:
            continue
        Reassignment.objects.create(
            case=case, from_specialist=case.specialist, to_specialist=to_specialist, reason=reason, decided_by=actor
        )
        before = str(case.specialist) if case.specialist else None
        case.specialist = to_specialist
        save_bumped(case, ["specialist"])
        _log(case, actor, request, {"specialist": [before, str(to_specialist)]})
        count += 1
    return count
