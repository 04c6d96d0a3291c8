"""Accepting a transfer on a phone (390×844): the receiving specialist confirms, then checks the details.

specialist2's situation in the demo: a graduate of another service moved to its territory and waits
on «Входящие передачи». Accepting asks for confirmation first; right after it the form to confirm the
address, territory, housing and college opens, and the card's mark goes once it is saved.
"""

from __future__ import annotations

import pytest

from opora.conftest import PASSWORD
from opora.registry.models import Graduate
from opora.support import services
from opora.support.models import Contract, Transfer
from opora.support.tests.conftest import days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_ADDRESS = "г. Старый Оскол, мкр. Жукова, д. 3, кв. 7"


@pytest.fixture
def pending(support_region, active_case, other_service, specialist) -> Transfer:
    return services.start_transfer(
        active_case, actor=specialist, moved_at=days_ago(1), to_service=other_service, new_address=NEW_ADDRESS
    )


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_receiving_specialist_accepts_with_confirmation_on_a_phone(browser, live_server, other_specialist, pending):
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Имя пользователя").fill(other_specialist.username)
        page.get_by_label("Пароль").fill(PASSWORD)
        page.get_by_role("button", name="Войти").click()
        page.wait_for_url(f"{live_server.url}/")  # the start page

        page.goto(f"{live_server.url}/support/transfers/incoming/")
        page.get_by_role("link", name="Принять…").click()

        # The confirmation step: what acceptance does, and nothing has happened yet.
        page.wait_for_url("**/accept/?back=incoming")
        heading = page.get_by_role(
            "heading", name="Принять сопровождение в «Служба сопровождения Старооскольского округа»?"
        )
        assert heading.is_visible()
        contract = Contract.objects.get(case_id=pending.case_id)
        assert f"{contract} прекращается по п. 5.1" in page.locator("#accept-consequences").inner_text()
        assert Transfer.objects.get(pk=pending.pk).status == Transfer.Status.PENDING
        assert fits_the_screen(page)
        confirm = page.get_by_role("button", name="Подтверждаю: принять сопровождение")
        confirm.scroll_into_view_if_needed()
        assert confirm.is_visible()
        confirm.click()

        # Accepted: straight to the details to confirm, prefilled with the new address.
        page.wait_for_url(f"**/graduates/{pending.graduate_id}/confirm-details/")
        assert page.get_by_role("heading", name="Подтвердите сведения о выпускнике").is_visible()
        assert "Сопровождение принято" in page.locator("body").inner_text()
        assert page.locator("#details-to-confirm").is_visible()
        assert page.get_by_label("Адрес фактического проживания").input_value() == NEW_ADDRESS
        assert fits_the_screen(page)
        assert Transfer.objects.get(pk=pending.pk).status == Transfer.Status.ACCEPTED
        assert Contract.objects.get(pk=contract.pk).terminated_at is not None

        page.get_by_label("Место учёбы").fill("Старооскольский политехнический колледж")
        page.get_by_role("button", name="Сведения верны — подтвердить").click()
        page.wait_for_url(f"**/graduates/{pending.graduate_id}/")
        assert page.locator("#details-to-confirm").count() == 0
        graduate = Graduate.objects.get(pk=pending.graduate_id)
        assert graduate.details_to_confirm is False
        assert graduate.education_place == "Старооскольский политехнический колледж"
        assert dialogs == [], "no browser dialog: the confirmation is a page of its own"
    finally:
        context.close()
