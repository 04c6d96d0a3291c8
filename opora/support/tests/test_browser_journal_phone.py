"""A specialist's first day, on a phone (390×844): the card and its journal in a real Chromium.

The card's header is compact, every tab is reachable and big enough for a thumb, the page never
scrolls sideways; a quick journal entry is visible on screen once saved and the counter goes up
by one; the author corrects the entry in place. Issue 7, point 6 («Trust II»).
"""

from __future__ import annotations

import pytest

from opora.registry.models import Graduate
from opora.support import services
from opora.support.models import JournalEntry
from opora.support.tests.conftest import days_ago
from opora.support.tests.test_browser_cycle import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844
TAP = 44  # px: the smallest comfortable tap target
# A real note of a first meeting: several lines on a phone, so the entry cannot fit below the form unscrolled.
NOTE = (
    "Первая встреча: знакомство, обменялись телефонами. Рассказала о службе, о праве на жильё и о выплатах; "
    "договорились вместе сходить в МФЦ за справкой о регистрации."
)


@pytest.fixture
def supported(support_region, make_graduate, service, give_consent, make_active_case, specialist):
    """A graduate with a long name, on support, with two weeks of journal entries."""
    graduate = make_graduate(
        service,
        last_name="Константинопольская",
        first_name="Александра",
        patronymic="Владиславовна",
        status_category=Graduate.StatusCategory.FROM_ORPHANS,
    )
    give_consent(graduate, on=days_ago(60))
    case = make_active_case(graduate, signed_at=days_ago(40))
    for n in range(14):
        services.add_journal_entry(
            case, actor=specialist, date=days_ago(n + 1), kind="phone", text=f"Созвонились, день {n + 1}: всё в порядке"
        )
    return case


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def in_viewport(box) -> bool:
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT and box["x"] >= 0


def test_on_a_phone_a_quick_entry_is_visible_after_saving_and_every_tab_is_reachable(
    browser,  # noqa: F811
    live_server,
    specialist,
    supported,
):
    graduate = supported.graduate
    journal = f"{live_server.url}/graduates/{graduate.pk}/journal/"
    context = browser.new_context(
        locale="ru-RU", viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, live_server, specialist.username)
        page.goto(journal)

        # The header: name and key facts in a couple of lines, the photo placeholder hidden.
        header = page.locator("#card-header").bounding_box()
        assert header["height"] <= 110, header
        facts = page.locator("#card-header .card-header-facts")
        assert facts.bounding_box()["height"] <= 24, "the key facts fit one line"
        assert not page.locator(".card-photo-placeholder").is_visible()
        assert no_sideways_scroll(page)
        menu = page.locator(".navbar-toggler").bounding_box()
        assert menu["height"] >= TAP and menu["width"] >= TAP, menu

        # Every tab: tall enough for a thumb, and reachable (scrolled to and clicked) on a narrow screen.
        tabs = page.locator("#card-tabs .nav-link")
        labels = tabs.all_inner_texts()
        assert labels == [
            "Основное",
            "Согласие на обработку ПДн",
            "Сопровождение",
            "План",
            "Журнал",
            "Оценка",
            "Траектория",
            "Консилиумы",
            "События",
            "История изменений",
        ]
        for label in labels:
            link = page.locator("#card-tabs .nav-link", has_text=label)
            link.scroll_into_view_if_needed()
            box = link.bounding_box()
            assert box["height"] >= TAP, (label, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (label, box)
            href = link.get_attribute("href")
            link.click()
            page.wait_for_url(f"{live_server.url}{href}")
            assert page.locator("#card-tabs .nav-link.active").inner_text() == label
            assert no_sideways_scroll(page), label
        page.locator("#card-tabs .nav-link", has_text="Журнал").click()
        page.wait_for_url(journal)

        # The quick entry: big buttons, saved without reloading, the new entry on screen, the counter + 1.
        before = int(page.locator("#journal-count").inner_text())
        assert before == JournalEntry.objects.filter(graduate=graduate).count() == 15
        page.evaluate("window.__notReloaded = true")
        quick = page.locator("#quick-entry")
        meeting = quick.locator("label", has_text="Встреча")
        save = quick.get_by_role("button", name="Сохранить")
        for target in (meeting, save, quick.locator("summary")):
            assert target.bounding_box()["height"] >= TAP
        meeting.click()
        quick.get_by_label("Что сделано").fill(NOTE)
        save.click()

        added = page.locator("#journal-entries .journal-entry").filter(has_text="Первая встреча: знакомство")
        added.wait_for()
        # Below the form on a phone: the page brings it on screen (scrolling, smoothly, so wait for it).
        page.wait_for_function(
            """id => { const r = document.getElementById(id).getBoundingClientRect();
                       return r.top >= 0 && r.bottom <= window.innerHeight; }""",
            arg=added.get_attribute("id"),
        )
        assert page.evaluate("window.scrollY") > 0, "the entry was off screen: the page had to scroll"
        assert in_viewport(added.bounding_box()), added.bounding_box()
        assert page.locator("#journal-count").inner_text() == str(before + 1)
        assert page.evaluate("window.__notReloaded === true")
        assert no_sideways_scroll(page)

        # The author corrects it in place; the history under it keeps the first text.
        fix = added.get_by_role("link", name="Исправить")
        assert fix.bounding_box()["height"] >= TAP
        fix.click()
        form = page.locator(".journal-entry-editing")
        form.get_by_label("Что сделано").fill("Первая встреча: знакомство; договорились созвониться в пятницу")
        form.get_by_role("button", name="Сохранить исправление").click()
        corrected = page.locator("#journal-entries .journal-entry").filter(has_text="созвониться в пятницу")
        corrected.wait_for()
        corrected.locator("summary", has_text="история").click()
        assert NOTE in " ".join(corrected.locator(".entry-history del").inner_text().split())
        assert page.locator("#journal-count").inner_text() == str(before + 1)
        assert page.evaluate("window.__notReloaded === true")
    finally:
        context.close()
