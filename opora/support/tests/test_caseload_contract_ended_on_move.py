"""«Мои выпускники» of the receiving service: a case whose contract ended on the move needs attention
(«договор прекращён при переезде — заключите новый») until the new contract is signed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.support import services
from opora.support.caseload import caseload, summary
from opora.support.models import SupportCase
from opora.support.tests.conftest import OBLIGATIONS, days_ago

pytestmark = pytest.mark.django_db

FLAG = "договор прекращён при переезде — заключите новый"


@pytest.fixture
def moved_case(active_case, other_service, specialist, other_specialist) -> SupportCase:
    transfer = services.start_transfer(active_case, actor=specialist, moved_at=days_ago(3), to_service=other_service)
    services.accept_transfer(transfer, actor=other_specialist)
    return SupportCase.objects.select_related("graduate").get(pk=active_case.pk)


@pytest.fixture
def calm_case(make_graduate, other_service, give_consent, make_active_case, other_specialist) -> SupportCase:
    """A case of the receiving service with its own contract in force and a contact today."""
    graduate = make_graduate(other_service, last_name="Аасподокойная")
    give_consent(graduate)
    case = make_active_case(graduate, actor=other_specialist)
    services.add_journal_entry(case, actor=other_specialist, kind="phone", text="Звонок")
    return case


def rows(service_id):
    return list(caseload(SupportCase.objects.filter(graduate__service_id=service_id), timezone.localdate()))


def test_the_moved_case_is_flagged_and_comes_before_a_calm_one(login, other_specialist, moved_case, calm_case):
    body = login(other_specialist).get(reverse("support:caseload")).content.decode()

    order = [int(pk) for pk in re.findall(r'data-case="(\d+)"', body)]
    assert order == [moved_case.pk, calm_case.pk]
    assert body.count(FLAG) == 1
    flagged_row = body[body.index(f'data-case="{moved_case.pk}"') - 60 : body.index(FLAG)]
    assert "attention-red" in flagged_row
    assert f"прекращён {timezone.localdate():%d.%m.%Y}" in body


def test_the_flag_counts_as_needing_attention_for_the_coordinator(moved_case, calm_case, other_service):
    (row,) = summary(SupportCase.objects.filter(graduate__service=other_service), timezone.localdate(), "specialist")

    assert (row["total"], row["attention_count"]) == (2, 1)


def test_the_flag_goes_once_the_new_contract_is_signed(login, other_specialist, moved_case, other_service):
    services.sign_contract(
        moved_case,
        actor=other_specialist,
        signed_at=timezone.localdate(),
        help_agreed="Содействие в трудоустройстве.",
        graduate_obligations=OBLIGATIONS,
    )

    (row,) = rows(other_service.pk)
    assert row.contract_terminated_at is None
    assert FLAG not in login(other_specialist).get(reverse("support:caseload")).content.decode()


def test_a_contract_in_force_or_one_that_ran_out_is_not_this_flag(
    make_graduate, give_consent, make_active_case, active_case, service
):
    graduate = make_graduate(service, last_name="Истёкшая")
    give_consent(graduate, on=days_ago(500))
    expired = make_active_case(graduate, signed_at=days_ago(400))

    by_pk = {row.pk: row for row in rows(service.pk)}
    assert by_pk[active_case.pk].contract_terminated_at is None
    # The term that ran out has its own reminder: the next due date has passed.
    assert by_pk[expired.pk].contract_terminated_at is None
    assert (by_pk[expired.pk].next_due_kind, by_pk[expired.pk].due_state) == ("contract", "past")
