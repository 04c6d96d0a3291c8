"""The load test: `make run`'s server, a fresh database with the demo region, 20 users for 60 s.

    make loadtest                                              # the embedded default (SQLite)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/opora make loadtest
    make loadtest LOADTEST_ARGS="--users 20 --time 60 --spawn-rate 5"

Steps: a fresh database (SQLite: a new file under var/loadtest/; PostgreSQL: a new database
named after DATABASE_URL's with «_loadtest», dropped at the end), `migrate`, `load_demo`,
passwords for one specialist account per simulated user; then gunicorn exactly as `make run`
starts it (opora/gunicorn_conf.py) on a free loopback port; locust headless
(loadtest/locustfile.py) for the given time; the server is stopped; a summary table is printed
(requests/s, median, 95th percentile, and the median's ratio to the trivial page). It fails
(exit code 1) on any failed request, any locust error, or any traceback in the server's log.
Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TRIVIAL = "простая страница"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20, help="одновременных пользователей (20)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="новых пользователей в секунду (5)")
    parser.add_argument("--time", type=int, default=60, help="длительность, с (60)")
    parser.add_argument("--keep", action="store_true", help="не удалять базу и журналы после прогона")
    parser.add_argument("--prepare", metavar="FILE", help=argparse.SUPPRESS)  # internal: runs inside Django
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], env: dict) -> None:
    print("$", " ".join(command), flush=True)
    subprocess.run(command, env=env, cwd=ROOT, check=True)  # noqa: S603 - our own commands


# --- the fresh database ------------------------------------------------------------------------


class FreshDatabase:
    """A new database for one run: its URL, and how to throw it away."""

    def __init__(self, base_url: str | None, work: Path):
        self.work = work
        if not base_url or base_url.startswith("sqlite"):
            self.kind = "SQLite"
            self.url = f"sqlite:///{work / 'opora.sqlite3'}"
            self.name = None
        else:
            self.kind = "PostgreSQL"
            parts = urlsplit(base_url)
            self.name = f"{parts.path.lstrip('/') or 'opora'}_loadtest"
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
            self.admin_url = urlunsplit(parts._replace(path="/postgres"))
            self._execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._execute(f'CREATE DATABASE "{self.name}"')

    def _execute(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(statement)

    def drop(self) -> None:
        if self.name:
            self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# --- accounts (run inside Django, in a subprocess with the server's environment) -------------


def prepare_accounts(path: str, count: int) -> None:
    """One specialist account per simulated user, with graduates on their caseload to work on."""
    sys.path.insert(0, str(ROOT))
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opora.settings")
    django.setup()
    from django.contrib.auth.hashers import make_password

    from opora.core.roles import Role
    from opora.org.models import User
    from opora.registry.models import Graduate
    from opora.support.models import SupportCase

    password = secrets.token_urlsafe(12)
    accounts = []
    specialists = User.objects.filter(role=Role.SPECIALIST, is_active=True).order_by("username")
    for user in specialists:
        graduates = list(
            SupportCase.objects.open()
            .filter(specialist=user)
            .order_by("graduate_id")
            .values_list("graduate_id", flat=True)[:40]
        )
        if not graduates:
            continue
        names = Graduate.objects.filter(service_id=user.service_id).values_list("last_name", flat=True)[:200]
        search = sorted({name[:4] for name in names if len(name) >= 4})[:30]
        accounts.append({"username": user.username, "password": password, "graduates": graduates, "search": search})
        if len(accounts) == count:
            break
    User.objects.filter(username__in=[a["username"] for a in accounts]).update(password=make_password(password))
    Path(path).write_text(json.dumps(accounts, ensure_ascii=False), encoding="utf-8")
    print(f"{len(accounts)} учётных записей специалистов для нагрузки")


# --- the server ------------------------------------------------------------------------------


def collect_static_if_stale(env: dict) -> None:
    """`make run` serves the collected copies: collect again when a source is newer than the manifest."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [path for path in (ROOT / "opora").glob("**/static/**/*") if path.is_file()]
    if manifest.exists() and all(path.stat().st_mtime <= manifest.stat().st_mtime for path in sources):
        return
    run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    manifest.touch()


def wait_until_up(port: int, server: subprocess.Popen, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("сервер завершился при запуске (см. журнал сервера)")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            raise SystemExit(f"сервер ответил {error.code} на /login/ (см. журнал сервера)") from None
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"сервер не ответил за {seconds} с")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- the summary -----------------------------------------------------------------------------


def percentile(times: dict[int, int], share: float) -> int:
    """The response time below which ``share`` of the requests fell (locust's own rule)."""
    total = sum(times.values())
    within = int(total * share)
    processed = 0
    for ms in sorted(times, reverse=True):
        processed += times[ms]
        if total - processed <= within:
            return ms
    return 0


def summarise(prefix: Path, server_log: Path, database: str, args) -> bool:
    with open(f"{prefix}.json", encoding="utf-8") as handle:
        entries = json.load(handle)
    total_times: dict[int, int] = {}
    rows = []
    for entry in sorted(entries, key=lambda e: e["name"]):
        times = {int(ms): count for ms, count in entry["response_times"].items()}
        for ms, count in times.items():
            total_times[ms] = total_times.get(ms, 0) + count
        rows.append((entry["name"], entry["num_requests"], entry["num_failures"], times))
    started = min(e["start_time"] for e in entries)
    finished = max(e["last_request_timestamp"] or e["start_time"] for e in entries)
    seconds = max(finished - started, 1)
    trivial = next((percentile(times, 0.5) for name, _, _, times in rows if name == TRIVIAL), None)
    log = server_log.read_text(encoding="utf-8", errors="replace")
    tracebacks = log.count("Traceback (most recent call last)")
    locked = log.count("database is locked")

    print()
    print(f"### {database}: {args.users} пользователей, {args.time} с")
    print()
    print("нагрузка машины в конце (load average за 1, 5, 15 мин): {:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg()))
    print()
    print("| запрос | запросов | ошибок | запросов/с | медиана, мс | p95, мс | медиана / простая страница |")
    print("|---|---|---|---|---|---|---|")
    failures = 0
    for name, count, failed, times in rows:
        failures += failed
        median = percentile(times, 0.5)
        ratio = f"{median / trivial:.1f}" if trivial else "—"
        print(
            f"| {name} | {count} | {failed} | {count / seconds:.1f} | {median} | {percentile(times, 0.95)} | {ratio} |"
        )
    count = sum(row[1] for row in rows)
    print(
        f"| **всего** | {count} | {failures} | {count / seconds:.1f} | {percentile(total_times, 0.5)} "
        f"| {percentile(total_times, 0.95)} | — |"
    )
    exceptions = Path(f"{prefix}_exceptions.csv")
    locust_errors = max(0, len(exceptions.read_text(encoding="utf-8").splitlines()) - 1) if exceptions.exists() else 0
    print()
    print(f"ошибок запросов: {failures}; исключений locust: {locust_errors}")
    print(f"трассировок в журнале сервера: {tracebacks} (из них «database is locked»: {locked})")
    return failures == 0 and locust_errors == 0 and tracebacks == 0


def main() -> int:
    args = parse_args()
    if args.prepare:
        prepare_accounts(args.prepare, args.users)
        return 0

    work = ROOT / "var" / "loadtest"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    database = FreshDatabase(os.environ.get("DATABASE_URL"), work)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "OPORA_DEBUG": "0",
        "OPORA_VAR_DIR": str(work / "var"),  # sessions and the secret key of this run only
        "PORT": str(port),
        "OPORA_BIND": f"127.0.0.1:{port}",
        "OPORA_ACCESS_LOG": str(work / "access.log"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    python = sys.executable
    server = None
    server_log = work / "server.log"
    try:
        collect_static_if_stale(env)
        run([python, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([python, "manage.py", "load_demo", "--if-empty"], env)
        accounts = work / "accounts.json"
        run([python, str(Path(__file__).resolve()), "--prepare", str(accounts), "--users", str(args.users)], env)

        gunicorn = str(Path(python).with_name("gunicorn"))
        print(f"$ {gunicorn} -c python:opora.gunicorn_conf  (127.0.0.1:{port}, {database.kind})", flush=True)
        with open(server_log, "w", encoding="utf-8") as log:
            server = subprocess.Popen(  # noqa: S603 - our own server
                [gunicorn, "-c", "python:opora.gunicorn_conf"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until_up(port, server)

        prefix = work / "locust"
        locust = str(Path(python).with_name("locust"))
        locust_env = {**env, "LOADTEST_ACCOUNTS": str(accounts)}
        command = [
            locust,
            "-f",
            str(ROOT / "loadtest" / "locustfile.py"),
            "--headless",
            "--host",
            f"http://127.0.0.1:{port}",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            f"{args.time}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--json-file",
            str(prefix),
            "--only-summary",
            "--exit-code-on-error",
            "0",
        ]
        print("$", " ".join(command), flush=True)
        subprocess.run(command, env=locust_env, cwd=ROOT, check=True)  # noqa: S603
        stop(server)
        ok = summarise(prefix, server_log, database.kind, args)
    finally:
        if server is not None:
            stop(server)
        if not args.keep:
            database.drop()
    print("нагрузочный тест пройден: ошибок нет" if ok else "НАГРУЗОЧНЫЙ ТЕСТ НЕ ПРОЙДЕН", flush=True)
    print(f"журналы: {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
