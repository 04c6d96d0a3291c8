"""«Исходящие передачи»: what the service sent — pending first with the 3-day notice, then the latest;
after acceptance only the date, the direction and the status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.core.models import AuditEvent, AuditSubject
from opora.support import services
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.usefixtures("support_region")
OUTGOING = reverse("support:outgoing_transfers")


@pytest.fixture
def pending(active_case, specialist, other_service):
    return services.start_transfer(active_case, actor=specialist, moved_at=days_ago(1), to_service=other_service)


def test_a_pending_transfer_shows_the_person_the_receiver_and_the_notice_deadline(login, specialist, pending):
    body = login(specialist).get(OUTGOING).content.decode()

    assert pending.graduate.full_name in body
    assert f"«{pending.to_service}»" in body
    assert "Ожидает принятия" in body
    assert f"уведомить до {pending.notice_due:%d.%m.%Y}" in body
    assert "срок уведомления пропущен" not in body


def test_a_notice_past_its_three_days_is_marked(login, specialist, pending, travel_to):
    travel_to(timezone.localdate() + dt.timedelta(days=4))

    body = login(specialist).get(OUTGOING).content.decode()

    assert "срок уведомления пропущен" in body


def test_after_acceptance_the_sender_keeps_date_direction_and_status_only(login, specialist, other_specialist, pending):
    services.accept_transfer(pending, actor=other_specialist)
    graduate = pending.graduate

    body = login(specialist).get(OUTGOING).content.decode()

    assert "Принято" in body and f"«{pending.to_service}»" in body
    assert "Выпускник передан" in body
    assert graduate.last_name not in body
    assert reverse("support:case", args=[graduate.pk]) not in body
    # Nothing of the person was read: no read filed under the graduate for the former service.
    assert not AuditSubject.objects.filter(
        person_id=graduate.pk, event__action=AuditEvent.Action.LIST, event__actor=specialist
    ).exists()


def test_the_receiving_service_does_not_list_it_as_its_own_outgoing(login, other_specialist, pending):
    body = login(other_specialist).get(OUTGOING).content.decode()

    assert 'id="no-outgoing"' in body
    assert pending.graduate.last_name not in body


def test_the_regional_centre_sees_the_regions_outgoing_transfers(login, regional, pending):
    body = login(regional).get(OUTGOING).content.decode()

    assert pending.graduate.full_name in body
    assert f"«{pending.from_service}»" in body


def test_the_page_shown_is_audited_with_the_persons_it_names(login, specialist, pending):
    login(specialist).get(OUTGOING)

    event = AuditEvent.objects.get(action=AuditEvent.Action.LIST, path=OUTGOING)
    assert event.record_ids == [pending.graduate_id]


def test_the_list_is_paginated_and_keeps_to_a_query_budget(
    login,
    specialist,
    other_service,
    consented_graduate,
    make_active_case,
    make_graduate,
    service,
    give_consent,
    django_assert_max_num_queries,
):
    for n in range(27):
        graduate = make_graduate(service, last_name=f"Переездова{n:02d}")
        give_consent(graduate)
        case = make_active_case(graduate)
        services.start_transfer(case, actor=specialist, moved_at=days_ago(1), to_service=other_service)
    client = login(specialist)

    with django_assert_max_num_queries(14):
        first = client.get(OUTGOING)
    second = client.get(OUTGOING, {"page": 2})

    assert first.content.decode().count('class="list-group-item') == 25
    assert second.content.decode().count('class="list-group-item') == 2
