"""Opening an edit form or a delete confirmation is a read of the person's data, and so is an API
PATCH or PUT that answers with the record: each is written to the audit log, filed under the person.

The rule: a page that shows a record writes one read (``view``) for the person whose record it
is, whatever the page is for (the card, an edit form, a confirmation); an API request that sends
a record back writes one ``api_read`` for it besides the change itself (``update``); a refused
stale edit (409 on a page, 412 in the API) is a read too, since it shows the colleague's change.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from opora.core.models import AuditEvent, AuditSubject
from opora.registry import services as registry_services
from opora.support.tests.scoping import support_url_kwargs

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action

# Every form and confirmation page (GET) of the card, registry and support alike: (url name, record kind).
FORM_PAGES = [
    ("registry:update", None),
    ("registry:delete", None),
    ("support:contract_sign", "case"),
    ("support:level_change", "case"),
    ("support:case_refuse", "case"),
    ("support:case_close", "case"),
    ("support:transfer_start", "case"),
    ("support:contract_renew", "contract"),
    ("support:measure_update", "measure"),
]


def reads_of(person_pk) -> list[AuditEvent]:
    """The read events filed under the person, oldest first."""
    ids = AuditSubject.objects.filter(person_id=person_pk).values("event_id")
    return list(AuditEvent.objects.filter(pk__in=ids, action__in=AuditEvent.READ_ACTIONS).order_by("at", "id"))


@pytest.mark.parametrize(("name", "kind"), FORM_PAGES, ids=[n for n, _k in FORM_PAGES])
def test_opening_a_form_or_a_confirmation_writes_one_read_of_the_person(login, coordinator, graduate, name, kind):
    kwargs = support_url_kwargs(kind, graduate.pk) if kind else {"pk": graduate.pk}
    url = reverse(name, kwargs=kwargs)
    client = login(coordinator)

    response = client.get(url, REMOTE_ADDR="192.0.2.77")

    assert response.status_code == 200
    [read] = reads_of(graduate.pk)
    assert read.action == Action.VIEW
    assert read.actor == coordinator
    assert read.path == url
    assert read.ip_address == "192.0.2.77"
    assert read.service == graduate.service


def test_the_coordinator_sees_on_the_card_who_opened_its_edit_form(client, specialist, coordinator, graduate):
    client.force_login(specialist)
    client.get(reverse("registry:update", args=[graduate.pk]), REMOTE_ADDR="192.0.2.78")

    client.force_login(coordinator)
    body = client.get(reverse("registry:history", args=[graduate.pk])).content.decode()

    assert "Просмотр карточки" in body
    assert "192.0.2.78" in body


def patch(client, url, data, **headers):
    return client.patch(url, json.dumps(data), content_type="application/json", **headers)


def test_an_api_patch_writes_the_change_and_a_read_of_the_record_it_answers_with(login, specialist, graduate):
    client = login(specialist)
    url = f"/api/v1/graduates/{graduate.pk}/"

    response = patch(client, url, {"notes": "Переехала к тёте"}, HTTP_IF_MATCH='"1"', REMOTE_ADDR="192.0.2.79")

    assert response.status_code == 200
    assert response.json()["notes"] == "Переехала к тёте"
    events = AuditEvent.objects.filter(content_type__model="graduate", object_id=str(graduate.pk)).order_by("id")
    assert [e.action for e in events] == [Action.UPDATE, Action.API_READ]
    [read] = reads_of(graduate.pk)
    assert (read.actor, read.path, read.ip_address) == (specialist, url, "192.0.2.79")


def test_an_api_put_writes_a_read_too(login, specialist, graduate):
    client = login(specialist)
    url = f"/api/v1/graduates/{graduate.pk}/"
    body = client.get(url).json()
    AuditEvent.objects.all().delete()
    body["notes"] = "Полная замена"
    body = {k: v for k, v in body.items() if v is not None and k not in ("photo_portrait", "photo_full")}

    response = client.put(url, json.dumps(body), content_type="application/json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 200, response.content
    assert [e.action for e in reads_of(graduate.pk)] == [Action.API_READ]
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(graduate.pk)).exists()


def test_a_stale_api_patch_refused_with_412_is_a_read_of_the_colleagues_change(
    login, specialist, coordinator, graduate
):
    registry_services.update_graduate(graduate, actor=coordinator, data={"phone": "+7 912 000-11-22"})
    client = login(specialist)

    response = patch(client, f"/api/v1/graduates/{graduate.pk}/", {"notes": "моё"}, HTTP_IF_MATCH='"1"')

    assert response.status_code == 412
    assert "+7 912 000-11-22" in response.json()["detail"]  # the detail shows the colleague's data
    [read] = reads_of(graduate.pk)
    assert (read.action, read.actor) == (Action.API_READ, specialist)


def test_a_patch_without_if_match_shows_nothing_and_writes_no_read(login, specialist, graduate):
    response = patch(login(specialist), f"/api/v1/graduates/{graduate.pk}/", {"notes": "моё"})

    assert response.status_code == 428
    assert reads_of(graduate.pk) == []


def test_a_measure_patched_through_the_api_is_a_read_filed_under_the_graduate(login, specialist, graduate):
    measure_pk = support_url_kwargs("measure", graduate.pk)["measure_pk"]
    client = login(specialist)

    response = patch(client, f"/api/v1/measures/{measure_pk}/", {"status": "in_progress"}, HTTP_IF_MATCH='"1"')

    assert response.status_code == 200, response.content
    [read] = reads_of(graduate.pk)
    assert read.action == Action.API_READ
    assert read.object_id == str(measure_pk)
