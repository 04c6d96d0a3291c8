"""Names in the Russian cases, as documents need them."""

from __future__ import annotations

import pytest

from opora.docs.declension import decline, decline_parts, decline_person, position_genitive
from opora.registry.models import Graduate


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("родительный", "Сёминой Алёны Сергеевны"),
        ("дательный", "Сёминой Алёне Сергеевне"),
        ("винительный", "Сёмину Алёну Сергеевну"),
        ("творительный", "Сёминой Алёной Сергеевной"),
        ("предложный", "Сёминой Алёне Сергеевне"),
        ("именительный", "Сёмина Алёна Сергеевна"),
    ],
)
def test_a_womans_name_with_yo_is_declined_in_every_case(case, expected):
    assert decline("Сёмина", "Алёна", "Сергеевна", "female", case) == expected


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("genitive", "Петрова Петра Ильича"),
        ("dative", "Петрову Петру Ильичу"),
        ("accusative", "Петрова Петра Ильича"),
        ("instrumental", "Петровым Петром Ильичом"),
        ("prepositional", "Петрове Петре Ильиче"),
    ],
)
def test_a_mans_name_is_declined_and_yo_alternates_where_russian_drops_it(case, expected):
    assert decline("Петров", "Пётр", "Ильич", "male", case) == expected


@pytest.mark.parametrize("surname", ["Черных", "Шевченко", "Гладких"])
def test_a_surname_that_does_not_decline_stays_as_it_is(surname):
    assert decline(surname, "Ольга", "Петровна", "female", "genitive") == f"{surname} Ольги Петровны"
    assert decline(surname, "Ольга", "Петровна", "female", "instrumental") == f"{surname} Ольгой Петровной"


def test_a_womans_surname_ending_in_a_consonant_does_not_decline_but_a_mans_does():
    assert decline("Кузьмич", "Анна", "", "female", "dative") == "Кузьмич Анне"
    assert decline("Кузьмич", "Иван", "", "male", "dative") == "Кузьмичу Ивану"


def test_both_halves_of_a_double_barrelled_surname_are_declined():
    assert decline("Петрова-Водкина", "Мария", "Ивановна", "female", "genitive") == "Петровой-Водкиной Марии Ивановны"
    assert decline("Петров-Водкин", "Кузьма", "Сергеевич", "male", "instrumental") == (
        "Петровым-Водкиным Кузьмой Сергеевичем"
    )


def test_an_empty_patronymic_leaves_no_gap():
    name = decline_parts("Сёмина", "Алёна", "", "female", "genitive")

    assert name.full == "Сёминой Алёны"
    assert name.short == "Сёминой А."


@pytest.mark.parametrize("sex", ["", None, "unknown"])
def test_an_unknown_sex_is_told_from_the_patronymic(sex):
    assert decline("Иванова", "Саша", "Петровна", sex, "genitive") == "Ивановой Саши Петровны"
    assert decline("Иванов", "Саша", "Петрович", sex, "genitive") == "Иванова Саши Петровича"


def test_a_name_that_tells_no_sex_is_still_declined_without_an_error():
    assert decline("Черных", "Саша", "", "", "dative") == "Черных Саше"


def test_a_name_in_capitals_keeps_its_capitals():
    assert decline("СЁМИНА", "АЛЁНА", "СЕРГЕЕВНА", "female", "genitive") == "СЁМИНОЙ АЛЁНЫ СЕРГЕЕВНЫ"


def test_a_turkic_patronymic_stays_as_written():
    assert decline("Мамедов", "Эльдар", "Рашид оглы", "male", "genitive") == "Мамедова Эльдара Рашид оглы"


def test_stray_spaces_do_not_reach_the_document():
    assert decline("  Сёмина ", "Алёна", "  ", "female", "dative") == "Сёминой Алёне"


def test_an_unknown_case_is_an_error():
    with pytest.raises(ValueError, match="unknown grammatical case"):
        decline("Сёмина", "Алёна", "", "female", "звательный")


def test_a_graduate_is_declined_by_the_sex_in_the_registry():
    graduate = Graduate(last_name="Сёмина", first_name="Алёна", patronymic="Сергеевна", sex=Graduate.Sex.FEMALE)

    assert decline_person(graduate, "dative").full == "Сёминой Алёне Сергеевне"
    assert decline_person(graduate, "genitive").short == "Сёминой А. С."


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        ("Специалист по социальной работе", "специалиста по социальной работе"),
        ("заведующая отделением", "заведующей отделением"),
        ("Руководитель службы сопровождения", "руководителя службы сопровождения"),
        ("Ведущий специалист", "ведущего специалиста"),
        ("Инспектор", "Инспектор"),
    ],
)
def test_a_job_title_is_put_in_the_genitive_for_in_the_person_of(position, expected):
    assert position_genitive(position) == expected
