"""The support cycle in a real browser: one graduate from «контакт установлен» to closure.

A specialist signs the contract with a level, makes the plan and adds a measure, writes
two journal entries with the quick form (without the page reloading), changes the level
and closes the case with a report — looking at what the page says after each step.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from opora.conftest import PASSWORD
from opora.registry.models import Consent
from opora.support import services
from opora.support.models import JournalEntry, SupportCase, SupportLevel
from opora.support.tests.conftest import days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{live_server.url}/")  # the start page: the working day


@pytest.fixture
def contacted(region, graduate, specialist):
    """The graduate's case at «контакт установлен», with a written consent, made through the services."""
    services.setup_region(region)
    Consent.objects.create(graduate=graduate, given_at=days_ago(7), scope="ФИО, адреса, контакты")
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(10))
    return services.establish_contact(case, actor=specialist, on=days_ago(5))


def test_a_specialist_walks_a_graduate_through_the_support_cycle(browser, live_server, specialist, contacted):
    graduate = contacted.graduate
    card = f"{live_server.url}/graduates/{graduate.pk}"
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        log_in(page, live_server, specialist.username)

        # The case tab: contact established, the contract is the next step.
        page.goto(f"{card}/support/")
        assert page.locator("#case [data-status]").inner_text() == "Контакт установлен"
        page.get_by_role("link", name="Заключить договор").click()

        # The contract, with a level.
        page.get_by_label("Уровень сопровождения").select_option(label="Интенсивный")
        page.get_by_label("Меры помощи, о которых договорились").fill("Помощь с документами и трудоустройством.")
        page.get_by_label("Обязательства выпускника").fill("Выходить на связь раз в неделю.")
        page.get_by_role("button", name="Подписан — поставить на сопровождение").click()
        page.wait_for_url(f"{card}/support/")
        year = timezone.localdate().year
        assert f"Договор № 1/{year}" in page.locator(".alert-success").inner_text()
        assert page.locator("#case [data-status]").inner_text() == "На сопровождении"
        assert page.locator("#current-level").inner_text() == "Интенсивный"

        # The plan: made for the level's period, with one measure for the graduate.
        page.get_by_role("link", name="План", exact=True).click()
        page.get_by_role("button", name="Составить план").click()
        page.wait_for_url(f"{card}/plan/")
        assert "Индивидуальный план, версия 1" in page.locator("#plan").inner_text()
        plan = SupportCase.objects.get(pk=contacted.pk).plans.get()
        form = page.locator("#add-measure")
        form.get_by_label("Сфера").select_option(label="Жильё")
        form.get_by_label("Мероприятие").fill("Подать заявление о включении в список на жильё")
        form.get_by_label("Ответственный").select_option(label="Выпускник")
        form.get_by_label("Срок").fill(plan.ends_on.strftime("%d.%m.%Y"))
        form.get_by_role("button", name="Добавить мероприятие").click()
        page.wait_for_url(f"{card}/plan/{plan.pk}/")
        assert "Мероприятие добавлено в план." in page.locator(".alert-success").inner_text()
        section = page.locator(".plan-domain").filter(has_text="Жильё")
        assert "Подать заявление о включении в список на жильё" in section.inner_text()
        assert "Выпускник" in section.inner_text()

        # The journal: two quick entries, added without reloading the page.
        page.get_by_role("link", name="Журнал", exact=True).click()
        page.wait_for_url(f"{card}/journal/")
        page.evaluate("window.__notReloaded = true")
        quick = page.locator("#quick-entry")
        assert quick.get_by_label("Дата", exact=True).input_value() == timezone.localdate().strftime("%d.%m.%Y")
        quick.get_by_text("Встреча", exact=True).click()
        quick.get_by_label("Что сделано").fill("Встретились, обсудили поиск работы")
        # «Контакт установлен» is already in the journal: the contact step wrote it.
        assert "Установление контакта" in page.locator("#journal-entries .journal-entry").first.inner_text()
        quick.get_by_role("button", name="Сохранить").click()
        page.locator("#journal-entries .journal-entry", has_text="Встретились, обсудили поиск работы").wait_for()
        assert "Запись добавлена в журнал." in page.locator("#journal-flash").inner_text()
        page.locator("#quick-entry").get_by_label("Что сделано").fill("Позвонила, напомнила о документах")
        page.locator("#quick-entry").get_by_role("button", name="Сохранить").click()
        expect(page.locator("#journal-entries .journal-entry")).to_have_count(3)
        assert page.evaluate("window.__notReloaded === true")
        rows = page.locator("#journal-entries .journal-entry")
        assert "Позвонила, напомнила о документах" in rows.nth(0).inner_text()
        assert "Телефонный звонок" in rows.nth(0).inner_text()
        assert "Встретились, обсудили поиск работы" in rows.nth(1).inner_text()
        assert "Встреча" in rows.nth(1).inner_text()
        assert page.locator("#quick-entry").get_by_label("Что сделано").input_value() == ""
        assert "Установление контакта" in rows.nth(2).inner_text()
        assert page.locator("#journal-count").inner_text() == "3"
        assert JournalEntry.objects.filter(case=contacted).count() == 3

        # The level changes, and the history shows both decisions.
        page.get_by_role("link", name="Сопровождение", exact=True).click()
        page.get_by_role("link", name="Сменить уровень").click()
        page.get_by_label("Новый уровень").select_option(label="Поддерживающий")
        page.get_by_label("Обоснование").fill("Нашёл работу, кризис миновал.")
        page.get_by_role("button", name="Сменить уровень").click()
        page.wait_for_url(f"{card}/support/")
        assert page.locator("#current-level").inner_text() == "Поддерживающий"
        history = page.locator("#level-history").inner_text()
        assert "Поддерживающий" in history and "Интенсивный" in history
        assert "Нашёл работу, кризис миновал." in history

        # Closure: a report is required after a contract; the confirmation is accepted.
        page.get_by_role("link", name="Завершить сопровождение").click()
        page.get_by_label("Причина завершения").select_option(label="Успешная адаптация")
        page.get_by_role("button", name="Завершить сопровождение").click()
        # Wait for the refused form's page itself (content() right after the click may read a half-loaded one).
        page.get_by_text("Напишите итоговое заключение о сопровождении.").first.wait_for()
        assert "Напишите итоговое заключение о сопровождении." in page.content()
        page.get_by_label("Итоговое заключение").fill("Работает, живёт самостоятельно.")
        page.get_by_role("button", name="Завершить сопровождение").click()
        page.wait_for_url(f"{card}/support/")
        assert page.locator("#case [data-status]").inner_text() == "Сопровождение завершено"
        assert page.locator("#close-report").inner_text() == "Работает, живёт самостоятельно."
        assert page.locator("#case-actions").count() == 0
    finally:
        context.close()
    contacted.refresh_from_db()
    assert contacted.status == SupportCase.Status.CLOSED


def test_the_quick_entry_works_one_handed_on_a_phone(browser, live_server, specialist, contacted):
    services.sign_contract(
        contacted,
        actor=specialist,
        level=SupportLevel.objects.get(region=contacted.graduate.service.region, name="Интенсивный"),
        signed_at=timezone.localdate(),
        help_agreed="Помощь",
        graduate_obligations="Связь",
    )
    context = browser.new_context(
        locale="ru-RU", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, live_server, specialist.username)
        page.goto(f"{live_server.url}/graduates/{contacted.graduate_id}/journal/")
        # The form is on the first screen, the kind buttons and «Сохранить» big enough for a thumb.
        save = page.locator("#quick-entry").get_by_role("button", name="Сохранить")
        box = save.bounding_box()
        assert box["y"] + box["height"] <= 740
        assert box["height"] >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.locator("#quick-entry").get_by_text("Визит на дом", exact=True).tap()
        page.locator("#quick-entry").get_by_label("Что сделано").fill("Проверила условия проживания")
        save.tap()
        page.locator("#journal-entries .journal-entry", has_text="Проверила условия проживания").wait_for()
        assert "Посещение на дому" in page.locator("#journal-entries .journal-entry").first.inner_text()
    finally:
        context.close()
