"""Validation of a graduate's record: SNILS, dates, age, phone; nothing half-saved on an error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.conftest import make_snils, years_ago
from opora.core import audit
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.registry import services
from opora.registry.models import Graduate

SNILS_CHECKSUM_MESSAGE = "СНИЛС указан с ошибкой: не сходится контрольное число."
SNILS_LENGTH_MESSAGE = "СНИЛС должен состоять из 11 цифр: ХХХ-ХХХ-ХХХ ХХ."
FUTURE_MESSAGE = "Дата не может быть в будущем."
PHONE_MESSAGE = "Телефон нужно указать в формате +7 (XXX) XXX-XX-XX: 10 цифр после +7 или 8."


def wrong_control_number(snils: str) -> str:
    control = int(snils[-2:])
    return f"{snils[:-2]}{(control + 1) % 100:02d}"


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def post_new(login, specialist, graduate_form):
    client = login(specialist)

    def post(**overrides):
        return client.post(reverse("registry:create"), graduate_form(**overrides))

    return post


def field_errors(response, name: str) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


def test_a_valid_snils_is_accepted_and_stored_in_the_standard_form(post_new):
    snils = make_snils()
    digits = snils.replace("-", "").replace(" ", "")

    response = post_new(snils=digits)

    assert response.status_code == 302
    assert Graduate.objects.get(last_name="Смирнова").snils == snils


def test_a_snils_with_a_wrong_control_number_is_refused_with_a_russian_message(post_new):
    response = post_new(snils=wrong_control_number(make_snils()))

    assert response.status_code == 400
    assert field_errors(response, "snils") == [SNILS_CHECKSUM_MESSAGE]
    assert SNILS_CHECKSUM_MESSAGE in response.content.decode()
    assert not Graduate.objects.exists()


@pytest.mark.parametrize("snils", ["123-456-789", "1234567896412", "абв"])
def test_a_snils_of_the_wrong_length_is_refused(post_new, snils):
    response = post_new(snils=snils)

    assert response.status_code == 400
    assert field_errors(response, "snils") == [SNILS_LENGTH_MESSAGE]


def test_a_birth_date_in_the_future_is_refused(post_new):
    response = post_new(birth_date=tomorrow().isoformat())

    assert response.status_code == 400
    assert FUTURE_MESSAGE in field_errors(response, "birth_date")
    assert not Graduate.objects.exists()


def test_a_leaving_date_before_the_birth_date_is_refused(post_new):
    birth = years_ago(19)

    response = post_new(birth_date=birth.isoformat(), left_at=(birth - dt.timedelta(days=1)).isoformat())

    assert response.status_code == 400
    assert field_errors(response, "left_at") == ["Дата выпуска не может быть раньше даты рождения."]


def test_a_leaving_date_in_the_future_is_refused(post_new):
    response = post_new(left_at=tomorrow().isoformat())

    assert response.status_code == 400
    assert FUTURE_MESSAGE in field_errors(response, "left_at")


def test_an_age_outside_the_services_range_is_refused_on_the_page(post_new, service):
    service.age_min, service.age_max = 15, 23
    service.save()

    response = post_new(birth_date=years_ago(30).isoformat())

    assert response.status_code == 400
    message = f"Возраст 30 не входит в диапазон службы «{service.display_name}»: от 15 до 23 лет."
    assert field_errors(response, "birth_date") == [message]
    assert message in response.content.decode()
    assert not Graduate.objects.exists()


@pytest.mark.parametrize(
    ("born", "allowed"),
    [
        pytest.param((15, 0), True, id="15 today: youngest allowed"),
        pytest.param((15, -1), False, id="turns 15 tomorrow: too young"),
        pytest.param((24, -1), True, id="23, turns 24 tomorrow: oldest allowed"),
        pytest.param((24, 0), False, id="24 today: too old"),
    ],
)
def test_create_graduate_checks_the_age_range_at_its_boundaries(specialist, service, territory, born, allowed):
    service.age_min, service.age_max = 15, 23
    service.save()
    data = {
        "service": service,
        "territory": territory,
        "last_name": "Кузнецов",
        "first_name": "Иван",
        "sex": Graduate.Sex.MALE,
        "birth_date": years_ago(*born),
        "status_category": Graduate.StatusCategory.ORPHAN,
        "housing": Graduate.Housing.DORMITORY,
    }

    if allowed:
        services.create_graduate(actor=specialist, data=data)
        assert Graduate.objects.filter(last_name="Кузнецов").exists()
    else:
        with pytest.raises(DomainError) as refused:
            services.create_graduate(actor=specialist, data=data)
        assert refused.value.field == "birth_date"
        assert "не входит в диапазон службы" in refused.value.message
        assert not Graduate.objects.exists()


def test_a_phone_written_the_usual_way_is_stored_in_one_format(post_new):
    response = post_new(phone="8 912 345-67-89")

    assert response.status_code == 302
    assert Graduate.objects.get().phone == "+7 (912) 345-67-89"


@pytest.mark.parametrize("phone", ["8 912 ABC-67-89", "+7 912 345", "телефон"])
def test_a_phone_with_letters_or_too_few_digits_is_refused(post_new, phone):
    response = post_new(phone=phone)

    assert response.status_code == 400
    assert field_errors(response, "phone") == [PHONE_MESSAGE]


def test_a_form_with_an_error_saves_nothing_and_audits_no_creation(post_new):
    response = post_new(snils=wrong_control_number(make_snils()), phone="8 912 345-67-89")

    assert response.status_code == 400
    assert "Запись не сохранена." in response.content.decode()
    assert not Graduate.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).exists()


def test_a_refused_age_on_the_page_saves_nothing_and_audits_no_creation(post_new):
    response = post_new(birth_date=years_ago(40).isoformat())

    assert response.status_code == 400
    assert not Graduate.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).exists()


def test_a_failure_while_auditing_a_creation_leaves_no_graduate_behind(specialist, service, territory, monkeypatch):
    def broken_record(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "record", broken_record)
    data = {
        "service": service,
        "territory": territory,
        "last_name": "Кузнецов",
        "first_name": "Иван",
        "sex": Graduate.Sex.MALE,
        "birth_date": years_ago(18),
        "status_category": Graduate.StatusCategory.ORPHAN,
        "housing": Graduate.Housing.DORMITORY,
    }

    with pytest.raises(RuntimeError):
        services.create_graduate(actor=specialist, data=data)

    assert not Graduate.objects.exists()


def test_an_update_with_an_error_changes_nothing(login, specialist, graduate, graduate_form):
    client = login(specialist)
    original = (graduate.last_name, graduate.phone)

    response = client.post(
        reverse("registry:update", args=[graduate.pk]),
        graduate_form(last_name="Другая", snils=graduate.snils, phone="не телефон"),
    )

    assert response.status_code == 400
    graduate.refresh_from_db()
    assert (graduate.last_name, graduate.phone) == original
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()
