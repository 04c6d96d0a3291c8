"""Two specialists of the receiving service sign the new contract after a move at the same moment:
one contract is made, the other signing is refused (PostgreSQL; see test_concurrency.py)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from opora.conftest import _user
from opora.core.models import AuditEvent
from opora.core.roles import Role
from opora.registry.models import Consent
from opora.support import services
from opora.support.models import Contract, SupportCase
from opora.support.tests.conftest import CONSENT_SCOPE, HELP_AGREED, OBLIGATIONS, SUPPORTING, days_ago
from opora.support.tests.test_concurrency import TRIES, one_wins, race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) are a PostgreSQL matter; SQLite serialises every write",
    ),
]


@pytest.fixture
def moved_case(levels, make_graduate, service, other_service, specialist, other_specialist):
    """A new graduate of ``service`` on support, moved to ``other_service`` and accepted there."""

    def make(n: int) -> SupportCase:
        graduate = make_graduate(service, last_name=f"Переездова{n}")
        Consent.objects.create(graduate=graduate, given_at=days_ago(30), scope=CONSENT_SCOPE)
        case = services.open_case(graduate, actor=specialist, identified_at=days_ago(20))
        services.establish_contact(case, actor=specialist, on=days_ago(15))
        services.sign_contract(
            case,
            actor=specialist,
            level=levels[SUPPORTING],
            signed_at=days_ago(10),
            help_agreed=HELP_AGREED,
            graduate_obligations=OBLIGATIONS,
        )
        transfer = services.start_transfer(case, actor=specialist, moved_at=days_ago(2), to_service=other_service)
        services.accept_transfer(transfer, actor=other_specialist)
        return case

    return make


def fresh(case: SupportCase) -> SupportCase:
    """The case as the page would have fetched it (with its graduate)."""
    return SupportCase.objects.select_related("graduate").get(pk=case.pk)


def test_two_new_contracts_signed_at_once_make_one(moved_case, other_service, other_specialist):
    colleague = _user("spec_other_2", Role.SPECIALIST, other_service)
    winners = Counter()
    for n in range(TRIES):
        case = moved_case(n)
        first, second = fresh(case), fresh(case)

        def sign(c, actor):
            return services.sign_contract(
                c,
                actor=actor,
                signed_at=timezone.localdate(),
                help_agreed=HELP_AGREED,
                graduate_obligations=OBLIGATIONS,
            )

        outcomes = race(lambda c=first: sign(c, other_specialist), lambda c=second: sign(c, colleague))

        winner = one_wins(outcomes)
        winners[winner] += 1
        assert "есть действующий договор" in outcomes[1 - winner][1]
        new = Contract.objects.filter(case=case, service=other_service)
        assert new.count() == 1
        assert new.get().created_by == [other_specialist, colleague][winner]
        assert (
            AuditEvent.objects.filter(object_id=str(case.graduate_id), changes__has_key="contract")
            .filter(actor__service=other_service)
            .count()
            == 1
        )
    # Numbers of the receiving service ran one by one, none taken twice.
    numbers = list(Contract.objects.filter(service=other_service).values_list("sequence", flat=True))
    assert sorted(numbers) == list(range(1, TRIES + 1))
    assert sum(winners.values()) == TRIES
