"""In a real browser, on a phone: coordinator1's way through a quarterly consilium — prepare it, add
who is due, raise a graduate's level at the one hold page, hold it, download the protocol."""

from __future__ import annotations

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from opora.assessment.tests.conftest import days_ago
from opora.assessment.tests.consilium_factories import make_assessment
from opora.conftest import PASSWORD
from opora.support.models import LevelChange

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_holds_a_quarterly_consilium_that_raises_a_level_and_downloads_the_protocol(
    browser, live_server, coordinator, specialist, active_case, levels, level_rules, today
):
    make_assessment(active_case, days_ago(2), {"Жильё": 4})
    specialist.position = "специалист по социальной работе"
    specialist.save()
    graduate = active_case.graduate
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Имя пользователя").fill(coordinator.username)
        page.get_by_label("Пароль").fill(PASSWORD)
        page.get_by_role("button", name="Войти").click()
        expect(page).to_have_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}/consilia/")
        page.get_by_role("link", name="Подготовить консилиум").click()
        page.get_by_label("Вид консилиума").select_option(label="Ежеквартальный")
        page.get_by_label("Номер протокола").fill("5")
        page.get_by_label(f"{specialist}, специалист по социальной работе").check()
        page.get_by_label("Привлечённые специалисты").fill("Кузнецова Н. И., психолог ЦСОН")
        page.get_by_role("button", name="Подготовить").click()

        expect(page.locator("#candidates")).to_contain_text(graduate.full_name)
        expect(page.locator(f"#candidate-{active_case.pk}")).to_contain_text("пора на консилиум")
        expect(page.locator(f"#candidate-{active_case.pk}")).to_contain_text("уровень предварительный")
        page.get_by_role("button", name="Добавить всех, кому пора").click()

        decision = page.locator(".decision").filter(has_text=graduate.full_name)
        expect(decision.locator(".level-before")).to_have_text("Поддерживающий")
        expect(decision.locator(".suggested")).to_have_text("Интенсивный")
        level = decision.get_by_label("Решение об уровне")
        expect(level).to_have_value(str(levels["Интенсивный"].pk))
        reason = decision.get_by_label("Почему не по правилу")
        expect(reason).to_be_hidden()
        level.select_option(label="Мониторинговый")
        expect(reason).to_be_visible()
        level.select_option(label="Интенсивный")
        expect(reason).to_be_hidden()
        decision.get_by_label("Рекомендация").first.fill("Подать заявление на жильё")
        decision.get_by_label("Ответственный").first.fill("Специалист сопровождения")
        decision.get_by_label("Срок").first.fill("01.02.2027")
        page.get_by_role("button", name="Провести консилиум").click()

        expect(page.locator("#consilium-status")).to_have_text("Проведён")
        expect(decision.locator(".decided-level")).to_contain_text("уровень изменён")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Протокол (.docx)").click()
        content = open(download_info.value.path(), "rb").read()
    finally:
        context.close()

    change = active_case.level_change_on(today)
    assert change.level == levels["Интенсивный"] and change.basis == LevelChange.Basis.CONSILIUM
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs).replace("\u00a0", " ")
    assert "ПРОТОКОЛ № 5" in text
    assert "О выпускнице Ивановой Алёне Сергеевне" in text
    assert "Кузнецова Н. И., психолог ЦСОН" in text
