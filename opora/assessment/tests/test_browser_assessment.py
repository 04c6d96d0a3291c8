"""A specialist fills a quarterly assessment with the graduate's own ratings in a real Chromium, on a
phone (390×844) and on a desktop, and reads the detail: both ratings side by side, the difficulties
with their status, the suggested level (issue 8, the browser check of point 1)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from opora.support.models import Domain
from opora.support.tests.test_browser_cycle import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP = 44


@pytest.mark.parametrize(("width", "height", "phone"), [(390, 844, True), (1280, 900, False)], ids=["phone", "desktop"])
def test_a_specialist_fills_an_assessment_with_the_graduates_own_ratings(
    browser,  # noqa: F811
    live_server,
    specialist,
    long_case,
    width,
    height,
    phone,
):
    case = long_case("Полякова")
    graduate = case.graduate
    region_id = graduate.service.region_id
    context = browser.new_context(
        locale="ru-RU", viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, live_server, specialist.username)
        page.goto(f"{live_server.url}/graduates/{graduate.pk}/assessment/")
        page.locator("#assessment-new").click()
        expect(page.locator("#form-title")).to_have_text("Новая оценка жизненной ситуации")

        for domain in Domain.objects.filter(region_id=region_id, is_active=True):
            section = page.locator(f"#domain-{domain.pk}")
            score = "4 — критические" if domain.name == "Жильё" else "0 — трудностей нет"
            option = section.locator(f"#id_d{domain.pk}_severity").get_by_label(score)
            option.check()
            section.get_by_label("Обоснование оценки").fill(f"Обоснование: {domain.name}")
            if domain.name == "Жильё":
                section.get_by_label("Угроза утраты жилья").check()
                section.get_by_label("Другие трудности").fill("Долг перед хозяйкой квартиры")
                section.locator(f"#id_d{domain.pk}_graduate_severity").get_by_label("2 — умеренные").check()
                section.get_by_label("Слова выпускника").fill("Договорюсь с хозяйкой сама")
        if phone:
            label = page.locator(f"label[for='id_d{domain.pk}_severity_0']")
            assert label.bounding_box()["height"] >= TAP
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.get_by_label("Заключение").fill("Главное — жильё: нужна помощь с долгом.")
        page.locator("#assessment-save").click()

        expect(page.locator("#assessment-title")).to_contain_text("Оценка за")
        expect(page.locator("#suggested-level")).to_have_text("Интенсивный")
        housing = page.locator("tr.assessment-domain-row[data-domain='Жильё']")
        expect(housing.locator(".graduate-score")).to_contain_text("2 — умеренные")
        expect(housing.locator(".graduate-score")).to_contain_text("Договорюсь с хозяйкой сама")
        expect(housing).to_contain_text("4 — критические")
        expect(housing.locator(".difficulty")).to_have_count(2)
        expect(housing.locator(".difficulty-status[data-status='new']")).to_have_count(2)
        expect(page.get_by_text("решение принимает консилиум")).to_be_visible()
        if phone:
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
