"""The graduate's own dates are bounded too: a birth date, leaving care and a consent — page, API, service."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from opora.conftest import if_match_for
from opora.core.errors import DomainError
from opora.registry import services
from opora.registry.models import Consent, Graduate

API = "/api/v1/graduates/"


@pytest.fixture
def api(login, specialist):
    client = login(specialist)
    client.raise_request_exception = False
    return client


@pytest.fixture
def payload(graduate_form):
    return graduate_form


def oldest_birth_date() -> dt.date:
    return dt.date(timezone.localdate().year - 60, 1, 1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "9999-12-31", "Дата не может быть в будущем."),
        # The service's age range (15–23 by default) is the narrower bound here.
        ("birth_date", "0001-01-01", "не входит в диапазон службы"),
        ("left_at", "0001-01-01", "Дата выпуска не может быть раньше даты рождения."),
        ("left_at", "9999-12-31", "Дата не может быть в будущем."),
    ],
    ids=["birth-9999", "birth-year-1", "left-year-1", "left-9999"],
)
def test_a_graduate_date_out_of_bounds_is_a_400_through_the_api_and_nothing_is_saved(
    api, payload, field, value, message
):
    response = api.post(API, json.dumps(payload(**{field: value})), content_type="application/json")

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not Graduate.objects.exists()


def test_a_birth_date_of_someone_older_than_60_is_refused_on_the_page_with_what_was_typed(
    login, specialist, graduate_form
):
    too_old = oldest_birth_date() - dt.timedelta(days=1)

    response = login(specialist).post(
        reverse("registry:create"), graduate_form(birth_date=too_old.strftime("%d.%m.%Y"), last_name="Старикова")
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert (
        f"Дата рождения не может быть раньше {oldest_birth_date():%d.%m.%Y}: выпускнику не может быть больше 60 лет."
        in body
    )
    assert "Старикова" in body
    assert not Graduate.objects.exists()


def test_a_change_of_the_birth_date_to_year_9999_is_refused_through_the_api(api, graduate):
    url = f"{API}{graduate.pk}/"

    response = api.patch(
        url, json.dumps({"birth_date": "9999-01-01"}), content_type="application/json", **if_match_for(url)
    )

    assert response.status_code == 400
    assert response.json()["birth_date"] == ["Дата не может быть в будущем."]
    graduate.refresh_from_db()
    assert graduate.birth_date.year < 9999


def test_a_consent_dated_before_the_birth_or_valid_for_ever_is_refused(graduate, specialist):
    for data, field in (
        ({"given_at": dt.date(2000, 1, 1)}, "given_at"),
        ({"given_at": timezone.localdate(), "valid_until": dt.date(9999, 12, 31)}, "valid_until"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.record_consent(graduate, actor=specialist, data={"scope": "ФИО, адрес", **data})
        assert field in refused.value.message_dict
    assert not Consent.objects.exists()


def test_a_consent_withdrawn_in_year_9999_is_refused(graduate, specialist):
    consent = services.record_consent(
        graduate, actor=specialist, data={"scope": "ФИО, адрес", "given_at": timezone.localdate()}
    )

    with pytest.raises(DomainError, match="Дата не может быть в будущем"):
        services.withdraw_consent(consent, actor=specialist, on=dt.date(9999, 1, 1))
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
