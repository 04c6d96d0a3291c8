"""Journal entries: «контакт установлен» writes one; corrections and removals by the author within
the region's period, the coordinator's removal of an erroneous entry, and the history kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.core.versioning import StaleEdit
from opora.support import services
from opora.support.models import JournalEntry
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

Kind = JournalEntry.Kind


@pytest.fixture
def case(support_region, graduate, give_consent, make_active_case):
    give_consent(graduate, on=days_ago(40))
    return make_active_case(graduate, signed_at=days_ago(30))


@pytest.fixture
def entry(case, specialist):
    return services.add_journal_entry(case, actor=specialist, date=days_ago(1), kind=Kind.PHONE, text="Созвонились")


def entry_events(entry):
    return AuditEvent.objects.filter(content_type__model="journalentry", object_id=str(entry.pk)).order_by("at", "id")


# --- «Контакт установлен» -------------------------------------------------------------------------


def test_establishing_contact_writes_the_contact_into_the_journal_on_its_date(support_region, graduate, specialist):
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(10))

    services.establish_contact(case, actor=specialist, on=days_ago(4), text="Дозвонилась, договорились о встрече")

    entry = JournalEntry.objects.get(case=case)
    assert (entry.kind, entry.date, entry.text, entry.author) == (
        Kind.CONTACT,
        days_ago(4),
        "Дозвонилась, договорились о встрече",
        specialist,
    )
    assert entry.get_kind_display() == "Установление контакта"


def test_without_a_text_the_contact_entry_says_contact_established(support_region, graduate, specialist):
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(10))

    services.establish_contact(case, actor=specialist, on=days_ago(2), text="   ")

    assert JournalEntry.objects.get(case=case).text == "Контакт установлен"


def test_a_refused_contact_writes_no_journal_entry(support_region, graduate, specialist):
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(10))

    with pytest.raises(DomainError, match="раньше выявления"):
        services.establish_contact(case, actor=specialist, on=days_ago(11))

    assert not JournalEntry.objects.exists()
    case.refresh_from_db()
    assert case.status == "identified"


def test_the_contact_counts_as_the_last_contact_for_the_norm(support_region, graduate, specialist):
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(10))
    services.establish_contact(case, actor=specialist, on=days_ago(3))

    assert Kind.CONTACT in JournalEntry.CONTACT_KINDS
    assert JournalEntry.objects.filter(case=case, kind__in=JournalEntry.CONTACT_KINDS).get().date == days_ago(3)


# --- Corrections by the author -------------------------------------------------------------------


def test_the_author_corrects_an_entry_and_the_history_keeps_the_old_text(entry, specialist):
    services.update_journal_entry(
        entry, actor=specialist, expected_revision=entry.revision, text="Созвонились, обсудили учёбу", kind=Kind.MEETING
    )

    entry.refresh_from_db()
    assert (entry.text, entry.kind, entry.revision) == ("Созвонились, обсудили учёбу", Kind.MEETING, 2)
    event = entry_events(entry).get()
    assert event.action == AuditEvent.Action.UPDATE
    assert event.actor == specialist
    assert event.changes["text"] == ["Созвонились", "Созвонились, обсудили учёбу"]
    assert event.changes["kind"] == ["phone", "meeting"]
    # Filed under the graduate: the card's history shows it.
    assert event.subjects.get().person_id == entry.graduate_id


def test_a_correction_that_changes_nothing_writes_nothing(entry, specialist):
    services.update_journal_entry(entry, actor=specialist, text="Созвонились", kind=Kind.PHONE)

    entry.refresh_from_db()
    assert entry.revision == 1
    assert not entry_events(entry).exists()


def test_a_colleagues_entry_cannot_be_corrected(entry, colleague):
    with pytest.raises(DomainError, match=r"только её автор \(Тестова А\.\)"):
        services.update_journal_entry(entry, actor=colleague, text="Чужая правка")

    entry.refresh_from_db()
    assert entry.text == "Созвонились"


def test_the_coordinator_does_not_rewrite_a_specialists_words(entry, coordinator):
    with pytest.raises(DomainError, match="только её автор"):
        services.update_journal_entry(entry, actor=coordinator, text="Правка координатора")


def test_within_the_regions_period_the_author_may_correct(entry, specialist, travel_to, region):
    region.journal_edit_days = 3
    region.save()
    travel_to(timezone.localdate() + dt.timedelta(days=2))

    services.update_journal_entry(entry, actor=specialist, text="Исправлено на третий день")

    entry.refresh_from_db()
    assert entry.text == "Исправлено на третий день"


def test_after_the_regions_period_the_entry_is_read_only_and_says_why(entry, specialist, travel_to, region):
    region.journal_edit_days = 3
    region.save()
    travel_to(timezone.localdate() + dt.timedelta(days=4))
    until = timezone.localtime(entry.created_at + dt.timedelta(days=3)).strftime("%d.%m.%Y %H:%M")

    with pytest.raises(DomainError) as error:
        services.update_journal_entry(entry, actor=specialist, text="Поздно")
    with pytest.raises(DomainError):
        services.remove_journal_entry(entry, actor=specialist)

    assert str(error.value) == (
        f"Срок исправления истёк {until}: в регионе запись можно исправить или удалить в течение 3 сут. "
        "после внесения. Теперь она только для чтения."
    )
    entry.refresh_from_db()
    assert (entry.text, entry.removed_at) == ("Созвонились", None)


def test_a_region_may_allow_no_corrections_at_all(entry, specialist, region):
    region.journal_edit_days = 0
    region.save()

    with pytest.raises(DomainError, match="не исправляются"):
        services.update_journal_entry(entry, actor=specialist, text="Сразу же")


def test_a_longer_period_of_the_region_is_honoured(entry, specialist, travel_to, region):
    region.journal_edit_days = 10
    region.save()
    travel_to(timezone.localdate() + dt.timedelta(days=9))

    services.update_journal_entry(entry, actor=specialist, text="Через девять дней")

    entry.refresh_from_db()
    assert entry.text == "Через девять дней"


def test_a_correction_follows_the_rules_of_a_new_entry(entry, specialist):
    with pytest.raises(DomainError, match="будущем") as future:
        services.update_journal_entry(entry, actor=specialist, date=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(DomainError, match="раньше выявления"):
        services.update_journal_entry(entry, actor=specialist, date=days_ago(100))
    with pytest.raises(DomainError, match="что сделано"):
        services.update_journal_entry(entry, actor=specialist, text="  ")

    assert future.value.field == "date"
    entry.refresh_from_db()
    assert (entry.date, entry.text, entry.revision) == (days_ago(1), "Созвонились", 1)


def test_a_stale_correction_is_refused_with_the_colleagues_change_named(entry, specialist):
    services.update_journal_entry(entry, actor=specialist, expected_revision=1, text="Первая правка")

    with pytest.raises(StaleEdit) as error:
        services.update_journal_entry(entry, actor=specialist, expected_revision=1, text="Вторая правка")

    assert "«Созвонились» → «Первая правка»" in error.value.message
    entry.refresh_from_db()
    assert entry.text == "Первая правка"


# --- Removal ------------------------------------------------------------------------------------


def test_the_author_removes_an_entry_it_is_hidden_but_kept_with_its_history(entry, specialist, case):
    before = JournalEntry.objects.filter(case=case).count()

    services.remove_journal_entry(entry, actor=specialist, expected_revision=entry.revision)

    assert JournalEntry.objects.filter(case=case).count() == before - 1
    assert not JournalEntry.objects.filter(pk=entry.pk).exists()
    kept = JournalEntry.all_objects.get(pk=entry.pk)
    assert (kept.text, kept.removed_by) == ("Созвонились", specialist)
    assert timezone.localtime(kept.removed_at).date() == timezone.localdate()
    event = entry_events(entry).get()
    assert event.action == AuditEvent.Action.DELETE
    assert event.changes["text"] == ["Созвонились", None]
    assert event.changes["kind"] == ["phone", None]


def test_a_colleague_may_not_remove_an_entry(entry, colleague):
    with pytest.raises(DomainError, match="только её автор"):
        services.remove_journal_entry(entry, actor=colleague, reason="Ошибка")

    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_the_coordinator_removes_an_erroneous_entry_with_a_reason_even_after_the_period(entry, coordinator, travel_to):
    travel_to(timezone.localdate() + dt.timedelta(days=30))
    with pytest.raises(DomainError, match="Укажите причину") as error:
        services.remove_journal_entry(entry, actor=coordinator, reason=" ")
    assert error.value.field == "reason"

    services.remove_journal_entry(entry, actor=coordinator, reason="Внесена не тому выпускнику")

    kept = JournalEntry.all_objects.get(pk=entry.pk)
    assert (kept.removed_by, kept.removed_reason) == (coordinator, "Внесена не тому выпускнику")
    assert entry_events(entry).get().changes["removed_reason"] == [None, "Внесена не тому выпускнику"]


def test_a_removed_entry_cannot_be_corrected_or_removed_again(entry, specialist):
    services.remove_journal_entry(entry, actor=specialist)
    entry = JournalEntry.all_objects.get(pk=entry.pk)

    with pytest.raises(DomainError, match="уже удалена"):
        services.update_journal_entry(entry, actor=specialist, text="Поздно")
    with pytest.raises(DomainError, match="уже удалена"):
        services.remove_journal_entry(entry, actor=specialist)


def test_an_entry_of_another_service_is_refused_by_the_scope(entry, other_specialist):
    with pytest.raises(DomainError, match="вне вашей службы"):
        services.remove_journal_entry(entry, actor=other_specialist, reason="чужая")

    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_a_removed_entry_no_longer_counts_as_the_last_contact_in_the_caseload(case, specialist):
    from opora.support.caseload import with_attention
    from opora.support.models import SupportCase

    today = timezone.localdate()
    last = services.add_journal_entry(case, actor=specialist, date=today, kind=Kind.PHONE, text="Сегодня")
    assert with_attention(SupportCase.objects.filter(pk=case.pk), today).get().last_contact_at == today

    services.remove_journal_entry(last, actor=specialist)

    # The contact step's entry (five days before the contract) is the last contact again.
    assert with_attention(SupportCase.objects.filter(pk=case.pk), today).get().last_contact_at == days_ago(35)
