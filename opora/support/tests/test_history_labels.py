"""The change log keeps codes; the card's history and the audit log show them as a person reads them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from opora.registry import services as registry
from opora.registry.models import Graduate
from opora.support import services
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

RAW = re.compile(r"\b(identified|contact|active|pending|dormitory|own|True|False|None)\b|\d{4}-\d{2}-\d{2}")


@pytest.fixture
def lived_history(active_case, specialist, other_service, coordinator):
    """A graduate whose history holds choices, flags, dates and the support keys."""
    graduate = active_case.graduate
    registry.update_graduate(
        Graduate.objects.get(pk=graduate.pk),
        actor=specialist,
        data={"housing": Graduate.Housing.OWN, "housing_right": True, "left_at": days_ago(400)},
    )
    consent = graduate.consents.get()
    registry.withdraw_consent(consent, actor=specialist, on=days_ago(0))
    transfer = services.start_transfer(active_case, actor=specialist, moved_at=days_ago(1), to_service=other_service)
    services.mark_notice_sent(transfer, actor=specialist, on=days_ago(0))
    services.cancel_transfer(transfer, actor=specialist)
    return graduate


def table_of(body: str, marker: str) -> str:
    return body.split(marker, 1)[1].split("</table>", 1)[0]


def test_the_history_tab_shows_labels_not_codes(login, coordinator, lived_history):
    body = login(coordinator).get(reverse("registry:history", args=[lived_history.pk])).content.decode()
    table = table_of(body, 'id="history"')

    assert RAW.search(table) is None, RAW.search(table)
    for label in (
        "Выявлен",
        "Контакт установлен",
        "На сопровождении",
        "Статус сопровождения",
        "Собственное жильё",
        "Ожидает принятия",
        "Отменено",
        "да",
        days_ago(0).strftime("%d.%m.%Y"),
        days_ago(400).strftime("%d.%m.%Y"),
        "В уведомление переданы сведения",
        "ФИО, дата рождения",
    ):
        assert label in table, label


def test_the_audit_log_shows_the_same_labels(login, coordinator, lived_history):
    body = login(coordinator).get(reverse("audit")).content.decode()
    table = table_of(body, "<tbody>")

    assert RAW.search(table) is None, RAW.search(table)
    assert "Статус сопровождения" in table
    assert "Собственное жильё" in table
