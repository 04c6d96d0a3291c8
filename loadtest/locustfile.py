"""A morning's work of a team of specialists, for locust (started by loadtest/run.py).

Each simulated user signs in through the login form with an account of its own (the accounts
file, LOADTEST_ACCOUNTS, written by run.py) and then, with a short pause between clicks, opens
the registry list, searches it, opens a graduate's card, its caseload («Мои выпускники»), and
writes a quick journal entry (the htmx form of the «Журнал» tab, with its CSRF token). The
trivial page — the login page asked by someone already signed in, which checks the session and
answers with a redirect to the start page — is the baseline of the same stack (sessions,
authentication, middleware) that the other figures are compared to.

Every answer is checked: a page must be 200 (a redirect to the login page is a failure: the
session was lost), a journal entry must come back as the new row.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from urllib.parse import urlencode

from locust import FastHttpUser, between, task

with open(os.environ["LOADTEST_ACCOUNTS"], encoding="utf-8") as handle:
    ACCOUNTS = json.load(handle)
_accounts = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
NOTES = ["Позвонила, договорились о встрече", "Встреча в общежитии", "Помощь с документами", "Обсудили работу"]


class Colleague(FastHttpUser):
    wait_time = between(
        float(os.environ.get("LOADTEST_WAIT_MIN", "0.5")), float(os.environ.get("LOADTEST_WAIT_MAX", "2"))
    )

    def on_start(self):
        self.account = ACCOUNTS[next(_accounts) % len(ACCOUNTS)]
        page = self.client.get("/login/", name="вход: форма")
        token = CSRF.search(page.text or "")
        body = {
            "username": self.account["username"],
            "password": self.account["password"],
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        with self.client.post(
            "/login/", data=urlencode(body), headers=FORM, name="вход", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or "/login/" in response.headers.get("Location", ""):
                response.failure(f"вход не удался: {response.status_code}")

    def page(self, url: str, name: str):
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
            return response

    @task(3)
    def registry_list(self):
        self.page(f"/graduates/?page={random.randint(1, 3)}", "список выпускников")

    @task(2)
    def search(self):
        self.page(f"/graduates/?{urlencode({'q': random.choice(self.account['search'])})}", "поиск")

    @task(3)
    def card(self):
        self.page(f"/graduates/{random.choice(self.account['graduates'])}/", "личное дело")

    @task(2)
    def caseload(self):
        self.page("/caseload/", "«Мои выпускники»")

    @task(1)
    def journal_entry(self):
        graduate = random.choice(self.account["graduates"])
        url = f"/graduates/{graduate}/journal/"
        tab = self.page(url, "журнал: вкладка")
        token = CSRF.search(tab.text or "")
        if token is None:
            return
        text = f"{random.choice(NOTES)} ({random.randint(1, 10**6)})"
        body = urlencode({"csrfmiddlewaretoken": token.group(1), "kind": "phone", "text": text, "date": ""})
        headers = {**FORM, "HX-Request": "true"}
        with self.client.post(
            url, data=body, headers=headers, name="журнал: запись", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200 or text not in (response.text or ""):
                response.failure(f"запись не добавлена: {response.status_code}")

    @task(2)
    def trivial(self):
        with self.client.get(
            "/login/", name="простая страница", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or "/login/" in response.headers.get("Location", ""):
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
