"""Russian personal names in the grammatical cases that documents need.

«Договор заключён с Сёминой Алёной Сергеевной», «сопровождение Петрова Петра Ильича»: the
declension itself is pytrovich's (the petrovich rules); this module adds what a
document needs around it: the graduate's sex as the registry stores it, a sex that is
not known (a colleague's name: guessed from the patronymic), an empty patronymic,
capitals typed in full, Turkic patronymics («Рашид оглы») that stay as written, and
job titles in the genitive («в лице специалиста по социальной работе»).
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

# The cases by the names code uses, and by their Russian names.
CASES: dict[str, Case] = {
    "nominative": Case.NOMINATIVE,
    "genitive": Case.GENITIVE,
    "dative": Case.DATIVE,
    "accusative": Case.ACCUSATIVE,
    "instrumental": Case.INSTRUMENTAL,
    "prepositional": Case.PREPOSITIONAL,
}
RUSSIAN_CASES: dict[str, str] = {
    "именительный": "nominative",
    "родительный": "genitive",
    "дательный": "dative",
    "винительный": "accusative",
    "творительный": "instrumental",
    "предложный": "prepositional",
}
SEXES: dict[str, Gender] = {"male": Gender.MALE, "female": Gender.FEMALE}

# The last word of a Turkic patronymic: «Эльдар Рашид оглы» keeps «Рашид оглы» in every case.
TURKIC_PATRONYMIC_WORDS = {"оглы", "кызы", "улы", "уулу", "угли", "кизи"}


class DeclinedName(NamedTuple):
    """A name in one case, part by part."""

    last_name: str
    first_name: str
    patronymic: str

    @property
    def full(self) -> str:
        """«Сёминой Алёны Сергеевны»."""
        return " ".join(part for part in self if part)

    @property
    def short(self) -> str:
        """«Сёминой А. С.»: the surname declined, the initials as they are."""
        initials = " ".join(f"{part[0].upper()}." for part in (self.first_name, self.patronymic) if part)
        return f"{self.last_name} {initials}".strip()


@cache
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@cache
def _detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


def case_of(case: str | Case) -> Case:
    """The pytrovich case for «genitive», «родительный» or a Case itself."""
    if isinstance(case, Case):
        return case
    key = case.strip().lower()
    key = RUSSIAN_CASES.get(key, key)
    try:
        return CASES[key]
    except KeyError:
        raise ValueError(f"unknown grammatical case: {case!r}") from None


def gender_of(last_name: str, first_name: str, patronymic: str = "", sex: str | None = "") -> tuple[Gender, bool]:
    """The grammatical gender and whether it is known (``sex`` given) or guessed from the name."""
    if sex in SEXES:
        return SEXES[sex], True
    if not (last_name or first_name or patronymic):
        return Gender.ANDROGYNOUS, False
    guessed = _detector().detect(
        firstname=first_name or None, lastname=last_name or None, middlename=patronymic or None
    )
    return guessed, False


def _decline_word(part: NamePart, gender: Gender, case: Case, word: str, known: bool) -> str:
    if word.isupper() and len(word) > 1:
        # «ИВАНОВ» would become «ИВАНОВа»: decline it as «Иванов», give the capitals back.
        return _maker().make(part, gender, case, word.title(), known_gender=known).upper()
    return _maker().make(part, gender, case, word, known_gender=known)


def _decline_part(part: NamePart, gender: Gender, case: Case, text: str, known: bool) -> str:
    words = text.split()
    if not words:
        return ""
    if part is NamePart.MIDDLENAME and words[-1].lower() in TURKIC_PATRONYMIC_WORDS:
        return " ".join(words)
    return " ".join(_decline_word(part, gender, case, word, known) for word in words)


def decline_parts(
    last_name: str, first_name: str, patronymic: str = "", sex: str | None = "", case: str | Case = "genitive"
) -> DeclinedName:
    """The name in ``case``, part by part. ``sex`` is «male», «female» or empty (guessed)."""
    last_name, first_name, patronymic = ((p or "").strip() for p in (last_name, first_name, patronymic))
    target = case_of(case)
    if target is Case.NOMINATIVE:
        return DeclinedName(" ".join(last_name.split()), " ".join(first_name.split()), " ".join(patronymic.split()))
    gender, known = gender_of(last_name, first_name, patronymic, sex)
    return DeclinedName(
        _decline_part(NamePart.LASTNAME, gender, target, last_name, known),
        _decline_part(NamePart.FIRSTNAME, gender, target, first_name, known),
        _decline_part(NamePart.MIDDLENAME, gender, target, patronymic, known),
    )


def decline(
    last_name: str, first_name: str, patronymic: str = "", sex: str | None = "", case: str | Case = "genitive"
) -> str:
    """«Сёмина Алёна Сергеевна», female, genitive → «Сёминой Алёны Сергеевны»."""
    return decline_parts(last_name, first_name, patronymic, sex, case).full


def decline_person(person, case: str | Case = "genitive") -> DeclinedName:
    """A graduate (who has a ``sex``) or a member of staff (whose sex is guessed) in ``case``."""
    return decline_parts(
        getattr(person, "last_name", ""),
        getattr(person, "first_name", ""),
        getattr(person, "patronymic", ""),
        getattr(person, "sex", ""),
        case,
    )


def all_cases(person) -> dict[str, DeclinedName]:
    """The person's name in every case, keyed «nominative», «genitive», …"""
    return {name: decline_person(person, case) for name, case in CASES.items()}


def is_female(person) -> bool | None:
    """True or False when the sex is recorded or can be told from the name, None when it cannot."""
    gender, _known = gender_of(
        getattr(person, "last_name", ""),
        getattr(person, "first_name", ""),
        getattr(person, "patronymic", ""),
        getattr(person, "sex", ""),
    )
    return {Gender.FEMALE: True, Gender.MALE: False}.get(gender)


# Job titles: the leading words that change in the genitive; the rest («по социальной работе»,
# «отделением», «службы») is already in an oblique case and stays as it is.
_POSITION_GENITIVE = {
    "специалист": "специалиста",
    "ведущий": "ведущего",
    "главный": "главного",
    "старший": "старшего",
    "социальный": "социального",
    "заведующий": "заведующего",
    "заведующая": "заведующей",
    "директор": "директора",
    "руководитель": "руководителя",
    "заместитель": "заместителя",
    "начальник": "начальника",
    "координатор": "координатора",
    "психолог": "психолога",
    "педагог": "педагога",
    "педагог-психолог": "педагога-психолога",
    "юрисконсульт": "юрисконсульта",
    "методист": "методиста",
    "куратор": "куратора",
}


def position_genitive(position: str) -> str:
    """«Специалист по социальной работе» → «специалиста по социальной работе».

    Only the known leading words change; a title that starts otherwise is returned as written.
    """
    words = position.split()
    out = []
    changing = True
    for word in words:
        key = word.lower()
        if changing and key in _POSITION_GENITIVE:
            out.append(_POSITION_GENITIVE[key])
        else:
            changing = False
            out.append(word)
    return " ".join(out)
