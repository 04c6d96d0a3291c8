"""The «Журнал» tab: the counter after a quick entry, in-place correction and removal, the history shown,
and «Контакт установлен» on the case tab writing the journal."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.support import services
from opora.support.models import JournalEntry
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.usefixtures("support_region")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def entry(active_case, specialist):
    return services.add_journal_entry(
        active_case, actor=specialist, date=days_ago(1), kind=JournalEntry.Kind.PHONE, text="Созвонились"
    )


def tab(graduate) -> str:
    return reverse("support:journal", kwargs={"pk": graduate.pk})


def edit_url(entry) -> str:
    return reverse("support:journal_edit", kwargs={"pk": entry.graduate_id, "entry_pk": entry.pk})


def remove_url(entry) -> str:
    return reverse("support:journal_remove", kwargs={"pk": entry.graduate_id, "entry_pk": entry.pk})


def counter(body: str) -> int:
    return int(re.search(r'id="journal-count">(\d+)<', body).group(1))


def edit_data(entry, **changes) -> dict:
    data = {
        "date": entry.date.strftime("%d.%m.%Y"),
        "kind": entry.kind,
        "text": entry.text,
        "result": "",
        "participants": "",
        "revision": entry.revision,
    }
    return {**data, **changes}


# --- The counter ---------------------------------------------------------------------------------


def test_a_quick_entry_sends_the_new_count_out_of_band(login, specialist, active_case):
    client = login(specialist)
    before = counter(client.get(tab(active_case.graduate)).content.decode())

    response = client.post(tab(active_case.graduate), {"kind": "phone", "text": "Позвонила"}, **HTMX)

    body = response.content.decode()
    assert (
        '<span class="badge text-bg-secondary" title="Записей в журнале" hx-swap-oob="true" id="journal-count">' in body
    )
    assert counter(body) == before + 1
    assert counter(client.get(tab(active_case.graduate)).content.decode()) == before + 1


# --- «Контакт установлен» ------------------------------------------------------------------------


def test_contact_established_on_the_case_tab_writes_the_journal(login, specialist, identified_case):
    client = login(specialist)
    graduate = identified_case.graduate

    response = client.post(
        reverse("support:case_contact", kwargs={"pk": graduate.pk, "case_pk": identified_case.pk}),
        {"contact_at": days_ago(3).strftime("%d.%m.%Y"), "text": "Пришла в службу сама"},
    )

    assert response.status_code == 302
    body = client.get(tab(graduate)).content.decode()
    assert "Установление контакта" in body
    assert "Пришла в службу сама" in body
    assert counter(body) == 1
    entry = JournalEntry.objects.get()
    assert (entry.date, entry.author) == (days_ago(3), specialist)


def test_the_case_tab_offers_the_text_for_the_journal(login, specialist, identified_case):
    body = login(specialist).get(reverse("support:case", kwargs={"pk": identified_case.graduate_id})).content.decode()

    assert "Запись в журнал" in body
    assert 'placeholder="Контакт установлен"' in body


# --- Correction ------------------------------------------------------------------------------------


def test_the_author_sees_until_when_an_entry_may_be_corrected(login, specialist, entry):
    body = login(specialist).get(tab(entry.graduate)).content.decode()

    until = timezone.localtime(entry.created_at + dt.timedelta(days=3)).strftime("%d.%m.%Y %H:%M")
    assert f"можно исправить до {until}" in body
    assert f'hx-get="{edit_url(entry)}"' in body
    assert f'hx-get="{remove_url(entry)}"' in body
    assert "в течение 3 сут. после внесения" in body


def test_an_entry_is_corrected_in_place_with_htmx(login, specialist, entry):
    client = login(specialist)

    form = client.get(edit_url(entry), **HTMX)
    saved = client.post(edit_url(entry), edit_data(entry, text="Созвонились, обсудили учёбу"), **HTMX)

    assert form.status_code == 200
    assert (
        form.content.decode()
        .lstrip()
        .startswith(f'<li class="list-group-item journal-entry journal-entry-editing" id="entry-{entry.pk}">')
    )
    assert "Созвонились</textarea>" in form.content.decode()
    body = saved.content.decode()
    assert saved.status_code == 200
    assert f'id="entry-{entry.pk}"' in body
    assert "Созвонились, обсудили учёбу" in body
    assert "Запись журнала исправлена." in body
    # The history under the entry keeps what it said before.
    assert "Исправления: 1 — история" in body
    assert "<del>Созвонились</del> → Созвонились, обсудили учёбу" in body


def test_without_javascript_the_correction_is_a_page_and_a_redirect(login, specialist, entry):
    client = login(specialist)

    page = client.get(edit_url(entry))
    saved = client.post(edit_url(entry), edit_data(entry, text="Исправлено без скриптов"))

    assert page.status_code == 200
    assert 'id="graduate-name"' in page.content.decode()
    assert saved.status_code == 302
    body = client.get(tab(entry.graduate)).content.decode()
    assert "Запись журнала исправлена." in body
    assert "<del>Созвонились</del> → Исправлено без скриптов" in body


def test_a_colleague_sees_the_entry_but_cannot_correct_it(login, colleague, entry):
    client = login(colleague)

    body = client.get(tab(entry.graduate)).content.decode()
    form = client.get(edit_url(entry), **HTMX)
    refused = client.post(edit_url(entry), edit_data(entry, text="Чужая правка"), **HTMX)

    assert "Созвонились" in body
    assert edit_url(entry) not in body and remove_url(entry) not in body
    assert form.status_code == 200
    assert "только её автор (Тестова А.)" in form.content.decode()
    assert "<textarea" not in form.content.decode()
    assert refused.status_code == 400
    assert "только её автор" in refused.content.decode()
    entry.refresh_from_db()
    assert entry.text == "Созвонились"


def test_after_the_period_the_author_is_told_why_the_entry_is_read_only(login, specialist, entry, travel_to):
    travel_to(timezone.localdate() + dt.timedelta(days=4))
    client = login(specialist)

    body = client.get(tab(entry.graduate)).content.decode()
    refused = client.post(edit_url(entry), edit_data(entry, text="Поздно"))

    assert edit_url(entry) not in body
    assert "Срок исправления истёк" in body and "Теперь она только для чтения." in body
    assert refused.status_code == 400
    entry.refresh_from_db()
    assert entry.text == "Созвонились"


def test_a_stale_correction_answers_409_with_the_colleagues_change_and_keeps_the_input(login, specialist, entry):
    services.update_journal_entry(entry, actor=specialist, text="Правка с телефона")
    client = login(specialist)

    response = client.post(edit_url(entry), edit_data(entry, text="Правка с компьютера", revision=1), **HTMX)

    body = response.content.decode()
    assert response.status_code == 409
    assert "«Созвонились» → «Правка с телефона»" in body
    assert "Правка с компьютера</textarea>" in body
    assert 'name="revision" value="2"' in body
    entry.refresh_from_db()
    assert entry.text == "Правка с телефона"


def test_a_correction_with_an_empty_text_is_shown_again_with_the_error(login, specialist, entry):
    response = login(specialist).post(edit_url(entry), edit_data(entry, text=""), **HTMX)

    assert response.status_code == 400
    assert "<textarea" in response.content.decode()
    assert "is-invalid" in response.content.decode()


# --- Removal ---------------------------------------------------------------------------------------


def test_removing_asks_first_then_hides_the_entry_and_the_counter_follows(login, specialist, entry):
    client = login(specialist)
    before = counter(client.get(tab(entry.graduate)).content.decode())

    confirm = client.get(remove_url(entry), **HTMX)
    removed = client.post(remove_url(entry), {"revision": entry.revision, "reason": ""}, **HTMX)

    assert confirm.status_code == 200
    assert "Удалить запись от" in confirm.content.decode()
    assert "Да, удалить" in confirm.content.decode()
    assert JournalEntry.all_objects.get(pk=entry.pk).removed_at is not None
    body = removed.content.decode()
    assert removed.status_code == 200
    assert f'id="entry-{entry.pk}"' not in body  # the entry's row is replaced by nothing
    assert counter(body) == before - 1
    assert "Удалённые записи: 1" in body
    page = client.get(tab(entry.graduate)).content.decode()
    assert "Созвонились" not in page
    assert counter(page) == before - 1


def test_removed_entries_are_listed_apart_with_who_removed_them_and_their_text(login, specialist, coordinator, entry):
    services.remove_journal_entry(entry, actor=coordinator, reason="Внесена по ошибке")

    body = login(specialist).get(tab(entry.graduate), {"removed": "1"}).content.decode()

    assert "Удалённые записи журнала" in body
    assert "Созвонились" in body
    assert "Внесена по ошибке" in body
    assert str(coordinator) in body
    assert "История записи" in body
    assert 'id="quick-entry"' not in body


def test_the_coordinator_removes_a_specialists_entry_giving_the_reason(login, coordinator, entry):
    client = login(coordinator)

    body = client.get(tab(entry.graduate)).content.decode()
    without = client.post(remove_url(entry), {"revision": entry.revision, "reason": ""}, **HTMX)
    given = client.post(remove_url(entry), {"revision": entry.revision, "reason": "Не тот выпускник"})

    assert remove_url(entry) in body and edit_url(entry) not in body
    assert without.status_code == 400
    assert given.status_code == 302
    assert JournalEntry.all_objects.get(pk=entry.pk).removed_reason == "Не тот выпускник"


def test_a_removed_entry_answers_404_to_its_edit_and_remove_pages(login, specialist, entry):
    services.remove_journal_entry(entry, actor=specialist)
    client = login(specialist)

    assert client.get(edit_url(entry)).status_code == 404
    assert client.post(remove_url(entry), {"revision": 2}).status_code == 404


def test_another_service_gets_404(login, other_specialist, entry):
    client = login(other_specialist)

    assert client.get(edit_url(entry)).status_code == 404
    assert client.post(remove_url(entry), {"revision": 1, "reason": "x"}).status_code == 404
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


# --- Query budget ----------------------------------------------------------------------------------


def test_the_tab_with_corrected_and_removed_entries_costs_a_fixed_number_of_queries(
    login, specialist, active_case, django_assert_max_num_queries
):
    client = login(specialist)
    graduate = active_case.graduate

    def add(n):
        for i in range(n):
            e = services.add_journal_entry(active_case, actor=specialist, kind="phone", text=f"Звонок {i}")
            services.update_journal_entry(e, actor=specialist, text=f"Звонок {i}, исправлено")
        services.remove_journal_entry(e, actor=specialist)

    add(2)
    with django_assert_max_num_queries(22) as few:  # +1: the menu's count of incoming transfers
        client.get(tab(graduate))
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(tab(graduate))
