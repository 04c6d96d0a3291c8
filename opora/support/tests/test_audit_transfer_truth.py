"""The audit tells what a transfer did to the person: what the notice copied, and what accepting changed."""

from __future__ import annotations

import pytest

from opora.core.models import AuditEvent
from opora.registry.models import Graduate
from opora.support import services
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

NEW_ADDRESS = "г. Старый Оскол, мкр. Жукова, д. 5, кв. 12"


@pytest.fixture
def transfer(support_region, graduate, specialist, other_service):
    graduate.actual_address = "г. Валуйки, ул. Старая, д. 1"
    graduate.save()
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(10))
    return services.start_transfer(
        case, actor=specialist, moved_at=days_ago(1), to_service=other_service, new_address=NEW_ADDRESS
    )


def last_event(graduate) -> AuditEvent:
    return AuditEvent.objects.filter(subjects__person_id=graduate.pk).latest("id")


def test_starting_a_transfer_records_which_fields_the_notice_copied_but_not_their_values(transfer, graduate):
    event = last_event(graduate)

    copied = event.changes["notice"][1]
    assert copied == list(transfer.notice)
    assert {"full_name", "birth_date", "phone", "housing"} <= set(copied)
    assert graduate.last_name not in str(event.changes)


def test_accepting_records_the_graduates_service_territory_and_address_old_and_new(
    transfer, graduate, other_specialist, service, other_service, territory, other_territory
):
    services.accept_transfer(transfer, actor=other_specialist)

    event = last_event(graduate)
    assert event.actor == other_specialist
    assert event.changes["service"] == [str(service), str(other_service)]
    assert event.changes["territory"] == [str(territory), str(other_territory)]
    assert event.changes["actual_address"] == ["г. Валуйки, ул. Старая, д. 1", NEW_ADDRESS]
    assert event.changes["transfer_status"] == ["pending", "accepted"]
    moved = Graduate.objects.get(pk=graduate.pk)
    assert (moved.service, moved.territory, moved.actual_address) == (other_service, other_territory, NEW_ADDRESS)


def test_the_recorded_old_values_come_from_the_database_not_from_a_stale_copy(
    transfer, graduate, other_specialist, specialist
):
    Graduate.objects.filter(pk=graduate.pk).update(actual_address="г. Валуйки, ул. Промежуточная, д. 2")

    services.accept_transfer(transfer, actor=other_specialist)

    assert last_event(graduate).changes["actual_address"][0] == "г. Валуйки, ул. Промежуточная, д. 2"
