"""A typo is no way round the duplicate check (issue 7, point 6: «Ассанов» was saved beside «Асанов»).

The same birth date and a similar full name — a letter more, less, wrong or swapped, «ё» for
«е», the words in another order — warn before saving, on SQLite and PostgreSQL alike; the user
may still save with «Всё равно сохранить». A record the user may see is named with a link; of
another service's record nothing personal is told.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from opora.conftest import make_snils, years_ago
from opora.core.models import AuditEvent
from opora.registry.models import Graduate
from opora.registry.similarity import names_alike

BORN = years_ago(19, days=77)


@pytest.fixture
def asanov(make_graduate, service):
    """«Асанов Эржан Нурланович» of the specialist's own service, without a SNILS."""
    return make_graduate(
        service,
        last_name="Асанов",
        first_name="Эржан",
        patronymic="Нурланович",
        sex=Graduate.Sex.MALE,
        birth_date=BORN,
        snils="",
    )


def entry(graduate_form, **names):
    return graduate_form(sex="male", birth_date=BORN.isoformat(), snils="", **names)


ASSANOV = {"last_name": "Ассанов", "first_name": "Эржан", "patronymic": "Нурланович"}


def test_a_surname_with_a_doubled_letter_and_the_same_birth_date_warns_before_saving(
    login, specialist, graduate_form, asanov
):
    client = login(specialist)

    response = client.post(reverse("registry:create"), entry(graduate_form, **ASSANOV))

    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="duplicate-warning"' in body
    assert "похожими ФИО и той же датой рождения" in body
    # The record is the user's own service's: named, with a link to it.
    assert "Асанов Эржан Нурланович" in body
    assert reverse("registry:detail", args=[asanov.pk]) in body
    assert "Всё равно сохранить" in body
    assert Graduate.objects.count() == 1


def test_all_the_same_saves_after_an_explicit_confirmation_and_the_log_keeps_it(
    login, specialist, graduate_form, asanov
):
    client = login(specialist)

    response = client.post(reverse("registry:create"), {**entry(graduate_form, **ASSANOV), "confirm_duplicate": "on"})

    assert response.status_code == 302
    created = Graduate.objects.get(last_name="Ассанов")
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(created.pk))
    assert "похожими ФИО" in event.changes["duplicate_confirmed"][1]


@pytest.mark.parametrize(
    "names",
    [
        {"last_name": "асанов", "first_name": "эржан", "patronymic": "нурланович"},  # case
        {"last_name": "Асанов", "first_name": "Эржан", "patronymic": ""},  # no patronymic
        {"last_name": "Эржан", "first_name": "Асанов", "patronymic": "Нурланович"},  # swapped
        {"last_name": "Асанов", "first_name": "Ержан", "patronymic": "Нурланович"},  # э/е
        {"last_name": "Аснаов", "first_name": "Эржан", "patronymic": "Нурланович"},  # swapped letters
        {"last_name": "Асанов", "first_name": "Эржан", "patronymic": "Нурланавич"},  # a vowel
    ],
    ids=["case", "no-patronymic", "swapped-words", "e-for-ye", "transposed", "patronymic-typo"],
)
def test_other_spellings_of_the_same_name_warn_too(login, specialist, graduate_form, asanov, names):
    response = login(specialist).post(reverse("registry:create"), entry(graduate_form, **names))

    assert response.status_code == 400
    assert 'id="duplicate-warning"' in response.content.decode()


def test_yo_and_ye_are_the_same_letter(login, specialist, graduate_form, make_graduate, service):
    make_graduate(service, last_name="Семёнова", first_name="Алёна", patronymic="", birth_date=BORN, snils="")

    response = login(specialist).post(
        reverse("registry:create"),
        graduate_form(last_name="Семенова", first_name="Алена", patronymic="", birth_date=BORN.isoformat(), snils=""),
    )

    assert response.status_code == 400
    assert "такими ФИО и датой рождения" in response.content.decode()


def test_a_similar_name_born_on_another_day_is_saved_without_a_warning(login, specialist, graduate_form, asanov):
    data = {**entry(graduate_form, **ASSANOV), "birth_date": years_ago(19, days=78).isoformat()}

    response = login(specialist).post(reverse("registry:create"), data)

    assert response.status_code == 302
    assert Graduate.objects.count() == 2


@pytest.mark.parametrize(
    "names",
    [
        {"last_name": "Петров", "first_name": "Эржан", "patronymic": "Нурланович"},
        {"last_name": "Асанов", "first_name": "Тимур", "patronymic": "Нурланович"},
    ],
    ids=["another-surname", "another-first-name"],
)
def test_another_person_with_the_same_birth_date_is_not_a_duplicate(login, specialist, graduate_form, asanov, names):
    response = login(specialist).post(reverse("registry:create"), entry(graduate_form, **names))

    assert response.status_code == 302


def test_a_similar_name_in_another_service_is_hinted_without_any_of_its_data(
    login, specialist, graduate_form, make_graduate, other_service
):
    foreign = make_graduate(
        other_service,
        last_name="Асанов",
        first_name="Эржан",
        patronymic="Нурланович",
        sex=Graduate.Sex.MALE,
        birth_date=BORN,
        snils="",
        actual_address="ул. Тайная, 7",
    )
    client = login(specialist)

    response = client.post(reverse("registry:create"), entry(graduate_form, **ASSANOV))

    assert response.status_code == 400
    body = response.content.decode()
    assert "В другой службе региона уже есть выпускник с похожими ФИО" in body
    assert "обратитесь к координатору" in body
    for secret in ("Асанов ", "Тайная", other_service.display_name, reverse("registry:detail", args=[foreign.pk])):
        assert secret not in body
    confirmed = client.post(reverse("registry:create"), {**entry(graduate_form, **ASSANOV), "confirm_duplicate": "on"})
    assert confirmed.status_code == 302


def test_renaming_a_record_into_a_look_alike_of_another_warns_too(
    login, specialist, graduate_form, asanov, make_graduate, service
):
    other = make_graduate(service, last_name="Иванов", first_name="Тимур", patronymic="", birth_date=BORN, snils="")
    client = login(specialist)
    form = client.get(reverse("registry:update", args=[other.pk])).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value not in (None, "") and name not in ("vulnerable_categories", "photo_portrait", "photo_full")
    }
    data.update(last_name="Ассанов", first_name="Эржан", patronymic="Нурланович")

    warned = client.post(reverse("registry:update", args=[other.pk]), data)
    saved = client.post(reverse("registry:update", args=[other.pk]), {**data, "confirm_duplicate": "on"})

    assert warned.status_code == 400
    assert reverse("registry:detail", args=[asanov.pk]) in warned.content.decode()
    assert saved.status_code == 302
    other.refresh_from_db()
    assert other.last_name == "Ассанов"


def test_an_edit_that_leaves_the_name_and_birth_date_alone_does_not_warn(
    login, specialist, make_graduate, service, asanov
):
    twin = make_graduate(service, **ASSANOV, sex=Graduate.Sex.MALE, birth_date=BORN, snils="")
    client = login(specialist)
    form = client.get(reverse("registry:update", args=[twin.pk])).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value not in (None, "") and name not in ("vulnerable_categories", "photo_portrait", "photo_full")
    }

    response = client.post(reverse("registry:update", args=[twin.pk]), {**data, "notes": "Позвонить в среду"})

    assert response.status_code == 302


# --- API --------------------------------------------------------------------------------------


def post(client, data):
    return client.post("/api/v1/graduates/", json.dumps(data), content_type="application/json")


def test_the_api_answers_400_with_the_candidates_unless_confirmed(login, specialist, graduate_form, asanov):
    client = login(specialist)
    data = {k: v for k, v in entry(graduate_form, **ASSANOV).items() if v is not None}

    warned = post(client, data)
    confirmed = post(client, {**data, "confirm_duplicate": True})

    assert warned.status_code == 400
    [candidate] = warned.json()["duplicates"]
    assert candidate["reason"] == "similar"
    assert candidate["graduate"] == asanov.pk
    assert candidate["full_name"] == "Асанов Эржан Нурланович"
    assert "похожими ФИО" in warned.json()["non_field_errors"][0]
    assert confirmed.status_code == 201


def test_the_api_names_nothing_of_another_services_look_alike(
    login, specialist, graduate_form, make_graduate, other_service
):
    make_graduate(other_service, **ASSANOV, sex=Graduate.Sex.MALE, birth_date=BORN, snils=make_snils())
    data = {k: v for k, v in entry(graduate_form, last_name="Асанов", first_name="Эржан").items() if v is not None}

    response = post(login(specialist), {**data, "patronymic": "Нурланович"})

    assert response.status_code == 400
    [candidate] = response.json()["duplicates"]
    assert candidate == {
        "reason": "similar",
        "message": candidate["message"],
        "graduate": None,
        "full_name": None,
        "service": None,
    }
    assert "Ассанов" not in response.content.decode()
    assert other_service.display_name not in response.content.decode()


# --- The measure itself --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("Ассанов Эржан Нурланович", "Асанов Эржан Нурланович", True),
        ("Иванова-Петрова Анна", "Иванова Петрова Анна", True),
        ("Ли Ян", "Лю Ян", True),
        ("Ли Ян", "Ким Ян", False),
        ("Иванова Алёна", "Петрова Алёна", False),
        ("Асанов", "Асанов", False),  # a surname alone says too little
    ],
)
def test_names_alike(a, b, alike):
    assert names_alike(a, b) is alike
