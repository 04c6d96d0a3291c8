"""Workflows of a transfer on a move (000 §3.2.7): start, notice, acceptance, decline, cancellation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from opora.core import audit
from opora.core.access import allowed_actions
from opora.core.errors import DomainError
from opora.core.validators import check_date, check_place
from opora.core.versioning import save_bumped
from opora.registry.models import Graduate
from opora.support.models import Contract, SupportCase, Transfer
from opora.support.services._common import Action, _check_specialist, _clear_incoming, _lock, _log, _today
from opora.support.services.case import close_case


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
