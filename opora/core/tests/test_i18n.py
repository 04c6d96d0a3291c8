"""Russian on screen: plural forms of counts and ages, and dates as dd.mm.yyyy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from opora.conftest import years_ago


def render_years(n) -> str:
    with translation.override("ru"):
        return Template("{% load opora %}{{ n|years }}").render(Context({"n": n}))


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1 год"),
        (21, "21 год"),
        (22, "22 года"),
        (24, "24 года"),
        (25, "25 лет"),
        (11, "11 лет"),
        (12, "12 лет"),
        (14, "14 лет"),
        (0, "0 лет"),
        (101, "101 год"),
        (111, "111 лет"),
    ],
)
def test_ages_take_the_russian_plural_form(n, text):
    assert render_years(n) == text


def test_an_empty_age_renders_as_nothing():
    assert render_years(None) == ""


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (1, "Найден 1 выпускник"),
        (2, "Найдено 2 выпускника"),
        (5, "Найдено 5 выпускников"),
        (11, "Найдено 11 выпускников"),
    ],
)
def test_the_list_counts_graduates_in_russian(login, specialist, make_graduate, service, count, text):
    for n in range(count):
        make_graduate(service, last_name=f"Фамилия{n:02d}")

    body = login(specialist).get(reverse("registry:list")).content.decode()

    assert text in body


def test_the_list_says_so_when_nobody_is_found(login, specialist, graduate):
    body = login(specialist).get(reverse("registry:list"), {"q": "Никтоникакой"}).content.decode()

    assert "Найдено 0 выпускников" in body
    assert "Никого не найдено." in body


@pytest.mark.parametrize(("years", "text"), [(21, "21 год"), (22, "22 года"), (25, "25 лет")])
def test_the_card_shows_the_age_in_russian(login, specialist, make_graduate, service, years, text):
    graduate = make_graduate(service, birth_date=years_ago(years, days=3))

    body = login(specialist).get(reverse("registry:detail", args=[graduate.pk])).content.decode()

    assert text in body


def test_the_card_shows_dates_as_day_month_year(login, specialist, make_graduate, service):
    graduate = make_graduate(service, birth_date=dt.date(2004, 3, 7), left_at=dt.date(2022, 6, 30))

    body = login(specialist).get(reverse("registry:detail", args=[graduate.pk])).content.decode()

    assert "07.03.2004" in body
    assert "30.06.2022" in body
    assert "07.03.2027" in body  # the day the graduate turns 23
    assert "2004-03-07" not in body


def test_the_list_shows_birth_dates_as_day_month_year(login, specialist, make_graduate, service):
    make_graduate(service, birth_date=dt.date(2005, 11, 2))

    body = login(specialist).get(reverse("registry:list")).content.decode()

    assert "02.11.2005" in body


def test_the_page_is_in_russian(login, specialist, graduate):
    response = login(specialist).get(reverse("registry:list"))

    assert '<html lang="ru">' in response.content.decode()
    assert response["Content-Language"] == "ru"
