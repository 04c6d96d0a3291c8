"""Two conflicting workflows at the same moment: one wins, the other is refused, and no record is left
in two states.

Each pair runs in two threads, each with its own database connection, released together by a
barrier, and is repeated so that either side gets to win. Row locks need PostgreSQL (SQLite
serialises the whole database, so there is no race to show there):
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/opora_locks pytest opora/support/tests/test_concurrency.py``
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from opora.conftest import _user
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.core.roles import Role
from opora.registry.models import Consent, Graduate
from opora.support import services
from opora.support.models import Contract, Reassignment, SupportCase, Transfer
from opora.support.tests.conftest import CONSENT_SCOPE, HELP_AGREED, OBLIGATIONS, SUPPORTING, days_ago

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) are a PostgreSQL matter; SQLite serialises every write",
    ),
]

TRIES = 20


def race(*calls) -> list[tuple[str, object]]:
    """Run ``calls`` at once, each in its own thread and connection: [("won", result) | ("refused", message)].

    Anything other than a DomainError (an IntegrityError, a deadlock) is reported as ("error", …).
    """
    barrier = threading.Barrier(len(calls))
    outcomes: list[tuple[str, object]] = [("error", "not run")] * len(calls)

    def run(index: int, call) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("won", call())
        except DomainError as err:
            outcomes[index] = ("refused", err.message)
        except Exception as err:  # noqa: BLE001 — any other failure is what the test must catch
            outcomes[index] = ("error", repr(err))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def one_wins(outcomes) -> int:
    """The index of the single winner; the other must be a refusal with a message."""
    kinds = [kind for kind, _ in outcomes]
    assert "error" not in kinds, outcomes
    assert sorted(kinds) == ["refused", "won"], outcomes
    loser = outcomes[kinds.index("refused")][1]
    assert isinstance(loser, str) and loser.strip(), outcomes
    return kinds.index("won")


@pytest.fixture
def receiving_colleague(other_service):
    return _user("spec_other_2", Role.SPECIALIST, other_service)


@pytest.fixture
def pending_transfer(support_region, make_graduate, service, other_service, specialist):
    """A new graduate of ``service`` whose case is being handed to ``other_service`` (pending)."""

    def make(n: int) -> Transfer:
        graduate = make_graduate(service, last_name=f"Гонкина{n}")
        case = services.open_case(graduate, actor=specialist, identified_at=days_ago(10))
        return services.start_transfer(
            case, actor=specialist, moved_at=days_ago(1), to_service=other_service, new_address="ул. Новая, 1"
        )

    return make


def fresh(transfer: Transfer) -> Transfer:
    """The transfer as a page would have fetched it."""
    return Transfer.objects.select_related("case", "graduate", "from_service", "to_service").get(pk=transfer.pk)


def graduate_of(transfer: Transfer) -> Graduate:
    return Graduate.objects.get(pk=transfer.graduate_id)


def test_accept_and_cancel_at_once_never_leave_a_cancelled_transfer_in_the_receiving_service(
    pending_transfer, specialist, other_specialist, service, other_service
):
    winners = Counter()
    for n in range(TRIES):
        transfer = pending_transfer(n)
        accepting, cancelling = fresh(transfer), fresh(transfer)

        outcomes = race(
            lambda a=accepting: services.accept_transfer(a, actor=other_specialist),
            lambda c=cancelling: services.cancel_transfer(c, actor=specialist),
        )

        winner = one_wins(outcomes)
        transfer.refresh_from_db()
        graduate = graduate_of(transfer)
        assert graduate.incoming_service_id is None
        if winner == 0:
            winners["accept"] += 1
            assert transfer.status == Transfer.Status.ACCEPTED
            assert graduate.service_id == other_service.pk
        else:
            winners["cancel"] += 1
            assert transfer.status == Transfer.Status.CANCELLED
            assert graduate.service_id == service.pk
        assert "уже завершена или отменена" in outcomes[1 - winner][1]
    assert sum(winners.values()) == TRIES


def test_accept_and_decline_at_once_one_decides(
    pending_transfer, other_specialist, receiving_colleague, service, other_service
):
    for n in range(TRIES):
        transfer = pending_transfer(n)
        accepting, declining = fresh(transfer), fresh(transfer)

        outcomes = race(
            lambda a=accepting: services.accept_transfer(a, actor=other_specialist),
            lambda d=declining: services.decline_transfer(d, actor=receiving_colleague, reason="Не наша территория"),
        )

        winner = one_wins(outcomes)
        transfer.refresh_from_db()
        graduate = graduate_of(transfer)
        assert graduate.incoming_service_id is None
        if winner == 0:
            assert transfer.status == Transfer.Status.ACCEPTED
            assert (graduate.service_id, transfer.decline_reason) == (other_service.pk, "")
        else:
            assert transfer.status == Transfer.Status.DECLINED
            assert (graduate.service_id, transfer.accepted_at) == (service.pk, None)


def test_two_accepts_at_once_move_the_graduate_once(pending_transfer, other_specialist, receiving_colleague):
    for n in range(TRIES):
        transfer = pending_transfer(n)
        first, second = fresh(transfer), fresh(transfer)

        outcomes = race(
            lambda a=first: services.accept_transfer(a, actor=other_specialist),
            lambda b=second: services.accept_transfer(b, actor=receiving_colleague),
        )

        winner = one_wins(outcomes)
        transfer.refresh_from_db()
        assert transfer.accepted_by == [other_specialist, receiving_colleague][winner]
        case = SupportCase.objects.get(pk=transfer.case_id)
        assert case.specialist == transfer.accepted_by
        accepted_events = AuditEvent.objects.filter(
            object_id=str(transfer.graduate_id), changes__transfer_status=["pending", "accepted"]
        )
        assert accepted_events.count() == 1


def test_a_notice_is_never_marked_on_a_transfer_cancelled_before_it(pending_transfer, specialist):
    for n in range(TRIES):
        transfer = pending_transfer(n)
        cancelling, notifying = fresh(transfer), fresh(transfer)

        outcomes = race(
            lambda c=cancelling: services.cancel_transfer(c, actor=specialist),
            lambda m=notifying: services.mark_notice_sent(m, actor=specialist),
        )

        kinds = [kind for kind, _ in outcomes]
        assert "error" not in kinds, outcomes
        # Cancelling always stands; the notice either came first or is refused as too late.
        assert kinds[0] == "won", outcomes
        transfer.refresh_from_db()
        assert transfer.status == Transfer.Status.CANCELLED
        events = AuditEvent.objects.filter(object_id=str(transfer.graduate_id)).order_by("id")
        keys = [key for event in events for key in event.changes]
        if kinds[1] == "refused":
            assert "уже завершена или отменена" in outcomes[1][1]
            assert transfer.notice_sent_at is None
            assert "transfer_notice_sent" not in keys
        else:
            assert transfer.notice_sent_at is not None
            assert keys.index("transfer_notice_sent") < keys.index("transfer_status")


def test_two_reassignments_of_one_case_at_once_one_wins_and_the_history_is_the_final_state(
    support_region, make_graduate, service, specialist, coordinator
):
    first_colleague = _user("colleague_a", Role.SPECIALIST, service)
    second_colleague = _user("colleague_b", Role.SPECIALIST, service)
    for n in range(TRIES):
        case = services.open_case(make_graduate(service, last_name=f"Гонкина{n}"), actor=specialist)
        seen_a, seen_b = SupportCase.objects.get(pk=case.pk), SupportCase.objects.get(pk=case.pk)

        outcomes = race(
            lambda a=seen_a: services.reassign([a], actor=coordinator, to_specialist=first_colleague, reason="Отпуск"),
            lambda b=seen_b: services.reassign([b], actor=coordinator, to_specialist=second_colleague, reason="Отпуск"),
        )

        winner = one_wins(outcomes)
        case.refresh_from_db()
        assert case.specialist == [first_colleague, second_colleague][winner]
        history = list(Reassignment.objects.filter(case=case))
        assert [(r.from_specialist, r.to_specialist) for r in history] == [(specialist, case.specialist)]
        assert "тем временем передано" in outcomes[1 - winner][1]


@pytest.fixture
def contacted(support_region, make_graduate, service, specialist):
    """A new graduate of ``service`` with a consent and a case after contact: ready to sign."""

    def make(name: str) -> SupportCase:
        graduate = make_graduate(service, last_name=name)
        Consent.objects.create(graduate=graduate, given_at=days_ago(20), scope=CONSENT_SCOPE)
        case = services.open_case(graduate, actor=specialist, identified_at=days_ago(10))
        services.establish_contact(case, actor=specialist, on=days_ago(5))
        return SupportCase.objects.select_related("graduate").get(pk=case.pk)

    return make


def sign(case, specialist, levels):
    return services.sign_contract(
        case,
        actor=specialist,
        level=levels[SUPPORTING],
        signed_at=days_ago(1),
        help_agreed=HELP_AGREED,
        graduate_obligations=OBLIGATIONS,
    )


def test_two_signings_in_one_service_at_once_both_get_their_own_number(contacted, specialist, levels, service):
    year = days_ago(1).year
    for n in range(TRIES):
        first, second = contacted(f"Первая{n}"), contacted(f"Вторая{n}")

        outcomes = race(lambda a=first: sign(a, specialist, levels), lambda b=second: sign(b, specialist, levels))

        assert [kind for kind, _ in outcomes] == ["won", "won"], outcomes
        numbers = {contract.number for _, contract in outcomes}
        assert numbers == {f"{2 * n + 1}/{year}", f"{2 * n + 2}/{year}"}
    sequences = sorted(Contract.objects.filter(service=service, year=year).values_list("sequence", flat=True))
    assert sequences == list(range(1, 2 * TRIES + 1))


def test_one_case_signed_twice_at_once_gets_one_contract(contacted, specialist, levels):
    for n in range(TRIES):
        case = contacted(f"Дважды{n}")
        again = SupportCase.objects.select_related("graduate").get(pk=case.pk)

        outcomes = race(lambda c=case: sign(c, specialist, levels), lambda c=again: sign(c, specialist, levels))

        winner = one_wins(outcomes)
        assert Contract.objects.filter(case=case).count() == 1
        assert SupportCase.objects.get(pk=case.pk).status == SupportCase.Status.ACTIVE
        assert "На сопровождении" in outcomes[1 - winner][1]


def test_closing_and_accepting_at_once_never_close_the_receivers_case(
    pending_transfer, specialist, other_specialist, service, other_service
):
    for n in range(TRIES):
        transfer = pending_transfer(n)
        closing = SupportCase.objects.select_related("graduate").get(pk=transfer.case_id)
        accepting = fresh(transfer)

        outcomes = race(
            lambda c=closing: services.close_case(c, actor=specialist, reason="other", report="Связь потеряна"),
            lambda a=accepting: services.accept_transfer(a, actor=other_specialist),
        )

        winner = one_wins(outcomes)
        transfer.refresh_from_db()
        case = SupportCase.objects.get(pk=transfer.case_id)
        graduate = graduate_of(transfer)
        assert graduate.incoming_service_id is None
        if winner == 0:
            assert (case.status, transfer.status) == (SupportCase.Status.CLOSED, Transfer.Status.CANCELLED)
            assert graduate.service_id == service.pk
        else:
            assert (case.status, transfer.status) == (SupportCase.Status.IDENTIFIED, Transfer.Status.ACCEPTED)
            assert graduate.service_id == other_service.pk
            assert "передан в службу" in outcomes[0][1]
