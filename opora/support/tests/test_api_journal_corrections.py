"""The journal through the API: «контакт установлен» with its text, PATCH and DELETE of an entry with If-Match."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from opora.core.models import AuditEvent
from opora.support import services
from opora.support.models import JournalEntry
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.usefixtures("support_region")


@pytest.fixture
def entry(active_case, specialist):
    return services.add_journal_entry(
        active_case, actor=specialist, date=days_ago(1), kind=JournalEntry.Kind.PHONE, text="Созвонились"
    )


def url(entry) -> str:
    return f"/api/v1/journal/{entry.pk}/"


def patch(client, entry, body, **headers):
    return client.patch(url(entry), json.dumps(body), content_type="application/json", **headers)


def delete(client, entry, body=None, **headers):
    return client.delete(url(entry), json.dumps(body or {}), content_type="application/json", **headers)


def test_the_contact_action_writes_the_given_text_into_the_journal(login, specialist, identified_case):
    client = login(specialist)

    response = client.post(
        f"/api/v1/cases/{identified_case.pk}/contact/",
        json.dumps({"contact_at": days_ago(2).isoformat(), "text": "Встретились в колледже"}),
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    listed = client.get("/api/v1/journal/", {"case": identified_case.pk}).json()["results"]
    assert [(e["kind"], e["kind_display"], e["date"], e["text"]) for e in listed] == [
        ("contact", "Установление контакта", days_ago(2).isoformat(), "Встретились в колледже")
    ]


def test_an_entry_tells_until_when_it_may_be_corrected(login, specialist, entry, region):
    body = login(specialist).get(url(entry)).json()

    until = dt.datetime.fromisoformat(body["editable_until"])
    assert until == entry.created_at + dt.timedelta(days=region.journal_edit_days)


def test_the_author_patches_an_entry_with_if_match(login, specialist, entry):
    client = login(specialist)
    etag = client.get(url(entry))["ETag"]

    response = patch(client, entry, {"text": "Созвонились, договорились о встрече"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.content
    assert response.json()["text"] == "Созвонились, договорились о встрече"
    assert response["ETag"] == '"2"'
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.UPDATE, object_id=str(entry.pk), content_type__model="journalentry"
    )
    assert event.changes["text"] == ["Созвонились", "Созвонились, договорились о встрече"]


def test_a_patch_without_if_match_is_428_and_a_stale_one_412(login, specialist, entry):
    client = login(specialist)

    missing = patch(client, entry, {"text": "Без заголовка"})
    patch(client, entry, {"text": "Первая правка"}, HTTP_IF_MATCH='"1"')
    stale = patch(client, entry, {"text": "Вторая правка"}, HTTP_IF_MATCH='"1"')

    assert missing.status_code == 428
    assert stale.status_code == 412
    assert "«Созвонились» → «Первая правка»" in stale.json()["detail"]
    entry.refresh_from_db()
    assert entry.text == "Первая правка"


def test_a_colleagues_entry_is_visible_but_a_patch_is_refused_with_the_reason(login, colleague, entry):
    client = login(colleague)

    seen = client.get(url(entry))
    refused = patch(client, entry, {"text": "Чужая правка"}, HTTP_IF_MATCH=seen["ETag"])

    assert seen.status_code == 200
    assert refused.status_code == 400
    assert "только её автор" in refused.json()["non_field_errors"][0]
    entry.refresh_from_db()
    assert entry.text == "Созвонились"


def test_after_the_period_a_patch_is_refused(login, specialist, entry, travel_to):
    travel_to(timezone.localdate() + dt.timedelta(days=5))

    response = patch(login(specialist), entry, {"text": "Поздно"}, HTTP_IF_MATCH='"1"')

    assert response.status_code == 400
    assert "Срок исправления истёк" in response.json()["non_field_errors"][0]


def test_a_blank_text_is_refused_at_its_field(login, specialist, entry):
    response = patch(login(specialist), entry, {"text": " "}, HTTP_IF_MATCH='"1"')

    assert response.status_code == 400
    assert list(response.json()) == ["text"]


def test_the_author_deletes_an_entry_it_leaves_the_list_and_its_history_stays(login, specialist, entry):
    client = login(specialist)

    response = delete(client, entry, HTTP_IF_MATCH='"1"')

    assert response.status_code == 204
    assert client.get(url(entry)).status_code == 404
    listed = client.get("/api/v1/journal/", {"graduate": entry.graduate_id}).json()
    assert entry.pk not in [e["id"] for e in listed["results"]]
    assert JournalEntry.all_objects.get(pk=entry.pk).removed_by == specialist
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, object_id=str(entry.pk))
    assert event.changes["text"] == ["Созвонились", None]


def test_a_delete_needs_if_match(login, specialist, entry):
    response = delete(login(specialist), entry)

    assert response.status_code == 428
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_the_coordinator_deletes_an_erroneous_entry_giving_the_reason(login, coordinator, entry):
    client = login(coordinator)

    without = delete(client, entry, HTTP_IF_MATCH='"1"')
    given = delete(client, entry, {"reason": "Запись о другом выпускнике"}, HTTP_IF_MATCH='"1"')

    assert without.status_code == 400
    assert list(without.json()) == ["reason"]
    assert given.status_code == 204
    assert JournalEntry.all_objects.get(pk=entry.pk).removed_reason == "Запись о другом выпускнике"


def test_a_colleague_may_not_delete_an_entry(login, colleague, entry):
    response = delete(login(colleague), entry, {"reason": "Мешает"}, HTTP_IF_MATCH='"1"')

    assert response.status_code == 400
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_another_service_gets_404_for_patch_and_delete(login, other_specialist, entry):
    client = login(other_specialist)

    assert patch(client, entry, {"text": "Чужая"}, HTTP_IF_MATCH='"1"').status_code == 404
    assert delete(client, entry, {"reason": "Чужая"}, HTTP_IF_MATCH='"1"').status_code == 404
    entry.refresh_from_db()
    assert (entry.text, entry.removed_at) == ("Созвонились", None)
