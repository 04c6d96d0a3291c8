"""Two saves of the same record at the same moment, on PostgreSQL: exactly one wins, the
other is refused (409 through the form, 412 through the API), and the history equals the data.

Each case runs many times, so that a lost update (both saves answered «saved») would show.
"""

from __future__ import annotations

import json
import threading
from functools import partial

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from opora.core.models import AuditEvent
from opora.registry.models import Graduate

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) and parallel transactions need PostgreSQL; set DATABASE_URL",
    ),
]

ROUNDS = 20


@pytest.fixture
def colleague(service):
    from opora.org.models import User

    return User.objects.create(
        username="colleague", role="specialist", service=service, last_name="Коллегова", first_name="Вера"
    )


@pytest.fixture
def clients(specialist, colleague):
    mine, theirs = Client(), Client()
    mine.force_login(specialist)
    theirs.force_login(colleague)
    return mine, theirs


def at_once(*requests):
    """Run the requests in parallel threads released together; their responses in order."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait(timeout=10)
            results[index] = request()
        except BaseException as err:  # noqa: BLE001 — reported by the assertion below
            results[index] = err
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for result in results:
        assert not isinstance(result, BaseException), repr(result)
    return results


def reset(graduate) -> Graduate:
    Graduate.objects.filter(pk=graduate.pk).update(phone="", notes="", revision=1)
    AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).delete()
    return Graduate.objects.get(pk=graduate.pk)


def assert_history_equals_data(graduate) -> None:
    """The newest recorded value of every changed field is what the database holds."""
    graduate.refresh_from_db()
    latest: dict = {}
    for event in AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(graduate.pk)).order_by("id"):
        for name, pair in event.changes.items():
            if not name.startswith("_"):
                latest[name] = pair[1]
    assert latest.get("phone", "") == graduate.phone
    assert latest.get("notes", "") == graduate.notes


def form_data(client, graduate, **changes) -> dict:
    form = client.get(reverse("registry:update", args=[graduate.pk])).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name not in ("photo_portrait", "photo_full") and value not in (None, ""):
            data[name] = value
    return {**data, **changes}


def test_two_form_saves_of_the_same_graduate_one_wins_and_the_other_sees_the_conflict(clients, graduate):
    mine, theirs = clients
    url = reverse("registry:update", args=[graduate.pk])
    for _round in range(ROUNDS):
        graduate = reset(graduate)
        my_form = form_data(mine, graduate, notes="Моя заметка")
        their_form = form_data(theirs, graduate, phone="+7 (912) 000-11-22")

        answers = at_once(partial(mine.post, url, my_form), partial(theirs.post, url, their_form))

        codes = sorted(a.status_code for a in answers)
        assert codes == [302, 409], codes
        refused = next(a for a in answers if a.status_code == 409)
        assert "Запись уже изменил(а)" in refused.content.decode()
        graduate.refresh_from_db()
        assert graduate.revision == 2
        assert (graduate.notes, graduate.phone) in (("Моя заметка", ""), ("", "+7 (912) 000-11-22"))
        assert_history_equals_data(graduate)


def api_body(graduate, **changes) -> dict:
    return {
        "service": graduate.service_id,
        "territory": graduate.territory_id,
        "last_name": graduate.last_name,
        "first_name": graduate.first_name,
        "patronymic": graduate.patronymic,
        "sex": graduate.sex,
        "birth_date": graduate.birth_date.isoformat(),
        "snils": graduate.snils,
        "status_category": graduate.status_category,
        "housing": graduate.housing,
        "phone": graduate.phone,
        "notes": graduate.notes,
        **changes,
    }


def send(client, method, graduate, body):
    return getattr(client, method)(
        f"/api/v1/graduates/{graduate.pk}/", json.dumps(body), content_type="application/json", HTTP_IF_MATCH='"1"'
    )


def test_two_api_puts_with_the_same_etag_one_wins_and_the_other_gets_412(clients, graduate):
    mine, theirs = clients
    for _round in range(ROUNDS):
        graduate = reset(graduate)
        mine_body = api_body(graduate, notes="Моя заметка")
        their_body = api_body(graduate, phone="+7 (912) 000-11-22")

        answers = at_once(
            partial(send, mine, "put", graduate, mine_body), partial(send, theirs, "put", graduate, their_body)
        )

        codes = sorted(a.status_code for a in answers)
        assert codes == [200, 412], [a.content for a in answers]
        graduate.refresh_from_db()
        assert graduate.revision == 2
        assert (graduate.notes, graduate.phone) in (("Моя заметка", ""), ("", "+7 (912) 000-11-22"))
        assert_history_equals_data(graduate)


def test_two_api_patches_of_different_fields_with_the_same_etag_one_wins_and_the_other_gets_412(clients, graduate):
    mine, theirs = clients
    for _round in range(ROUNDS):
        graduate = reset(graduate)

        answers = at_once(
            partial(send, mine, "patch", graduate, {"notes": "Моя заметка"}),
            partial(send, theirs, "patch", graduate, {"phone": "+7 (912) 000-11-22"}),
        )

        codes = sorted(a.status_code for a in answers)
        assert codes == [200, 412], [a.content for a in answers]
        refused = next(a for a in answers if a.status_code == 412)
        assert "Запись уже изменил(а)" in refused.json()["detail"]
        graduate.refresh_from_db()
        assert graduate.revision == 2
        assert (graduate.notes, graduate.phone) in (("Моя заметка", ""), ("", "+7 (912) 000-11-22"))
        assert_history_equals_data(graduate)
