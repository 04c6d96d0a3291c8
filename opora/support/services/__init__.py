"""Workflows of the support cycle, by sub-domain.

Each function runs in one transaction, checks the state and the rules of the domain,
raises :class:`DomainError` with a Russian message when they refuse, and writes the
audit event in the same transaction. Views (HTML and API alike) only call these.

* ``case`` — the region's directories, the case and its state machine, the contract, the
  level, refusal, closure, giving cases to another specialist;
* ``plan`` — the individual plan: versions, goals, measures, approval;
* ``journal`` — journal entries, their correction and removal;
* ``transfer`` — handing a case over on a move;
* ``_common`` — what they share: the clock, date checks, the audit entry, row locks.

Callers import the workflows from here (``from opora.support.services import sign_contract``,
``services.sign_contract(...)``), not from the modules.
"""

from opora.core.validators import add_months
from opora.support.services._common import Action, Status
from opora.support.services.case import (
    TRANSITIONS,
    change_level,
    close_case,
    contract_in_force_or_waiting,
    establish_contact,
    last_day_in_force,
    next_contract_number,
    open_case,
    reassign,
    refuse,
    renew_contract,
    setup_region,
    sign_contract,
)
from opora.support.services.journal import (
    REMOVED_SNAPSHOT,
    add_journal_entry,
    journal_refusal,
    remove_journal_entry,
    update_journal_entry,
)
from opora.support.services.plan import add_goal, add_measure, approve_plan, create_plan, update_measure
from opora.support.services.transfer import (
    TRANSFER_FIELDS,
    accept_transfer,
    cancel_transfer,
    decline_transfer,
    mark_notice_sent,
    start_transfer,
    transfer_notice,
)

__all__ = [
    "TRANSFER_FIELDS",
    "TRANSITIONS",
    "REMOVED_SNAPSHOT",
    "Action",
    "Status",
    "accept_transfer",
    "add_goal",
    "add_journal_entry",
    "add_measure",
    "add_months",
    "approve_plan",
    "cancel_transfer",
    "change_level",
    "close_case",
    "contract_in_force_or_waiting",
    "create_plan",
    "decline_transfer",
    "establish_contact",
    "journal_refusal",
    "last_day_in_force",
    "mark_notice_sent",
    "next_contract_number",
    "open_case",
    "reassign",
    "refuse",
    "remove_journal_entry",
    "renew_contract",
    "setup_region",
    "sign_contract",
    "start_transfer",
    "transfer_notice",
    "update_journal_entry",
    "update_measure",
]
