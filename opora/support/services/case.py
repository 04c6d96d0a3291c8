"""Workflows of the case: the region's directories, opening, contact, the contract, the level,
refusal, closure, and giving cases to another specialist.

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
from django.utils.translation import gettext as _

from opora.core.access import allowed_actions
from opora.core.errors import DomainError
from opora.core.validators import PLANNED, check_date, contract_term
from opora.core.versioning import bump, save_bumped
from opora.org.models import Service
from opora.registry.models import Graduate
from opora.support import signals
from opora.support.defaults import DEFAULT_DOMAINS, DEFAULT_LEVELS, DEFAULT_SERVICE_KINDS
from opora.support.models import (
    Contract,
    Domain,
    JournalEntry,
    LevelChange,
    PlanMeasure,
    Reassignment,
    ServiceKind,
    SupportCase,
    SupportLevel,
    Transfer,
)
from opora.support.services._common import (
    Status,
    _check_specialist,
    _clear_incoming,
    _fact,
    _lock,
    _log,
    _take_locks,
    _today,
)

# The transitions the state machine allows: from -> {to}.
TRANSITIONS: dict[str, set[str]] = {
    Status.IDENTIFIED: {Status.CONTACT, Status.REFUSED, Status.CLOSED},
    Status.CONTACT: {Status.ACTIVE, Status.REFUSED, Status.CLOSED},
    Status.ACTIVE: {Status.CLOSED},
    Status.CLOSED: set(),
    Status.REFUSED: set(),
}


def _transition(case: SupportCase, to: str) -> None:
    if to not in TRANSITIONS[case.status]:
        raise DomainError(
            _("Нельзя перевести сопровождение из состояния «%(from)s» в состояние «%(to)s».")
            % {"from": case.get_status_display(), "to": Status(to).label}
        )


# --- Region set-up -------------------------------------------------------------------------------


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
    signals.region_set_up.send(sender=type(region), region=region)


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
    # The scope, asked again under the lock: a graduate moved to another service meanwhile (or a
    # caller that never was in reach) gets no contract from this one.
    if "change" not in allowed_actions(actor, case, ("change",)):
        raise DomainError(_("Договор заключает служба, которая ведёт сопровождение выпускника."))
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
