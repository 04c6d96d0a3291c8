"""Edit services refuse a save that started from an old revision, write only what changed,
and file a history computed from the row as it is in the database."""

from __future__ import annotations

import pytest

from opora.core.models import AuditEvent
from opora.core.versioning import StaleEdit
from opora.registry import services
from opora.registry.models import Graduate


def update(graduate, actor, expected_revision=None, **data):
    return services.update_graduate(graduate, actor=actor, data=data, expected_revision=expected_revision)


def updates(graduate):
    return AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(graduate.pk)).order_by("id")


@pytest.fixture
def colleague(service):
    from opora.org.models import User

    return User.objects.create(
        username="colleague", role="specialist", service=service, last_name="Коллегова", first_name="Вера"
    )


def test_a_new_graduate_starts_at_revision_one_and_every_save_advances_it(graduate, specialist):
    assert graduate.revision == 1

    saved = update(graduate, specialist, expected_revision=1, phone="+7 (912) 000-11-22")

    assert saved.revision == 2
    assert Graduate.objects.get(pk=graduate.pk).revision == 2


def test_a_save_from_an_old_revision_is_refused_and_names_who_changed_what(graduate, specialist, colleague):
    update(graduate, colleague, expected_revision=1, phone="+7 (912) 000-11-22")

    with pytest.raises(StaleEdit) as refused:
        update(graduate, specialist, expected_revision=1, notes="Моя заметка")

    message = refused.value.message
    assert message.startswith("Запись уже изменил(а) Коллегова В.,")
    assert "телефон: «—» → «+7 (912) 000-11-22»" in message
    assert "Ваши изменения не сохранены" in message
    assert refused.value.code == "stale"
    assert refused.value.revision == 2
    assert Graduate.objects.get(pk=graduate.pk).notes == ""


def test_the_refusal_lists_only_the_changes_made_after_the_users_revision(graduate, specialist, colleague):
    update(graduate, colleague, expected_revision=1, phone="+7 (912) 000-11-22")
    update(graduate, colleague, expected_revision=2, housing=Graduate.Housing.RENTED)

    with pytest.raises(StaleEdit) as refused:
        update(graduate, specialist, expected_revision=2, notes="Моя заметка")

    assert "жилищная ситуация: «Общежитие» → «Съёмное жильё»" in refused.value.message
    assert "телефон" not in refused.value.message


def test_a_save_from_the_current_revision_goes_through(graduate, specialist, colleague):
    update(graduate, colleague, expected_revision=1, phone="+7 (912) 000-11-22")

    update(graduate, specialist, expected_revision=2, notes="Моя заметка")

    graduate.refresh_from_db()
    assert (graduate.phone, graduate.notes, graduate.revision) == ("+7 (912) 000-11-22", "Моя заметка", 3)


def test_only_the_changed_fields_are_written(graduate, specialist):
    stale_copy = Graduate.objects.get(pk=graduate.pk)
    # Someone else's write that the stale copy has not seen.
    Graduate.objects.filter(pk=graduate.pk).update(notes="Запись коллеги")

    update(stale_copy, specialist, phone="+7 (912) 000-11-22", last_name=stale_copy.last_name, notes="")

    graduate.refresh_from_db()
    assert graduate.phone == "+7 (912) 000-11-22"
    # "notes" differed from the locked row, so it was written: the save is of what the user sent,
    # compared with the database, not with the copy the caller held.
    assert graduate.notes == ""
    event = updates(graduate).get()
    assert event.changes["notes"] == ["Запись коллеги", ""]
    assert "last_name" not in event.changes


def test_a_field_the_caller_did_not_change_keeps_the_value_someone_else_saved(graduate, specialist):
    stale_copy = Graduate.objects.get(pk=graduate.pk)
    Graduate.objects.filter(pk=graduate.pk).update(notes="Запись коллеги")

    update(stale_copy, specialist, phone="+7 (912) 000-11-22")

    graduate.refresh_from_db()
    assert (graduate.phone, graduate.notes) == ("+7 (912) 000-11-22", "Запись коллеги")


def test_saving_unchanged_values_writes_nothing_and_keeps_the_revision(graduate, specialist):
    update(graduate, specialist, expected_revision=1, phone=graduate.phone, last_name=graduate.last_name)

    assert Graduate.objects.get(pk=graduate.pk).revision == 1
    assert not updates(graduate).exists()


def test_the_history_is_computed_from_the_row_in_the_database_so_it_equals_the_data(graduate, specialist):
    loaded_before = Graduate.objects.get(pk=graduate.pk)
    Graduate.objects.filter(pk=graduate.pk).update(phone="+7 (912) 555-55-55")

    update(loaded_before, specialist, phone="+7 (912) 000-11-22")

    event = updates(graduate).get()
    assert event.changes["phone"] == ["+7 (912) 555-55-55", "+7 (912) 000-11-22"]
    assert Graduate.objects.get(pk=graduate.pk).phone == event.changes["phone"][1]


def test_a_revert_is_recorded_as_a_change(graduate, specialist, colleague):
    update(graduate, colleague, expected_revision=1, notes="Новое")
    update(graduate, specialist, expected_revision=2, notes="")

    assert [e.changes["notes"] for e in updates(graduate)] == [["", "Новое"], ["Новое", ""]]


def test_changing_only_the_vulnerable_categories_advances_the_revision(graduate, specialist):
    from opora.registry.models import VulnerableCategory

    category = VulnerableCategory.objects.create(code="mama", name="Маме важно")

    services.update_graduate(graduate, actor=specialist, data={}, vulnerable_categories=[category], expected_revision=1)

    graduate.refresh_from_db()
    assert graduate.revision == 2
    assert updates(graduate).get().changes["vulnerable_categories"] == [[], ["Маме важно"]]


def test_withdrawing_a_consent_advances_its_revision(graduate, specialist):
    import datetime as dt

    consent = services.record_consent(
        graduate, actor=specialist, data={"given_at": dt.date(2024, 3, 1), "scope": "ФИО, дата рождения"}
    )

    services.withdraw_consent(consent, actor=specialist, on=dt.date(2024, 4, 1))

    consent.refresh_from_db()
    assert (consent.withdrawn_at, consent.revision) == (dt.date(2024, 4, 1), 2)
