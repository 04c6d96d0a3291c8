"""Two people edit the same card through the form: the second save is refused with the
other person's change shown, and everything the second person typed stays in the form."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from opora.registry.models import Graduate


def typed_form(client, graduate, **changes) -> dict:
    """The edit form as the user opened it (hidden revision included), with ``changes`` typed in."""
    form = client.get(reverse("registry:update", args=[graduate.pk])).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name in ("photo_portrait", "photo_full") or value in (None, ""):
            continue
        data[name] = value
    data.update(changes)
    return data


@pytest.fixture
def colleague(service):
    from opora.org.models import User

    return User.objects.create(
        username="colleague", role="specialist", service=service, last_name="Коллегова", first_name="Вера"
    )


@pytest.fixture
def two_sessions(specialist, colleague):
    mine, theirs = Client(), Client()
    mine.force_login(specialist)
    theirs.force_login(colleague)
    return mine, theirs


def test_the_edit_form_carries_the_records_revision_in_a_hidden_field(login, specialist, graduate):
    page = login(specialist).get(reverse("registry:update", args=[graduate.pk])).content.decode()

    assert re.search(r'<input type="hidden" name="revision" value="1"', page)


def test_the_second_of_two_saves_gets_the_conflict_message_and_keeps_what_was_typed(two_sessions, graduate):
    mine, theirs = two_sessions
    their_form = typed_form(theirs, graduate, phone="+7 (912) 000-11-22")
    my_form = typed_form(mine, graduate, notes="Переехала к сестре")
    url = reverse("registry:update", args=[graduate.pk])

    assert theirs.post(url, their_form).status_code == 302
    response = mine.post(url, my_form)

    assert response.status_code == 409
    page = response.content.decode()
    assert "пока вы её редактировали, её изменил другой сотрудник" in page
    assert "Запись уже изменил(а) Коллегова В.," in page
    assert "телефон: «—» → «+7 (912) 000-11-22»" in page
    assert "Переехала к сестре" in page  # what I typed is still in the form
    assert re.search(r'<input type="hidden" name="revision" value="2"', page)
    graduate.refresh_from_db()
    assert (graduate.phone, graduate.notes) == ("+7 (912) 000-11-22", "")


def test_saving_again_after_the_conflict_applies_the_users_values(two_sessions, graduate):
    mine, theirs = two_sessions
    url = reverse("registry:update", args=[graduate.pk])
    their_form = typed_form(theirs, graduate, phone="+7 (912) 000-11-22")
    my_form = typed_form(mine, graduate, notes="Переехала к сестре")
    theirs.post(url, their_form)
    refused = mine.post(url, my_form)

    again = mine.post(url, {**my_form, "revision": refused.context["form"]["revision"].value()})

    assert again.status_code == 302
    graduate.refresh_from_db()
    assert graduate.notes == "Переехала к сестре"
    assert graduate.revision == 3


def test_two_saves_of_the_same_field_never_lose_one_silently(two_sessions, graduate):
    mine, theirs = two_sessions
    url = reverse("registry:update", args=[graduate.pk])
    their_form = typed_form(theirs, graduate, last_name="Смирнова")
    my_form = typed_form(mine, graduate, last_name="Кузнецова")

    theirs.post(url, their_form)
    response = mine.post(url, my_form)

    assert response.status_code == 409
    assert "фамилия: «Иванова» → «Смирнова»" in response.content.decode()
    assert response.context["form"]["last_name"].value() == "Кузнецова"
    assert Graduate.objects.get(pk=graduate.pk).last_name == "Смирнова"
