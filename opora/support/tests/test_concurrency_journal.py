"""A journal entry corrected and removed at the same moment (two tabs, a phone and a computer): one wins,
the other is refused as stale with the colleague's change named; the entry is never both.

PostgreSQL only, like test_concurrency.py (whose ``race`` this reuses):
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/opora_locks pytest opora/support/tests/test_concurrency_journal.py``
"""

from __future__ import annotations

import pytest
from django.db import connection

from opora.core.models import AuditEvent
from opora.support import services
from opora.support.models import JournalEntry
from opora.support.tests.conftest import days_ago
from opora.support.tests.test_concurrency import TRIES, one_wins, race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) are a PostgreSQL matter; SQLite serialises every write",
    ),
]


@pytest.fixture
def entries(support_region, graduate, specialist):
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(10))
    services.establish_contact(case, actor=specialist, on=days_ago(5))

    def make(n: int) -> JournalEntry:
        return services.add_journal_entry(case, actor=specialist, kind="phone", text=f"Звонок {n}")

    return make


def fresh(entry: JournalEntry) -> JournalEntry:
    """The entry as a page would have fetched it."""
    return JournalEntry.objects.select_related("case", "case__graduate", "author").get(pk=entry.pk)


def test_a_correction_and_a_removal_at_once_one_wins_and_the_history_tells_it(entries, specialist):
    for n in range(TRIES):
        entry = entries(n)
        correcting, removing = fresh(entry), fresh(entry)

        outcomes = race(
            lambda c=correcting: services.update_journal_entry(
                c, actor=specialist, expected_revision=1, text="Исправлено"
            ),
            lambda r=removing: services.remove_journal_entry(r, actor=specialist, expected_revision=1),
        )

        winner = one_wins(outcomes)
        row = JournalEntry.all_objects.get(pk=entry.pk)
        assert row.revision == 2
        if winner == 0:
            assert (row.text, row.removed_at) == ("Исправлено", None)
            assert "«Звонок" in outcomes[1][1] and "Исправлено" in outcomes[1][1]
        else:
            assert row.text == f"Звонок {n}" and row.removed_at is not None
        events = AuditEvent.objects.filter(content_type__model="journalentry", object_id=str(entry.pk))
        assert events.count() == 1


def test_two_corrections_at_once_the_second_is_refused_as_stale(entries, specialist):
    for n in range(TRIES):
        entry = entries(n)
        first, second = fresh(entry), fresh(entry)

        outcomes = race(
            lambda a=first: services.update_journal_entry(a, actor=specialist, expected_revision=1, text="С телефона"),
            lambda b=second: services.update_journal_entry(
                b, actor=specialist, expected_revision=1, text="С компьютера"
            ),
        )

        winner = one_wins(outcomes)
        row = JournalEntry.objects.get(pk=entry.pk)
        assert row.text == ("С телефона", "С компьютера")[winner]
        assert "Ваши изменения не сохранены" in outcomes[1 - winner][1]
