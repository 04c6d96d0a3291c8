"""Ten colleagues at once on the embedded default: `make run`'s server over a SQLite file, no errors.

The server is the one `make run` starts (gunicorn, opora/gunicorn_conf.py: processes × threads),
over a fresh SQLite file (not the suite's in-memory database: the point is the file's locking),
with the suite's frozen clock. Ten threads sign in and each works through the list, a search, a
card, the caseload and the journal, writing entries. Every answer must be what a person expects
(no «database is locked», no error page), every entry written must be in the database, and every
card shown must have its audit row. `make loadtest` is the long version (20 users, 60 s).
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings

from opora.conftest import SUITE_NOW, suite_today

pytestmark = pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the embedded default's concurrency (SQLite file locking); the PostgreSQL run has `make loadtest`",
)

COLLEAGUES = 10
ROUNDS = 3
GRADUATES_EACH = 4
PASSWORD = "concurrent-pass-2026"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Runs a step in a subprocess at the suite's moment (time-machine survives gunicorn's fork).
BOOT = """
import datetime, sys, time_machine
time_machine.travel(datetime.datetime.fromisoformat(sys.argv.pop(1)), tick=True).start()
step = sys.argv.pop(1)
if step == "serve":
    from gunicorn.app.wsgiapp import run
    sys.argv = ["gunicorn", "-c", "python:opora.gunicorn_conf"]
    run()
else:
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from opora.core.tests.test_concurrent_users import prepare
    prepare()
"""


def prepare() -> None:
    """A service with its specialists, each with graduates in an open case (run in the subprocess)."""
    from django.contrib.auth.hashers import make_password

    from opora.conftest import make_snils, years_ago
    from opora.core.roles import Role
    from opora.org.models import Region, Service, Territory, User
    from opora.registry.models import Graduate
    from opora.support import services

    region = Region.objects.create(name="Тестовая область", code="99")
    territory = Territory.objects.create(region=region, name="Валуйский городской округ")
    service = Service.objects.create(region=region, territory=territory, name="Служба сопровождения")
    password = make_password(PASSWORD)
    for n in range(COLLEAGUES):
        user = User.objects.create(
            username=f"colleague{n}", role=Role.SPECIALIST, service=service, last_name=f"Коллега{n}", password=password
        )
        for g in range(GRADUATES_EACH):
            graduate = Graduate.objects.create(
                service=service,
                last_name=f"Иванова{n}x{g}",
                first_name="Алёна",
                sex=Graduate.Sex.FEMALE,
                birth_date=years_ago(18, days=40 + g),
                snils=make_snils(),
                status_category=Graduate.StatusCategory.FROM_ORPHANS,
                territory=territory,
                housing=Graduate.Housing.DORMITORY,
            )
            services.open_case(graduate, actor=user)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`make run`'s server over a fresh SQLite file: (base URL, the database file, the server log)."""
    database = tmp_path / "opora.sqlite3"
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "OPORA_DEBUG": "0",
        "OPORA_VAR_DIR": str(tmp_path / "var"),
        "OPORA_BIND": f"127.0.0.1:{port}",
        "OPORA_ACCESS_LOG": str(tmp_path / "access.log"),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    moment = SUITE_NOW.isoformat()
    root = Path(django_settings.BASE_DIR)
    subprocess.run([sys.executable, "-c", BOOT, moment, "prepare"], env=env, cwd=root, check=True, timeout=300)  # noqa: S603
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own server, loopback only
            [sys.executable, "-c", BOOT, moment, "serve"], env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                if requests.get(f"{base}/login/", timeout=30).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        yield base, database, log_path
    finally:
        process.terminate()
        process.wait(timeout=30)


def colleague_at_work(base: str, n: int, outcome: dict) -> None:
    """One person's morning: sign in, then list, search, card, caseload, journal — ROUNDS times."""
    problems, written, cards = outcome.setdefault("problems", []), outcome.setdefault("written", []), []
    with requests.Session() as browser:

        def expect(response, status: int, what: str, text: str | None = None):
            if response.status_code != status or (text is not None and text not in response.text):
                problems.append(f"{what}: {response.status_code} {response.text[:200]!r}")
            return response

        form = expect(browser.get(f"{base}/login/", timeout=60), 200, "login form")
        token = CSRF.search(form.text).group(1)
        body = {"username": f"colleague{n}", "password": PASSWORD, "csrfmiddlewaretoken": token}
        expect(browser.post(f"{base}/login/", data=body, allow_redirects=False, timeout=60), 302, "login")
        graduates = outcome["graduates"][n]
        for round_ in range(ROUNDS):
            graduate = graduates[round_ % len(graduates)]
            expect(browser.get(f"{base}/graduates/", timeout=60), 200, "list", "Иванова")
            expect(browser.get(f"{base}/graduates/", params={"q": f"Иванова{n}"}, timeout=60), 200, "search")
            expect(browser.get(f"{base}/graduates/{graduate}/", timeout=60), 200, "card", "Алёна")
            cards.append(graduate)
            expect(browser.get(f"{base}/caseload/", timeout=60), 200, "caseload")
            tab = expect(browser.get(f"{base}/graduates/{graduate}/journal/", timeout=60), 200, "journal tab")
            token = CSRF.search(tab.text).group(1)
            text = f"Звонок {n}-{round_}: договорились о встрече"
            entry = {"csrfmiddlewaretoken": token, "kind": "phone", "text": text, "date": ""}
            posted = browser.post(
                f"{base}/graduates/{graduate}/journal/", data=entry, headers={"HX-Request": "true"}, timeout=60
            )
            if expect(posted, 200, "journal entry", text).status_code == 200:
                written.append(text)
    outcome.setdefault("cards", []).extend(cards)


def test_ten_colleagues_at_once_get_no_error_and_lose_no_entry(server):
    base, database, log_path = server
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT c.specialist_id, c.graduate_id FROM support_supportcase c ORDER BY c.specialist_id, c.graduate_id"
        ).fetchall()
        users = dict(db.execute("SELECT id, username FROM org_user").fetchall())
    graduates: dict[int, list[int]] = {}
    for specialist_id, graduate_id in rows:
        graduates.setdefault(int(users[specialist_id].removeprefix("colleague")), []).append(graduate_id)
    outcome = {"graduates": graduates}

    threads = [threading.Thread(target=colleague_at_work, args=(base, n, outcome)) for n in range(COLLEAGUES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    log = log_path.read_text()
    assert outcome["problems"] == []
    assert "database is locked" not in log
    assert "Traceback" not in log
    with sqlite3.connect(database) as db:
        texts = {text for (text,) in db.execute("SELECT text FROM support_journalentry")}
        card_reads = db.execute(
            "SELECT count(*) FROM core_auditevent WHERE action = 'view' AND path LIKE '/graduates/%/' "
            "AND path NOT LIKE '%/journal/'"
        ).fetchone()[0]
        journal_mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        days = {day for (day,) in db.execute("SELECT DISTINCT date FROM support_journalentry")}
    assert len(outcome["written"]) == COLLEAGUES * ROUNDS
    assert texts == set(outcome["written"])
    assert card_reads == len(outcome["cards"]) == COLLEAGUES * ROUNDS
    assert journal_mode == "wal"
    assert days == {suite_today().isoformat()}  # the server ran at the suite's moment, not the real today
