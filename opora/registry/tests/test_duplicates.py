"""Duplicate detection on entry: the same person is not entered twice anywhere in the region.

The warning names the service that holds the record and nothing else of it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.core.models import AuditEvent
from opora.org.models import Service, Territory
from opora.registry.models import Graduate


@pytest.fixture
def holder(other_service):
    other_service.short_name = "Старооскольская служба"
    other_service.save()
    return other_service


@pytest.fixture
def existing(make_graduate, holder):
    """A record of another service of the same region."""
    return make_graduate(
        holder,
        last_name="Петров",
        first_name="Пётр",
        patronymic="Алексеевич",
        sex=Graduate.Sex.MALE,
        id_document="Паспорт 1415 926535",
        actual_address="ул. Тайная, 7",
    )


def test_the_same_snils_in_another_service_is_refused_naming_only_that_service(
    login, specialist, graduate_form, existing, holder
):
    client = login(specialist)

    response = client.post(reverse("registry:create"), graduate_form(snils=existing.snils))

    assert response.status_code == 400
    errors = response.context["form"].errors["snils"]
    assert len(errors) == 1
    assert holder.display_name in errors[0]
    assert "уже есть в банке данных региона" in errors[0]
    body = response.content.decode()
    assert holder.display_name in body
    for secret in ("Петров", "Пётр", "Алексеевич", existing.birth_date.strftime("%d.%m.%Y"), "1415 926535", "Тайная"):
        assert secret not in body
    assert reverse("registry:detail", args=[existing.pk]) not in body
    assert Graduate.objects.count() == 1


def test_the_same_snils_cannot_be_entered_even_when_the_person_is_confirmed_as_different(
    login, specialist, graduate_form, existing
):
    client = login(specialist)

    response = client.post(reverse("registry:create"), graduate_form(snils=existing.snils, confirm_duplicate="on"))

    assert response.status_code == 400
    assert Graduate.objects.count() == 1


def test_the_same_name_and_birth_date_asks_for_confirmation_whatever_the_case_and_yo(
    login, specialist, graduate_form, existing, holder
):
    client = login(specialist)
    data = graduate_form(
        last_name="ПЕТРОВ",
        first_name="петр",
        patronymic="алексеевич",
        sex="male",
        birth_date=existing.birth_date.isoformat(),
    )

    warned = client.post(reverse("registry:create"), data)

    assert warned.status_code == 400
    body = warned.content.decode()
    assert "такими ФИО и датой рождения" in body
    assert holder.display_name in body
    assert 'name="confirm_duplicate"' in body
    assert Graduate.objects.count() == 1

    confirmed = client.post(reverse("registry:create"), {**data, "confirm_duplicate": "on"})

    assert confirmed.status_code == 302
    created = Graduate.objects.exclude(pk=existing.pk).get()
    assert created.service == specialist.service
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=str(created.pk)).exists()


def test_a_namesake_born_on_another_day_is_not_a_duplicate(login, specialist, graduate_form, existing):
    client = login(specialist)
    other_day = existing.birth_date.replace(day=1 if existing.birth_date.day != 1 else 2)

    response = client.post(
        reverse("registry:create"),
        graduate_form(last_name="Петров", first_name="Пётр", patronymic="Алексеевич", birth_date=other_day.isoformat()),
    )

    assert response.status_code == 302
    assert Graduate.objects.count() == 2


def test_a_record_in_another_region_is_not_a_duplicate(login, specialist, graduate_form, other_region, make_graduate):
    territory = Territory.objects.create(region=other_region, name="Дальний район")
    far = Service.objects.create(region=other_region, territory=territory, name="Служба соседней области")
    elsewhere = make_graduate(far, last_name="Смирнова", first_name="Дарья", patronymic="Игоревна")
    client = login(specialist)

    response = client.post(
        reverse("registry:create"),
        graduate_form(snils=elsewhere.snils, birth_date=elsewhere.birth_date.isoformat()),
    )

    assert response.status_code == 302
    assert Graduate.objects.filter(snils=elsewhere.snils).count() == 2


def test_changing_a_snils_to_one_held_by_another_service_is_refused(login, specialist, graduate, existing, holder):
    client = login(specialist)
    response = client.get(reverse("registry:update", args=[graduate.pk]))
    data = {
        name: value
        for name, value in response.context["form"].initial.items()
        if value not in (None, "") and name not in ("vulnerable_categories", "photo_portrait", "photo_full")
    }
    data["snils"] = existing.snils

    response = client.post(reverse("registry:update", args=[graduate.pk]), data)

    assert response.status_code == 400
    assert holder.display_name in response.context["form"].errors["snils"][0]
    assert "Петров" not in response.content.decode()
    graduate.refresh_from_db()
    assert graduate.snils != existing.snils
