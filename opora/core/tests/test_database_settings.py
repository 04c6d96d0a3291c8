"""Database connections tuned to serve a team: SQLite in WAL with IMMEDIATE writes and a busy
timeout; PostgreSQL with persistent checked connections and timeouts, so that a database that
hangs gives an error in seconds instead of holding every server thread."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.db.utils import ConnectionHandler

from opora.settings import database_settings

ON_POSTGRES = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):
    """These tests open connections of their own (files, a silent socket), not the suite's database."""
    with django_db_blocker.unblock():
        yield


def wrapper(url: str):
    """A connection configured as settings.py configures ``url`` (Django's defaults filled in)."""
    return ConnectionHandler({"default": database_settings(url)})["default"]


def test_a_sqlite_file_is_opened_in_wal_with_a_busy_timeout_and_immediate_transactions(tmp_path):
    db = wrapper(f"sqlite:///{tmp_path / 'opora.sqlite3'}")
    try:
        with db.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20_000
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 1  # NORMAL: safe in WAL, no fsync per commit
        assert db.transaction_mode == "IMMEDIATE"
    finally:
        db.close()


def test_a_writer_waits_for_another_writer_instead_of_failing(tmp_path):
    """Two requests writing at once: the second queues for the lock (busy timeout), both succeed."""
    url = f"sqlite:///{tmp_path / 'opora.sqlite3'}"
    second = wrapper(url)
    with second.cursor() as cursor:
        cursor.execute("CREATE TABLE entry (text TEXT)")
    holding, done = threading.Event(), threading.Event()

    def long_write():
        first = wrapper(url)
        first.set_autocommit(False)  # BEGIN IMMEDIATE: takes the write lock and holds it a while
        with first.cursor() as cursor:
            cursor.execute("INSERT INTO entry VALUES ('первая')")
            holding.set()
            time.sleep(0.5)
        first.commit()
        first.close()
        done.set()

    thread = threading.Thread(target=long_write)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        second.set_autocommit(False)
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO entry VALUES ('вторая')")
        second.commit()
        second.set_autocommit(True)
        assert done.is_set() and time.monotonic() - started < 10  # it waited for the first, then wrote
        with second.cursor() as cursor:
            cursor.execute("SELECT text FROM entry ORDER BY rowid")
            assert [row[0] for row in cursor.fetchall()] == ["первая", "вторая"]
    finally:
        thread.join()
        second.close()


def test_postgresql_connections_persist_are_checked_and_time_out():
    config = database_settings("postgres://opora@db.example.ru:5432/opora")

    assert config["CONN_MAX_AGE"] == 60
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"]["connect_timeout"] == 5
    assert config["OPTIONS"]["options"] == "-c statement_timeout=30000"
    assert config["ATOMIC_REQUESTS"] is False


def test_a_database_that_accepts_but_never_answers_fails_within_the_connect_timeout(monkeypatch):
    """A hung server (it takes the connection and says nothing): an error in seconds, not a frozen worker."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    monkeypatch.setenv("OPORA_DB_CONNECT_TIMEOUT", "2")
    db = wrapper(f"postgres://opora@127.0.0.1:{port}/opora")
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError):
            db.ensure_connection()
    finally:
        listener.close()
    assert time.monotonic() - started < 6


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's statement timeout")
def test_a_statement_that_hangs_is_cancelled_by_the_statement_timeout(db, monkeypatch):
    monkeypatch.setenv("OPORA_DB_STATEMENT_TIMEOUT", "1")
    current = connection.settings_dict
    url = f"postgres://{current['USER']}@{current['HOST'] or '127.0.0.1'}:{current['PORT'] or 5432}/{current['NAME']}"
    other = wrapper(url)
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError, match="statement timeout"):
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(10)")
    finally:
        other.close()
    assert time.monotonic() - started < 5


@pytest.mark.skipif(not ON_POSTGRES, reason="the suite's own PostgreSQL connection")
def test_the_suite_connection_carries_the_statement_timeout(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"
