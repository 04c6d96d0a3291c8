"""The «Траектория» tab in a real Chromium: on a 390 px phone the charts fit the screen and nothing
scrolls sideways; printed, the charts and the tables are there and the selector is not."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from opora.support.tests.test_browser_cycle import log_in

from .trajectory_factories import CLOSED, NEW, PERSISTING, make_assessment, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844


@pytest.fixture
def assessed(graduate, levels):
    case = make_case(graduate, levels["Поддерживающий"])
    make_assessment(
        case,
        dt.date(2026, 4, 10),
        {"Жильё": (3, 2), "Источники доходов": (2, 3), "Образование": 1},
        difficulties={"Жильё": [("Нет закреплённого жилья", NEW), ("Задолженность по коммунальным платежам", NEW)]},
    )
    make_assessment(
        case,
        dt.date(2026, 7, 10),
        {"Жильё": (2, 2), "Источники доходов": (1, 1), "Трудоустройство": (3, 4)},
        difficulties={
            "Жильё": [("Нет закреплённого жилья", PERSISTING), ("Задолженность по коммунальным платежам", CLOSED)],
            "Трудоустройство": [("Нет работы", NEW)],
        },
    )
    return case


def test_on_a_phone_the_trajectory_fits_the_screen_and_prints_with_its_tables(
    browser, live_server, specialist, assessed, tmp_path
):
    context = browser.new_context(
        locale="ru-RU", viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, live_server, specialist.username)
        page.goto(f"{live_server.url}/graduates/{assessed.graduate_id}/trajectory/")

        radars = page.locator("#radars svg.radar")
        expect(radars).to_have_count(2)
        for i in range(2):
            box = radars.nth(i).bounding_box()
            assert box["width"] <= WIDTH and box["x"] >= 0, box
        expect(page.locator("#domain-lines svg")).to_have_count(9)
        expect(page.locator("#difficulty-changes")).to_contain_text("Задолженность по коммунальным платежам")
        expect(page.locator("#level-history")).to_contain_text("Поддерживающий")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(tmp_path / "trajectory-phone.png"), full_page=True)

        page.emulate_media(media="print")
        expect(page.locator("#choose-assessments")).to_be_hidden()
        expect(page.locator("#trajectory-table table")).to_be_visible()
        expect(page.locator("#radars svg.radar").first).to_be_visible()
        # Black and white: the specialist's line is black, the graduate's dashed.
        stroke = page.locator("#radars polygon.series-specialist").first.evaluate("e => getComputedStyle(e).stroke")
        assert stroke == "rgb(0, 0, 0)"
        dash = page.locator("#radars polygon.series-graduate").first.evaluate(
            "e => getComputedStyle(e).strokeDasharray"
        )
        assert dash not in ("", "none")
    finally:
        context.close()
