"""The receiving service declines a transfer with a reason; the graduate stays with the sending service."""

from __future__ import annotations

import pytest

from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.registry.models import Graduate
from opora.support import services
from opora.support.models import SupportCase, Transfer
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

REASON = "Выпускник проживает на территории другой службы"


@pytest.fixture
def pending(active_case, specialist, other_service) -> Transfer:
    return services.start_transfer(active_case, actor=specialist, moved_at=days_ago(1), to_service=other_service)


def test_declining_keeps_the_graduate_with_the_sender_and_keeps_the_reason(
    pending, other_specialist, service, specialist
):
    services.decline_transfer(pending, actor=other_specialist, reason=f"  {REASON} ")

    pending.refresh_from_db()
    assert pending.status == Transfer.Status.DECLINED
    assert pending.get_status_display() == "Отклонено принимающей службой"
    assert (pending.decline_reason, pending.declined_by, pending.declined_at) == (
        REASON,
        other_specialist,
        days_ago(0),
    )
    graduate = Graduate.objects.get(pk=pending.graduate_id)
    assert (graduate.service, graduate.incoming_service) == (service, None)
    case = SupportCase.objects.get(pk=pending.case_id)
    assert case.is_open and case.specialist == specialist


def test_declining_is_audited_under_the_graduate_for_the_sending_service(pending, other_specialist, service):
    services.decline_transfer(pending, actor=other_specialist, reason=REASON)

    event = AuditEvent.objects.filter(subjects__person_id=pending.graduate_id).latest("id")
    assert event.actor == other_specialist
    assert event.service_id == service.pk
    assert {key: pair for key, pair in event.changes.items() if not key.startswith("_rev:")} == {
        "transfer_status": ["pending", "declined"],
        "transfer_decline_reason": [None, REASON],
    }


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(pending, other_specialist, reason):
    with pytest.raises(DomainError, match="Укажите причину") as error:
        services.decline_transfer(pending, actor=other_specialist, reason=reason)
    assert error.value.field == "reason"
    assert Transfer.objects.get(pk=pending.pk).status == Transfer.Status.PENDING


def test_the_sending_service_cannot_decline_its_own_transfer(pending, specialist):
    with pytest.raises(DomainError, match="только принимающая служба"):
        services.decline_transfer(pending, actor=specialist, reason=REASON)


def test_a_transfer_already_accepted_cannot_be_declined(pending, other_specialist):
    services.accept_transfer(pending, actor=other_specialist)
    with pytest.raises(DomainError, match="уже завершена или отменена .сейчас: «Принято»"):
        services.decline_transfer(pending, actor=other_specialist, reason=REASON)


def test_the_sender_may_start_a_new_transfer_after_a_decline(pending, other_specialist, specialist, other_service):
    services.decline_transfer(pending, actor=other_specialist, reason=REASON)
    case = SupportCase.objects.select_related("graduate").get(pk=pending.case_id)

    again = services.start_transfer(case, actor=specialist, moved_at=days_ago(1), to_service=other_service)

    assert again.status == Transfer.Status.PENDING


def test_only_the_sending_service_marks_the_notice_sent(pending, other_specialist, specialist, regional):
    with pytest.raises(DomainError, match="только передающая служба"):
        services.mark_notice_sent(pending, actor=other_specialist)
    services.mark_notice_sent(pending, actor=regional)
    assert Transfer.objects.get(pk=pending.pk).notice_sent_at == days_ago(0)


def test_the_notice_is_not_marked_on_a_transfer_no_longer_pending(pending, specialist):
    services.cancel_transfer(pending, actor=specialist)
    with pytest.raises(DomainError, match="уже завершена или отменена"):
        services.mark_notice_sent(pending, actor=specialist)
    assert Transfer.objects.get(pk=pending.pk).notice_sent_at is None
