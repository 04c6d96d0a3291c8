"""The demo data command: python manage.py load_demo, built as of the suite's fixed day (or ``--as-of``)."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from opora.conftest import suite_today
from opora.core.roles import Role
from opora.demo.region import DemoRegion, as_of_moment
from opora.org.models import Region, Service, Territory, User
from opora.registry.models import Consent, Graduate, VulnerableCategory, normalize_name
from opora.registry.validators import age_on, normalize_snils, validate_phone

GRADUATES = 120


def load(**options) -> None:
    options.setdefault("as_of", suite_today())
    call_command("load_demo", graduates=GRADUATES, stdout=io.StringIO(), **options)


def counts() -> dict[str, int]:
    through = Graduate.vulnerable_categories.through
    return {
        model.__name__: model.objects.count()
        for model in (Region, Territory, Service, User, Graduate, Consent, through)
    }


@pytest.fixture
def demo(db):
    load()


@pytest.mark.django_db
def test_region_services_and_territories(demo):
    region = Region.objects.get(name="Белгородская область")
    assert region.code == "31"
    assert Territory.objects.filter(region=region).count() == 21
    municipal = Service.objects.filter(region=region, kind=Service.Kind.MUNICIPAL)
    assert municipal.count() == 21
    assert set(municipal.values_list("territory", flat=True)) == set(
        Territory.objects.filter(region=region).values_list("pk", flat=True)
    )
    centre = Service.objects.get(region=region, kind=Service.Kind.REGIONAL_CENTRE)
    assert centre.territory is None


@pytest.mark.django_db
def test_graduates(demo, today):
    graduates = list(Graduate.objects.select_related("service__territory"))
    assert len(graduates) == GRADUATES
    # Every service has someone, and the city of Belgorod has the most.
    per_territory = Counter(g.service.territory.name for g in graduates)
    assert len(per_territory) == 21
    assert per_territory.most_common(1)[0][0] == "г. Белгород"
    for g in graduates:
        assert 15 <= g.age <= 23, g
        assert g.territory_id == g.service.territory_id
        assert g.left_at is not None and g.left_at <= today
        assert 15 <= age_on(g.birth_date, g.left_at) <= 19
        assert g.search_name == normalize_name(g.full_name)
        assert g.snils_digits == g.snils.replace("-", "").replace(" ", "")
        validate_phone(g.phone)
        assert bool(g.legal_representative) == (g.age < 18)
        g.full_clean()  # lengths, choices, validators of every field
    snils = [g.snils for g in graduates if g.snils]
    assert snils, "some graduates have a SNILS"
    assert len(snils) == len(set(snils))
    for value in snils:
        assert normalize_snils(value) == value
    consents = list(Consent.objects.select_related("graduate"))
    assert consents
    for c in consents:
        assert c.given_at <= today
        assert c.created_at <= as_of_moment(today)
        c.full_clean()
        if c.graduate.age_on(c.given_at) < 18:
            assert c.given_by == Consent.GivenBy.REPRESENTATIVE


@pytest.mark.django_db
def test_users(demo):
    belgorod = Service.objects.get(territory__name="г. Белгород")
    stary_oskol = Service.objects.get(territory__name="Старооскольский городской округ")
    centre = Service.objects.get(kind=Service.Kind.REGIONAL_CENTRE)
    expected = {
        "region": (Role.REGIONAL, centre),
        "coordinator1": (Role.COORDINATOR, belgorod),
        "specialist1": (Role.SPECIALIST, belgorod),
        "specialist2": (Role.SPECIALIST, stary_oskol),
        "admin": (Role.ADMIN, None),
    }
    for username, (role, service) in expected.items():
        user = User.objects.get(username=username)
        assert (user.role, user.service) == (role, service), username
        assert user.last_name and user.first_name and user.patronymic
        request = RequestFactory().post("/login/")
        assert authenticate(request=request, username=username, password=settings.OPORA_DEMO_PASSWORD) == user
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()


@pytest.mark.django_db
def test_running_twice_creates_nothing(demo):
    before = counts()
    load()
    assert counts() == before


@pytest.mark.django_db
def test_existing_user_is_left_alone(demo):
    user = User.objects.get(username="specialist1")
    user.set_password("another-password-2026")
    user.save()
    load()
    user.refresh_from_db()
    assert user.check_password("another-password-2026")


@pytest.mark.django_db
def test_if_empty_on_a_non_empty_database_does_nothing(demo):
    User.objects.filter(username="specialist2").delete()
    before = counts()
    load(if_empty=True)
    assert counts() == before


@pytest.mark.django_db
def test_if_empty_on_an_empty_database_loads():
    load(if_empty=True)
    assert Graduate.objects.count() == GRADUATES


@pytest.mark.django_db
def test_the_region_can_be_built_as_of_another_day():
    as_of = dt.date(2028, 2, 29)
    call_command("load_demo", "--graduates", "40", "--as-of", "2028-02-29", stdout=io.StringIO())

    graduates = list(Graduate.objects.all())
    assert len(graduates) == 40
    for g in graduates:
        assert 15 <= g.age_on(as_of) <= 23, g
        assert g.left_at <= as_of
        assert g.created_at <= as_of_moment(as_of)
    assert not Consent.objects.filter(given_at__gt=as_of).exists()


@pytest.mark.django_db
def test_the_same_as_of_day_gives_the_same_graduates():
    def names(as_of):
        maker = DemoRegion(as_of, VulnerableCategory.objects.in_bulk(field_name="code"), set())
        service = Service(pk=1, territory_id=None)
        return [
            (g.full_name, g.birth_date, g.snils)
            for g, _codes, _papers in (maker.graduate(0, service) for _n in range(20))
        ]

    assert names(dt.date(2027, 1, 1)) == names(dt.date(2027, 1, 1))


@pytest.mark.django_db
def test_a_bad_as_of_day_is_refused():
    with pytest.raises(CommandError, match="ГГГГ-ММ-ДД"):
        call_command("load_demo", "--as-of", "2027-13-01", stdout=io.StringIO())
    assert not Graduate.objects.exists()
