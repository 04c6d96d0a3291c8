"""Two browser sessions edit the same card: the second save shows the conflict message,
and what the second person typed is still in the field (Playwright, Debian's Chromium)."""

from __future__ import annotations

import pytest

from opora.conftest import (
    CHROMIUM,  # noqa: F401
    PASSWORD,
)
from opora.org.models import User
from opora.registry.models import Graduate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session(browser, live_server, username):  # noqa: F811
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    # Login lands on the start page (the working day); these tests begin at the registry list.
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/graduates/")
    return context, page


def test_two_sessions_editing_one_card_the_second_sees_the_conflict_and_keeps_its_input(
    browser,  # noqa: F811
    live_server,
    specialist,
    service,
    graduate,
):
    colleague = User(username="colleague", role="specialist", service=service, last_name="Коллегова", first_name="Вера")
    colleague.set_password(PASSWORD)
    colleague.save()
    assert CHROMIUM
    mine_context, mine = session(browser, live_server, specialist.username)
    theirs_context, theirs = session(browser, live_server, colleague.username)
    try:
        edit = f"{live_server.url}/graduates/{graduate.pk}/edit/"
        mine.goto(edit)
        theirs.goto(edit)
        theirs.get_by_label("Телефон").fill("8 (920) 555 44 33")
        mine.get_by_label("Примечания").fill("Переехала к сестре")

        theirs.get_by_role("button", name="Сохранить").click()
        theirs.wait_for_url(f"{live_server.url}/graduates/{graduate.pk}/")
        mine.get_by_role("button", name="Сохранить").click()

        alert = mine.locator("#stale-edit")
        alert.wait_for()
        text = alert.inner_text()
        assert "изменил другой сотрудник" in text
        assert "Коллегова В." in text and "+7 (920) 555-44-33" in text
        assert mine.get_by_label("Примечания").input_value() == "Переехала к сестре"
        graduate.refresh_from_db()
        assert (graduate.phone, graduate.notes) == ("+7 (920) 555-44-33", "")

        # Saving again, knowingly, writes what I typed.
        mine.get_by_role("button", name="Сохранить").click()
        mine.wait_for_url(f"{live_server.url}/graduates/{graduate.pk}/")
        graduate.refresh_from_db()
        assert graduate.notes == "Переехала к сестре"
        assert Graduate.objects.get(pk=graduate.pk).revision == 3
    finally:
        mine_context.close()
        theirs_context.close()
