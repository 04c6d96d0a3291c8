"""The audit log: changes of a graduate, reads of personal data, logins and refusals."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from opora.conftest import PASSWORD
from opora.core import audit
from opora.core.models import AuditEvent
from opora.registry.models import Graduate

Action = AuditEvent.Action


def edit_data(client, graduate, **changes) -> dict:
    """The edit form as the user sees it, with ``changes`` typed in."""
    form = client.get(reverse("registry:update", args=[graduate.pk])).context["form"]
    data = {}
    for name, value in form.initial.items():
        if name in ("photo_portrait", "photo_full") or value in (None, ""):
            continue
        if name == "vulnerable_categories":
            value = [c.pk for c in value]
        data[name] = value
    data.update(changes)
    return data


def events(action, graduate=None):
    qs = AuditEvent.objects.filter(action=action)
    if graduate is not None:
        qs = qs.filter(content_type=ContentType.objects.get_for_model(Graduate), object_id=str(graduate.pk))
    return qs


def test_entering_a_graduate_records_who_and_every_filled_field(login, specialist, graduate_form):
    client = login(specialist)

    client.post(reverse("registry:create"), graduate_form(phone="8 912 345-67-89"), REMOTE_ADDR="192.0.2.5")

    created = Graduate.objects.get()
    event = events(Action.CREATE, created).get()
    assert event.actor == specialist
    assert event.ip_address == "192.0.2.5"
    assert event.service == specialist.service
    assert event.changes["last_name"] == [None, "Смирнова"]
    assert event.changes["phone"] == [None, "+7 (912) 345-67-89"]
    assert event.changes["housing"] == [None, "dormitory"]  # the code; the history shows «Общежитие»


def test_changing_a_graduate_records_exactly_the_changed_fields_with_old_and_new_values(login, specialist, graduate):
    client = login(specialist)

    response = client.post(
        reverse("registry:update", args=[graduate.pk]),
        edit_data(client, graduate, last_name="Иванова-Смирнова", phone="+7 912 000-11-22"),
    )

    assert response.status_code == 302
    event = events(Action.UPDATE, graduate).get()
    assert event.actor == specialist
    assert event.changes == {
        "last_name": ["Иванова", "Иванова-Смирнова"],
        "phone": ["", "+7 (912) 000-11-22"],
        f"_rev:registry.graduate:{graduate.pk}": [1, 2],
    }


def test_saving_an_unchanged_form_records_no_change(login, specialist, graduate):
    client = login(specialist)

    client.post(reverse("registry:update", args=[graduate.pk]), edit_data(client, graduate))

    assert not events(Action.UPDATE, graduate).exists()


def test_deleting_a_graduate_keeps_what_the_record_held(login, coordinator, graduate):
    client = login(coordinator)
    pk, snils = graduate.pk, graduate.snils

    response = client.post(reverse("registry:delete", args=[pk]), {"confirm_name": "иванова"})

    assert response.status_code == 302
    assert not Graduate.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action=Action.DELETE, object_id=str(pk))
    assert event.actor == coordinator
    assert event.changes["last_name"] == ["Иванова", None]
    assert event.changes["snils"] == [snils, None]


def test_a_delete_without_the_right_surname_deletes_nothing(login, coordinator, graduate):
    client = login(coordinator)

    client.post(reverse("registry:delete", args=[graduate.pk]), {"confirm_name": "Петрова"})

    assert Graduate.objects.filter(pk=graduate.pk).exists()
    assert not events(Action.DELETE).exists()


def test_the_history_tab_shows_who_changed_which_field_from_what_to_what(login, specialist, graduate):
    client = login(specialist)
    client.post(reverse("registry:update", args=[graduate.pk]), edit_data(client, graduate, phone="+7 912 000-11-22"))

    body = client.get(reverse("registry:history", args=[graduate.pk])).content.decode()

    assert "Изменение" in body
    assert "Телефон" in body
    assert "+7 (912) 000-11-22" in body
    assert specialist.short_name in body


def test_opening_the_card_records_a_read_with_the_address(login, specialist, graduate):
    client = login(specialist)

    client.get(reverse("registry:detail", args=[graduate.pk]), REMOTE_ADDR="192.0.2.44")

    event = events(Action.VIEW, graduate).get()
    assert event.actor == specialist
    assert event.ip_address == "192.0.2.44"
    assert event.service == graduate.service


def test_the_card_is_not_shown_when_its_read_cannot_be_audited(login, specialist, graduate, monkeypatch):
    def broken_record(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "record", broken_record)
    client = login(specialist)
    client.raise_request_exception = False

    response = client.get(reverse("registry:detail", args=[graduate.pk]))

    assert response.status_code == 500
    assert graduate.full_name not in response.content.decode()


def test_the_list_records_exactly_the_records_shown_on_the_page(login, specialist, make_graduate, service):
    shown_later = [make_graduate(service, last_name=f"Фамилия{n:02d}", patronymic="") for n in range(30)]
    client = login(specialist)

    response = client.get(reverse("registry:list"), {"page": 2}, REMOTE_ADDR="192.0.2.8")

    event = events(Action.LIST).get()
    assert event.record_ids == [g.pk for g in response.context["graduates"]]
    assert event.record_ids == [g.pk for g in shown_later[25:]]
    assert event.ip_address == "192.0.2.8"
    assert event.actor == specialist


def test_a_search_records_the_records_it_found(login, specialist, graduate, make_graduate, service):
    make_graduate(service, last_name="Орлова", first_name="Ольга")
    client = login(specialist)

    client.get(reverse("registry:list"), {"q": "алена"})

    assert events(Action.LIST).get().record_ids == [graduate.pk]


def test_api_reads_are_recorded(login, specialist, graduate, make_graduate, service):
    other = make_graduate(service, last_name="Орлова", first_name="Ольга")
    client = login(specialist)

    client.get(reverse("graduate-list"), REMOTE_ADDR="192.0.2.9")
    client.get(reverse("graduate-detail", args=[other.pk]))

    listed = AuditEvent.objects.get(action=Action.API_READ, object_id="")
    assert sorted(listed.record_ids) == sorted([graduate.pk, other.pk])
    assert listed.ip_address == "192.0.2.9"
    assert events(Action.API_READ, other).get().actor == specialist


def test_the_audit_page_is_closed_to_a_specialist(login, specialist):
    assert login(specialist).get(reverse("audit")).status_code == 403


@pytest.fixture
def two_services_reads(client, specialist, other_specialist, graduate, foreign_graduate):
    client.force_login(specialist)
    client.get(reverse("registry:detail", args=[graduate.pk]), REMOTE_ADDR="192.0.2.1")
    client.force_login(other_specialist)
    client.get(reverse("registry:detail", args=[foreign_graduate.pk]), REMOTE_ADDR="198.51.100.7")
    client.logout()


def test_the_coordinator_sees_the_reads_of_their_own_service_only(login, coordinator, two_services_reads):
    body = login(coordinator).get(reverse("audit")).content.decode()

    assert "192.0.2.1" in body
    assert "198.51.100.7" not in body


def test_the_regional_centre_sees_the_reads_of_the_whole_region(login, regional, two_services_reads):
    body = login(regional).get(reverse("audit")).content.decode()

    assert "192.0.2.1" in body
    assert "198.51.100.7" in body


def test_the_audit_page_filters_by_action_and_record(login, coordinator, specialist, graduate, make_graduate, service):
    other = make_graduate(service, last_name="Орлова")
    client = login(specialist)
    client.get(reverse("registry:detail", args=[graduate.pk]), REMOTE_ADDR="192.0.2.1")
    client.get(reverse("registry:detail", args=[other.pk]), REMOTE_ADDR="192.0.2.2")
    client.get(reverse("registry:list"), REMOTE_ADDR="192.0.2.3")

    page = login(coordinator).get(reverse("audit"), {"action": "view", "record": graduate.pk})

    shown = list(page.context["page"])
    assert [(e.action, e.object_id) for e in shown] == [("view", str(graduate.pk))]


def test_the_history_tab_shows_who_opened_the_card_to_the_coordinator_only(client, specialist, coordinator, graduate):
    client.force_login(specialist)
    client.get(reverse("registry:detail", args=[graduate.pk]), REMOTE_ADDR="192.0.2.77")

    as_specialist = client.get(reverse("registry:history", args=[graduate.pk])).content.decode()
    client.force_login(coordinator)
    as_coordinator = client.get(reverse("registry:history", args=[graduate.pk])).content.decode()

    assert "192.0.2.77" not in as_specialist
    assert "кто открывал личное дело" in as_coordinator
    assert "192.0.2.77" in as_coordinator


def test_a_successful_login_is_recorded(client, specialist):
    response = client.post(reverse("login"), {"username": "spec", "password": PASSWORD}, REMOTE_ADDR="192.0.2.20")

    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert event.actor == specialist
    assert event.ip_address == "192.0.2.20"


def test_a_failed_login_is_recorded_with_the_username_tried(client, specialist):
    response = client.post(reverse("login"), {"username": "spec", "password": "wrong"}, REMOTE_ADDR="192.0.2.21")

    assert response.status_code == 200
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.username == "spec"
    assert event.actor is None
    assert event.ip_address == "192.0.2.21"
    assert "wrong" not in str(event.changes)


def test_a_logout_is_recorded(login, specialist):
    client = login(specialist)

    client.post(reverse("logout"))

    assert AuditEvent.objects.filter(action=Action.LOGOUT, actor=specialist).exists()


def test_recording_and_withdrawing_a_consent_are_audited(login, specialist, graduate):
    client = login(specialist)

    response = client.post(
        reverse("registry:consents", args=[graduate.pk]),
        {"given_at": "2024-03-01", "given_by": "graduate", "scope": "ФИО, дата рождения, СНИЛС"},
    )

    assert response.status_code == 302
    created = events(Action.CREATE, graduate).get()
    assert created.actor == specialist
    assert created.changes["consent"] == [None, "Согласие от 01.03.2024"]
    assert created.changes["consent_scope"] == [None, "ФИО, дата рождения, СНИЛС"]

    consent = graduate.consents.get()
    client.post(reverse("registry:consent_withdraw", args=[graduate.pk, consent.pk]))

    withdrawn = events(Action.UPDATE, graduate).get()
    assert [key for key in withdrawn.changes if not key.startswith("_")] == ["consent_withdrawn"]
    history = client.get(reverse("registry:history", args=[graduate.pk])).content.decode()
    assert "Согласие от 01.03.2024" in history
    assert "Согласие отозвано" in history
