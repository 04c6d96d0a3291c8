"""Real-browser tests: Playwright driving Debian's Chromium against the live server.

A specialist logs in, finds a graduate by a lower-case, «е»-for-«ё» search, opens the
card and corrects a phone number; and the registry works on a phone-sized screen.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from opora.conftest import PASSWORD
from opora.registry.models import Graduate, VulnerableCategory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    # Login lands on the start page (the working day); these tests begin at the registry list.
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/graduates/")


def test_specialist_finds_a_graduate_opens_the_card_and_corrects_the_phone(
    page, live_server, specialist, make_graduate, service, foreign_graduate
):
    target = make_graduate(service, last_name="Сёмина", first_name="Алёна", phone="+7 (910) 111-22-33")
    make_graduate(service, last_name="Абрамова", first_name="Ольга")

    log_in(page, live_server, specialist.username)
    # The foreign service's graduate is never listed.
    assert page.get_by_role("link", name=foreign_graduate.full_name).count() == 0

    page.get_by_label("Поиск по ФИО или СНИЛС").fill("семина ален")
    # (expect, not wait_for_function: the page's CSP forbids the eval a string predicate needs)
    expect(page.locator("#result-count")).to_contain_text("Найден 1 ")
    assert page.get_by_role("link", name="Абрамова Ольга Сергеевна").count() == 0

    page.get_by_role("link", name=target.full_name).click()
    page.wait_for_url(f"{live_server.url}/graduates/{target.pk}/")
    assert page.locator("#graduate-name").inner_text() == "Сёмина Алёна Сергеевна"

    page.get_by_role("link", name="Изменить").click()
    page.get_by_label("Телефон").fill("8 (920) 555 44 33")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url(f"{live_server.url}/graduates/{target.pk}/")
    assert "Изменения сохранены" in page.content()
    assert page.get_by_text("+7 (920) 555-44-33").count() == 1

    target.refresh_from_db()
    assert target.phone == "+7 (920) 555-44-33"
    # The change is in the history tab with the old and the new value.
    page.get_by_role("link", name="История изменений").click()
    history = page.locator("table").first.inner_text()
    assert "+7 (910) 111-22-33" in history and "+7 (920) 555-44-33" in history


def test_wrong_input_is_shown_in_russian_and_nothing_is_saved(page, live_server, specialist, graduate):
    log_in(page, live_server, specialist.username)
    page.goto(f"{live_server.url}/graduates/{graduate.pk}/edit/")
    page.get_by_label("СНИЛС").fill("112-233-445 00")
    page.get_by_role("button", name="Сохранить").click()
    assert page.locator("#form-errors").is_visible()
    assert "контрольное число" in page.content()
    graduate.refresh_from_db()
    assert graduate.snils != "112-233-445 00"


def test_registry_works_on_a_phone_screen(browser, live_server, specialist, graduate):
    # The longest category name makes the widest badge in the card's header.
    # (Transactional tests flush the rows the migrations seeded, so it is made here.)
    long_name = "Жилищные проблемы (нет жилья или проживание с неблагополучными родственниками)"
    category, _ = VulnerableCategory.objects.get_or_create(code="housing_problems", defaults={"name": long_name})
    graduate.vulnerable_categories.set([category])
    context = browser.new_context(
        locale="ru-RU", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        log_in(page, live_server, specialist.username)
        # The menu collapses behind the toggler, and the list has no horizontal scroll.
        assert page.get_by_role("button", name="Меню").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.get_by_role("link", name=graduate.full_name).click()
        page.wait_for_url(f"{live_server.url}/graduates/{graduate.pk}/")
        expect(page.locator("#graduate-name")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
    assert Graduate.objects.count() == 1
