"""Shared test fixtures: one small region with two services and a user in every role.

The named users (in-service specialist, other-service specialist, coordinator,
regional, attracted, admin) are what every scoping test runs over.

The clock is fixed: the whole suite runs at one moment, ``SUITE_NOW``. It is
``DEFAULT_NOW`` unless the environment variable ``OPORA_TEST_NOW`` names another one
(ISO 8601 with an offset, ``2027-01-01T09:00+03:00``, or a plain date, ``2028-02-29``,
meaning 09:00 Moscow time), so anyone can run the suite as on another day::

    OPORA_TEST_NOW=2028-02-29 make test

Tests take «today» from the ``today`` fixture (or ``suite_today()``), never from the real
calendar; tests of calendar edges travel further with ``time_machine.travel`` themselves.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from opora.core.roles import Role
from opora.org.models import Region, Service, Territory, User
from opora.registry.models import Graduate
from opora.registry.validators import snils_checksum

PASSWORD = "test-pass-1234"

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
# A Wednesday morning in Moscow, away from every month's, quarter's and year's end; the
# calendar edges are tested on purpose (test_calendar_edges.py) and at the dates of `make test-dates`.
DEFAULT_NOW = dt.datetime(2026, 11, 18, 9, 0, tzinfo=MOSCOW)


def parse_test_now(value: str | None) -> dt.datetime:
    """The suite's moment from ``OPORA_TEST_NOW``: ISO 8601 with an offset, or a date (09:00 Moscow time)."""
    if value is None or not value.strip():
        return DEFAULT_NOW
    value = value.strip()
    try:
        if len(value) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(9, 0), tzinfo=MOSCOW)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise pytest.UsageError(
            f"OPORA_TEST_NOW={value!r}: ожидается дата ГГГГ-ММ-ДД или момент ISO 8601 со смещением, "
            "например 2027-01-01T09:00+03:00"
        )
    return moment


SUITE_NOW = parse_test_now(os.environ.get("OPORA_TEST_NOW"))


def suite_today() -> dt.date:
    """The suite's «today» in the project's time zone (the date of ``SUITE_NOW``)."""
    return timezone.localdate(SUITE_NOW)


@pytest.fixture(scope="session", autouse=True)
def _suite_clock():
    """The whole session runs at ``SUITE_NOW``, session fixtures (the live server) included.

    The clock ticks (tick=True): the live server's thread, session expiry, login cool-off
    and the order of audit entries need time that moves; each test starts again at
    ``SUITE_NOW`` (``_test_clock``), so no test sees the day change under it.
    """
    with time_machine.travel(SUITE_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _test_clock(_suite_clock, request, settings):
    from opora.core.http import MailThrottleFilter

    MailThrottleFilter.forget()  # each test's errors are mailed as if they were the first
    _suite_clock.move_to(SUITE_NOW)
    if request.node.get_closest_marker("browser"):
        # Chromium keeps the real clock: a CSRF cookie dated a year after a past SUITE_NOW would
        # already be expired there. A browser-session cookie has no date to disagree on.
        settings.CSRF_COOKIE_AGE = None


# The calendar edges that date arithmetic is tested at (test_calendar_edges*.py): a year's end and
# start, 28 February of a common year, 29 February of a leap year, a quarter's last day.
CALENDAR_EDGES = {
    "31-dec": dt.date(2026, 12, 31),
    "1-jan": dt.date(2027, 1, 1),
    "28-feb": dt.date(2027, 2, 28),
    "29-feb-leap": dt.date(2028, 2, 29),
    "30-sep-quarter-end": dt.date(2028, 9, 30),
}


@pytest.fixture
def travel_to():
    """Move the clock to 10:00 Moscow time of a day (not ticking) for the rest of the test."""
    travels = []

    def go(day: dt.date) -> dt.date:
        travel = time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=MOSCOW), tick=False)
        travel.start()
        travels.append(travel)
        return day

    yield go
    for travel in reversed(travels):
        travel.stop()


@pytest.fixture
def today() -> dt.date:
    """«Today» for the test: the date of the suite's fixed moment."""
    return suite_today()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 takes ~0.4 s a password by design; tests set passwords by the dozen.

    The production hasher is checked in opora/core/tests/test_security.py.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_snils_counter = itertools.count(200_000_001)


def make_snils() -> str:
    """A new valid SNILS (correct control number) for each call."""
    body = f"{next(_snils_counter):09d}"
    return f"{body[:3]}-{body[3:6]}-{body[6:9]} {snils_checksum(body):02d}"


def years_ago(years: int, days: int = 0) -> dt.date:
    """The birth date of someone who turned ``years`` today (``days`` earlier still; negative: later).

    On 29 February the anniversary in a common year is 28 February: a person born then
    turned ``years`` yesterday and is ``years`` old today, as ``age_on`` counts.
    """
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return day - dt.timedelta(days=days)


def born_to_turn(age: int, day: dt.date) -> dt.date:
    """The birth date of someone who turns ``age`` on ``day`` (as ``age_on`` and ``turns_23_on`` count).

    Nobody turns a year older on 29 February of a year whose birth year was common: pick another day.
    """
    try:
        return day.replace(year=day.year - age)
    except ValueError:
        raise ValueError(f"nobody turns {age} on {day}: the birth year has no 29 February") from None


@pytest.fixture
def region(db) -> Region:
    return Region.objects.create(name="Тестовая область", code="99")


@pytest.fixture
def other_region(db) -> Region:
    return Region.objects.create(name="Соседняя область", code="98")


@pytest.fixture
def territory(region) -> Territory:
    return Territory.objects.create(region=region, name="Валуйский городской округ")


@pytest.fixture
def other_territory(region) -> Territory:
    return Territory.objects.create(region=region, name="Старооскольский городской округ")


@pytest.fixture
def service(region, territory) -> Service:
    return Service.objects.create(region=region, territory=territory, name="Служба сопровождения Валуйского округа")


@pytest.fixture
def other_service(region, other_territory) -> Service:
    return Service.objects.create(
        region=region, territory=other_territory, name="Служба сопровождения Старооскольского округа"
    )


@pytest.fixture
def regional_centre(region) -> Service:
    return Service.objects.create(region=region, name="Региональный ресурсный центр", kind=Service.Kind.REGIONAL_CENTRE)


def _user(username: str, role: str, service: Service | None, **extra) -> User:
    user = User(username=username, role=role, service=service, last_name="Тестова", first_name="Анна", **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def specialist(service) -> User:
    return _user("spec", Role.SPECIALIST, service)


@pytest.fixture
def other_specialist(other_service) -> User:
    return _user("spec_other", Role.SPECIALIST, other_service)


@pytest.fixture
def coordinator(service) -> User:
    return _user("coord", Role.COORDINATOR, service)


@pytest.fixture
def regional(regional_centre) -> User:
    return _user("regional", Role.REGIONAL, regional_centre)


@pytest.fixture
def attracted(service) -> User:
    return _user("attracted", Role.ATTRACTED, service)


@pytest.fixture
def administrator(db) -> User:
    return _user("boss", Role.ADMIN, None, is_staff=True, is_superuser=True)


@pytest.fixture
def users(specialist, other_specialist, coordinator, regional, attracted, administrator) -> dict[str, User]:
    return {
        "specialist": specialist,
        "other_specialist": other_specialist,
        "coordinator": coordinator,
        "regional": regional,
        "attracted": attracted,
        "admin": administrator,
    }


@pytest.fixture
def make_graduate(db):
    """Create a graduate directly (bypassing the services) for tests that need data."""

    def make(service: Service, **fields) -> Graduate:
        defaults = {
            "last_name": "Иванова",
            "first_name": "Алёна",
            "patronymic": "Сергеевна",
            "sex": Graduate.Sex.FEMALE,
            "birth_date": years_ago(18, days=40),
            "snils": make_snils(),
            "status_category": Graduate.StatusCategory.FROM_ORPHANS,
            "territory": service.territory or Territory.objects.filter(region=service.region).first(),
            "housing": Graduate.Housing.DORMITORY,
        }
        defaults.update(fields)
        return Graduate.objects.create(service=service, **defaults)

    return make


@pytest.fixture
def graduate(make_graduate, service) -> Graduate:
    return make_graduate(service)


@pytest.fixture
def foreign_graduate(make_graduate, other_service) -> Graduate:
    return make_graduate(other_service, last_name="Петров", first_name="Пётр", sex=Graduate.Sex.MALE)


@pytest.fixture
def login(client):
    """Log ``user`` in on the test client and return the client."""

    def do(user: User):
        client.force_login(user)
        return client

    return do


def if_match_for(url: str) -> dict:
    """The If-Match header of the record an API URL names, as a client that just read it would send.

    Empty when the URL names no revisioned record (a directory, a missing or malformed id),
    so the request then meets the API's own answer (404, 405, 428).
    """
    from django.urls import Resolver404, resolve

    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return {}
    model = getattr(getattr(getattr(match.func, "cls", None), "queryset", None), "model", None)
    pk = match.kwargs.get("pk")
    if model is None or pk is None or not any(f.name == "revision" for f in model._meta.concrete_fields):
        return {}
    revision = model._default_manager.filter(pk=pk).values_list("revision", flat=True).first()
    return {"HTTP_IF_MATCH": f'"{revision}"'} if revision is not None else {}


# --- The real browser -------------------------------------------------------------------------------
CHROMIUM = os.environ.get("OPORA_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    """Chromium driven by Playwright, one per test module; skipped with a reason when it is not installed."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium не найден ({CHROMIUM}): apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself (set-up and checks) stay plain synchronous calls.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        yield instance
        instance.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
