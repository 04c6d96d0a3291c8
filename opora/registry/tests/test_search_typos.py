"""The typo-tolerant search on both databases: «Асанов» finds «Ассанов», within the scope, a page at a time.

On PostgreSQL pg_trgm answers; on SQLite the same measure written in Python
(opora.registry.similarity, registered as an SQLite function). The last test checks on
PostgreSQL that the two agree.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from opora.core.models import AuditEvent
from opora.registry.models import Graduate
from opora.registry.similarity import word_similarity


@pytest.fixture
def assanov(make_graduate, service):
    return make_graduate(
        service, last_name="Ассанов", first_name="Эржан", patronymic="Нурланович", sex=Graduate.Sex.MALE
    )


def names(response) -> list[str]:
    return [g.full_name for g in response.context["graduates"]]


def test_a_surname_typed_with_one_s_finds_the_one_written_with_two(login, specialist, assanov, make_graduate, service):
    make_graduate(service, last_name="Смирнова", first_name="Дарья", patronymic="Игоревна")
    client = login(specialist)

    response = client.get(reverse("registry:list"), {"q": "Асанов"})

    assert response.status_code == 200
    assert names(response) == ["Ассанов Эржан Нурланович"]
    assert 'id="fuzzy-notice"' in response.content.decode()


def test_a_typo_and_a_first_name_together_still_find_the_person(login, specialist, assanov):
    response = login(specialist).get(reverse("registry:list"), {"q": "асанов эржан"})

    assert names(response) == ["Ассанов Эржан Нурланович"]


def test_the_most_alike_name_comes_first(login, specialist, assanov, make_graduate, service):
    make_graduate(service, last_name="Асанова", first_name="Дина", patronymic="")
    make_graduate(service, last_name="Хасанов", first_name="Тимур", patronymic="")

    found = names(login(specialist).get(reverse("registry:list"), {"q": "Асанов Эржан"}))

    assert found[0] == "Ассанов Эржан Нурланович"
    assert set(found) == {"Ассанов Эржан Нурланович", "Асанова Дина", "Хасанов Тимур"}


def test_similar_names_of_another_service_are_not_shown(login, specialist, assanov, make_graduate, other_service):
    other = make_graduate(other_service, last_name="Ассанова", first_name="Айгерим", patronymic="")
    client = login(specialist)

    response = client.get(reverse("registry:list"), {"q": "Асанова"})

    assert names(response) == ["Ассанов Эржан Нурланович"]
    assert other.last_name not in response.content.decode()
    read = AuditEvent.objects.filter(action=AuditEvent.Action.LIST).latest("at")
    assert str(other.pk) not in str(read.changes)


def test_the_api_search_is_typo_tolerant_too_and_scoped(login, specialist, assanov, make_graduate, other_service):
    make_graduate(other_service, last_name="Ассанова", first_name="Айгерим", patronymic="")

    rows = login(specialist).get("/api/v1/graduates/", {"q": "Асанов"}).json()

    assert [row["full_name"] for row in rows["results"]] == ["Ассанов Эржан Нурланович"]
    assert rows["count"] == 1


def test_similar_names_are_paginated(login, specialist, make_graduate, service):
    for n in range(30):
        make_graduate(service, last_name="Ассанов", first_name=f"Имя{n:02d}", patronymic="")
    client = login(specialist)

    first = client.get(reverse("registry:list"), {"q": "Асанов"})
    second = client.get(reverse("registry:list"), {"q": "Асанов", "page": 2})

    assert len(names(first)) == 25 and len(names(second)) == 5
    assert not set(names(first)) & set(names(second))


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("иваонва", "иванова алена сергеевна"),
        ("асанов", "ассанов эржан нурланович"),
        ("смирнова", "иванова алена сергеевна"),
        ("иванова олена", "иванова алена сергеевна"),
        ("петрова", "петров петр ильич"),
        ("ова", "орлова ольга"),
    ],
)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL's pg_trgm")
def test_the_python_measure_agrees_with_pg_trgm(db, query, text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT word_similarity(%s, %s)", [query, text])
        [(expected,)] = cursor.fetchall()

    assert word_similarity(query, text) == pytest.approx(expected, abs=1e-6)
