"""Shared test fixtures: one small region with two services and a user in every role.

The named users (in-service specialist, other-service specialist, coordinator,
regional, attracted, admin) are what every scoping test runs over.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from opora.core.roles import Role
from opora.org.models import Region, Service, Territory, User
from opora.registry.models import Graduate
from opora.registry.validators import snils_checksum

PASSWORD = "test-pass-1234"


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
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return day - dt.timedelta(days=days)


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
