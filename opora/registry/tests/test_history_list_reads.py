"""A list or a search that showed a person is in that person's history (for the coordinator)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def history_table(client, graduate) -> str:
    body = client.get(reverse("registry:history", args=[graduate.pk])).content.decode()
    return body.split('id="history"', 1)[1].split("</table>", 1)[0] if 'id="history"' in body else ""


def test_a_list_page_shows_in_the_history_of_each_person_on_it(client, specialist, coordinator, make_graduate, service):
    shown = [make_graduate(service, last_name=name) for name in ("Антонова", "Борисова")]
    client.force_login(specialist)
    client.get(reverse("registry:list"), REMOTE_ADDR="192.0.2.10")

    client.force_login(coordinator)
    for graduate in shown:
        table = history_table(client, graduate)
        assert "Просмотр списка / поиск" in table
        assert "192.0.2.10" in table


def test_a_search_that_did_not_show_a_person_is_not_in_their_history(
    client, specialist, coordinator, make_graduate, service
):
    found = make_graduate(service, last_name="Антонова")
    missed = make_graduate(service, last_name="Борисова")
    client.force_login(specialist)
    client.get(reverse("registry:list"), {"q": "Антонова"}, REMOTE_ADDR="192.0.2.11")

    client.force_login(coordinator)
    assert "192.0.2.11" in history_table(client, found)
    assert "192.0.2.11" not in history_table(client, missed)
