"""A specialist's first screen on a phone (390×844): the working day, readable and tappable.

specialist logs in and lands on the start page: the attention list names the graduate whose
contact is late, the counters show the incoming transfer, nothing scrolls sideways and the
main links are at least 44 px tall to tap.
"""

from __future__ import annotations

import pytest

from opora.conftest import PASSWORD
from opora.support import services
from opora.support.tests.conftest import INTENSIVE, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844


@pytest.fixture
def day(caseload_case, make_graduate, other_service, other_specialist, give_consent, make_active_case, service):
    late = caseload_case("Опоздалова", level=INTENSIVE, contacted=20)
    caseload_case("Впорядкова", level=INTENSIVE, contacted=1)
    moving = make_graduate(other_service, last_name="Переездова", first_name="Вера")
    give_consent(moving)
    case = make_active_case(moving, actor=other_specialist)
    services.start_transfer(case, actor=other_specialist, moved_at=days_ago(1), to_service=service)
    return late


def test_a_specialist_lands_on_the_working_day_on_a_phone(browser, live_server, specialist, day):  # noqa: F811
    context = browser.new_context(
        locale="ru-RU", viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Имя пользователя").fill(specialist.username)
        page.get_by_label("Пароль").fill(PASSWORD)
        page.get_by_role("button", name="Войти").click()
        page.wait_for_url(f"{live_server.url}/")

        assert page.locator("#working-day").is_visible()
        attention = page.locator("#attention-list")
        assert "Опоздалова" in attention.inner_text()
        assert "нет контакта 20 дн." in attention.inner_text()
        assert "Впорядкова" not in attention.inner_text()
        assert page.locator("#counter-incoming .start-count").inner_text() == "1"
        assert "Переездова" in page.locator("#start-incoming").inner_text()

        # Nothing wider than the phone's screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

        # The main links are big enough to tap.
        targets = page.locator(
            "#start-counters a, #attention-list a, #attention a.start-link, #start-incoming a, #due-list a"
        )
        assert targets.count() >= 6
        for i in range(targets.count()):
            box = targets.nth(i).bounding_box()
            assert box is not None and box["height"] >= 44, (targets.nth(i).inner_text(), box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 0.5

        # The menu folds behind the toggler; opened, «Входящие передачи» carries the count.
        page.get_by_role("button", name="Меню").click()
        badge = page.locator("#nav-incoming-count")
        badge.wait_for(state="visible")
        assert badge.inner_text() == "1"
        assert page.locator("#nav-incoming").bounding_box()["height"] >= 40

        # The first attention row opens the graduate's support tab.
        attention.get_by_role("link").first.click()
        page.wait_for_url(f"{live_server.url}/graduates/{day.graduate_id}/support/")
    finally:
        context.close()
