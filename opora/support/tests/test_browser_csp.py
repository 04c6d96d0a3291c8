"""The pages work in a real browser under the strict Content-Security-Policy, and a failed search says so.

Chromium enforces the policy the server sends (opora/core/http.py): any inline script, style or
handler left in a template would be refused and reported as a ``securitypolicyviolation`` event
and a console error. The main pages are walked as a specialist, a coordinator and the
administrator; then the registry search is made to fail (a server error, no connection) and
must show a Russian message in place of the results it can no longer vouch for.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from opora.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Reported by the page itself, before any of its own scripts run (Playwright's init scripts are not
# subject to the page's CSP).
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


class Watched:
    """A page whose CSP violations and console errors are collected."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.add_init_script(WATCH_VIOLATIONS)

    def _console(self, message) -> None:
        # An answer's status is logged as an error too (the favicon Chromium asks for by itself, the
        # journal's refused entry): that is the server's answer, not a script or a policy at fault.
        if message.type == "error" and not message.text.startswith("Failed to load resource: the server responded"):
            self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def goto(self, url: str):
        response = self.page.goto(url)
        self.assert_clean(url)
        return response

    def assert_clean(self, where: str) -> None:
        violations = self.page.evaluate("window.__violations || []")
        assert violations == [], f"{where}: {violations}"
        assert self.console_errors == [], f"{where}: {self.console_errors}"


@pytest.fixture
def watched(browser):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield Watched(page)
    context.close()


def log_in(watched: Watched, live_server, username: str) -> None:
    page = watched.page
    watched.goto(f"{live_server.url}/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    # Login lands on the start page (the working day); these tests begin at the registry list.
    page.wait_for_url(f"{live_server.url}/")
    watched.assert_clean("after logging in")
    watched.goto(f"{live_server.url}/graduates/")


def test_the_specialists_pages_work_with_no_policy_violation(watched, live_server, specialist, active_case):
    graduate = active_case.graduate
    page = watched.page
    log_in(watched, live_server, specialist.username)
    base = live_server.url

    # The start page (the working day), then the registry: its search (htmx) still works.
    watched.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Кому нужно внимание сегодня")).to_be_visible()
    watched.assert_clean("the start page")
    watched.goto(f"{base}/graduates/")
    page.get_by_label("Поиск по ФИО или СНИЛС").fill(graduate.last_name.lower())
    # (expect, not wait_for_function: the CSP forbids the eval a string predicate needs)
    expect(page.locator("#result-count")).to_contain_text("Найден 1 ")
    watched.assert_clean("the registry search")

    # The card and its tabs.
    watched.goto(f"{base}/graduates/{graduate.pk}/")
    page.get_by_role("link", name="Сопровождение", exact=True).click()
    page.wait_for_url(f"{base}/graduates/{graduate.pk}/support/**")
    assert page.locator("#case [data-status]").inner_text() == "На сопровождении"
    page.get_by_role("link", name="Согласие на обработку ПДн").click()
    page.wait_for_url(f"{base}/graduates/{graduate.pk}/consents/")
    page.get_by_role("link", name="История изменений").click()
    page.wait_for_url(f"{base}/graduates/{graduate.pk}/history/")
    watched.assert_clean("the card's tabs")

    # The journal's quick entry: added by htmx without a reload; a refused one shows its errors.
    watched.goto(f"{base}/graduates/{graduate.pk}/journal/")
    quick = page.locator("#quick-entry")
    quick.get_by_text("Встреча", exact=True).click()
    quick.get_by_label("Что сделано").fill("Встретились в службе")
    quick.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#journal-flash")).to_contain_text("Запись добавлена в журнал.")
    expect(page.locator("#journal-entries .journal-entry").first).to_contain_text("Встретились в службе")
    page.locator("#quick-entry").get_by_label("Дата", exact=True).fill("31.12.2099")
    page.locator("#quick-entry").get_by_label("Что сделано").fill("Запись из будущего")
    page.locator("#quick-entry").get_by_role("button", name="Сохранить").click()
    page.locator("#quick-entry .invalid-feedback, #quick-entry #quick-errors").first.wait_for()
    # The refused entry's 400 is the form with its errors, not a search-style failure message.
    assert page.locator(".htmx-error").count() == 0
    watched.assert_clean("the journal's quick entry")

    # «Мои выпускники» and its «check all» box.
    watched.goto(f"{base}/caseload/")
    check_all = page.locator("#caseload-check-all")
    if check_all.count():
        check_all.check()
        assert page.locator("input[name=cases]:not(:checked)").count() == 0
    watched.assert_clean("the caseload")

    # A confirmation asked by opora.js (data-confirm) instead of an inline handler: «Отмена» sends nothing.
    asked = []

    def answer_cancel(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer_cancel)
    watched.goto(f"{base}/graduates/{graduate.pk}/consents/")
    page.get_by_role("button", name="Отозвано").click()
    page.wait_for_timeout(300)
    assert asked == ["Отметить согласие как отозванное сегодняшним днём?"]
    assert page.url == f"{base}/graduates/{graduate.pk}/consents/"
    assert graduate.consents.get().withdrawn_at is None
    page.remove_listener("dialog", answer_cancel)

    watched.goto(f"{base}/api/docs/")
    page.locator(".swagger-ui .info").wait_for()
    watched.assert_clean("the API documentation")

    # DRF's browsable API: its inline styles are let in for it alone (opora/core/http.py), scripts are files.
    watched.goto(f"{base}/api/v1/graduates/")
    assert graduate.last_name in page.locator(".response-info").inner_text()


def test_the_coordinators_audit_page_and_the_admin_work_with_no_policy_violation(
    watched, live_server, coordinator, administrator, graduate
):
    log_in(watched, live_server, coordinator.username)
    watched.goto(f"{live_server.url}/audit/")
    assert watched.page.get_by_role("heading", name="Журнал аудита").count() >= 1

    watched.page.context.clear_cookies()
    watched.goto(f"{live_server.url}/admin/login/")
    watched.page.get_by_label("Имя пользователя").fill(administrator.username)
    watched.page.get_by_label("Пароль").fill(PASSWORD)
    watched.page.get_by_role("button", name="Войти").click()
    watched.page.wait_for_load_state()
    watched.assert_clean("the admin's index")
    watched.goto(f"{live_server.url}/admin/org/user/")
    watched.goto(f"{live_server.url}/admin/org/user/{coordinator.pk}/change/")


def test_an_error_page_has_no_policy_violation(watched, live_server, specialist):
    log_in(watched, live_server, specialist.username)
    response = watched.page.goto(f"{live_server.url}/no-such-page/")

    assert response.status == 404
    assert "Страница или запись не найдена" in watched.page.locator("h1").inner_text()
    watched.assert_clean("the 404 page")


def test_a_failed_search_says_so_instead_of_keeping_the_old_results(
    watched, live_server, specialist, make_graduate, service
):
    make_graduate(service, last_name="Сёмина", first_name="Алёна")
    make_graduate(service, last_name="Абрамова", first_name="Ольга")
    page = watched.page
    log_in(watched, live_server, specialist.username)
    search = page.get_by_label("Поиск по ФИО или СНИЛС")
    assert page.get_by_role("link", name="Абрамова Ольга Сергеевна").count() == 1

    # The server fails: the message replaces the results, with the request id to quote.
    def server_error(route):
        route.fulfill(status=500, headers={"X-Request-ID": "req-5f2a9c01d3"}, body="<h1>Ошибка</h1>")

    page.route("**/graduates/?*q=*", server_error)
    search.fill("семина")
    alert = page.locator("#results .htmx-error")
    alert.wait_for()
    text = alert.inner_text()
    assert "Поиск не выполнен" in text
    assert "Сервер ответил ошибкой 500." in text
    assert "req-5f2a9c01d3" in text
    assert page.get_by_role("link", name="Абрамова Ольга Сергеевна").count() == 0
    assert page.locator("#result-count").count() == 0

    # No connection at all: a message says so too.
    page.unroute("**/graduates/?*q=*")
    page.route("**/graduates/?*q=*", lambda route: route.abort("internetdisconnected"))
    search.fill("сёмина ал")
    expect(page.locator("#results .htmx-error")).to_contain_text("Нет связи с сервером")
    assert "Поиск не выполнен" in page.locator("#results .htmx-error").inner_text()

    # The connection is back: the next search shows results again, and no message.
    page.unroute("**/graduates/?*q=*")
    search.fill("семина")
    expect(page.locator("#result-count")).to_have_count(1)
    assert page.locator("#results .htmx-error").count() == 0
    assert page.get_by_role("link", name="Сёмина Алёна Сергеевна").count() == 1


def test_a_failed_search_shows_the_servers_own_russian_message(watched, live_server, specialist, graduate):
    """Our error pages carry a Russian title and lead; the message shows them, not only a code."""
    page = watched.page
    log_in(watched, live_server, specialist.username)

    def unavailable(route):
        route.fulfill(
            status=503,
            headers={"X-Request-ID": "req-db-down-01", "Content-Type": "text/html; charset=utf-8"},
            body='<h1 id="error-title">Система временно недоступна</h1>'
            '<p id="error-detail">База данных не отвечает, поэтому действие не выполнено и ничего не сохранено.</p>',
        )

    page.route("**/graduates/?*q=*", unavailable)
    page.get_by_label("Поиск по ФИО или СНИЛС").fill("иванова")
    alert = page.locator("#results .htmx-error")
    alert.wait_for()

    assert "Система временно недоступна. База данных не отвечает" in alert.inner_text()
    assert "req-db-down-01" in alert.inner_text()
