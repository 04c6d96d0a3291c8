"""Who read this person's support records through the API shows on the card's history, for those who supervise."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.core.models import AuditEvent
from opora.support import services
from opora.support.models import JournalEntry

pytestmark = pytest.mark.django_db


def history_table(client, graduate) -> str:
    body = client.get(reverse("registry:history", args=[graduate.pk])).content.decode()
    return body.split('id="history"', 1)[1].split("</table>", 1)[0] if 'id="history"' in body else ""


@pytest.fixture
def entry(active_case, specialist):
    return services.add_journal_entry(
        active_case, actor=specialist, kind=JournalEntry.Kind.PHONE, text="Созвонились, всё в порядке"
    )


def test_a_contract_read_through_the_api_is_filed_under_the_graduate(login, specialist, active_case):
    contract = active_case.contracts.get()

    assert login(specialist).get(f"/api/v1/contracts/{contract.pk}/").status_code == 200

    read = AuditEvent.objects.filter(action=AuditEvent.Action.API_READ).get()
    assert list(read.subjects.values_list("person_id", flat=True)) == [active_case.graduate_id]
    assert read.object_id == str(contract.pk)  # and still under the record itself


def test_the_coordinator_sees_who_read_the_contract_and_the_journal_through_the_api(
    client, specialist, coordinator, active_case, entry
):
    client.force_login(specialist)
    client.get(f"/api/v1/contracts/{active_case.contracts.get().pk}/", REMOTE_ADDR="192.0.2.41")
    client.get(f"/api/v1/journal/{entry.pk}/", REMOTE_ADDR="192.0.2.42")

    client.force_login(coordinator)
    table = history_table(client, active_case.graduate)

    assert table.count("Чтение через API") == 2
    assert "Договор о сопровождении" in table
    assert "Запись журнала сопровождения" in table
    assert "192.0.2.41" in table and "192.0.2.42" in table


def test_a_specialist_sees_the_changes_but_not_the_reads(client, specialist, active_case, entry):
    client.force_login(specialist)
    client.get(f"/api/v1/journal/{entry.pk}/", REMOTE_ADDR="192.0.2.42")

    table = history_table(client, active_case.graduate)

    assert "Чтение через API" not in table
    assert "192.0.2.42" not in table
    assert "Телефонный звонок" in table  # the journal entry added, a change, is shown to her


def test_an_api_list_is_filed_under_every_graduate_it_showed(login, specialist, active_case, make_graduate, service):
    other = make_graduate(service, last_name="Другая")
    services.open_case(other, actor=specialist)

    login(specialist).get("/api/v1/cases/")

    read = AuditEvent.objects.filter(action=AuditEvent.Action.API_READ).get()
    assert set(read.subjects.values_list("person_id", flat=True)) == {active_case.graduate_id, other.pk}
