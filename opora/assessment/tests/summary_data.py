"""A service's third quarter of 2026, made by hand, for the summary-card tests (exact counts below).

Service «Валуйский» (the ``service`` fixture) assessed in Q3 2026:

* Иванова — Жильё 3 (a new and a persisting difficulty; a closed one that is not counted),
  Образование 1 (a new one); her Q2 assessment is another quarter;
* Борисова — corrected: the original (Жильё 4, two new) is replaced by the correction (Жильё 2, one new);
* Васильева — a quarterly (Жильё 1) and then an extraordinary assessment (Жильё 4, one new; Дети 2,
  one persisting): the latest counts;
* Григорьев — Жильё 2, no difficulties; he moved to the other service since: counted where assessed.

The other service assessed Дмитриева in the same quarter (Жильё 4): not in this card.
"""

from __future__ import annotations

import datetime as dt

from opora.assessment.models import Assessment
from opora.registry.models import Graduate

from .trajectory_factories import CLOSED, NEW, PERSISTING, make_assessment, make_case

HOUSING, EDUCATION, CHILDREN, LEGAL = "Жильё", "Образование", "Дети", "Правовой статус"


def third_quarter(service, other_service, levels, make_graduate) -> dict:
    level = levels["Поддерживающий"]

    def case(last_name, where=service, **fields):
        return make_case(make_graduate(where, last_name=last_name, **fields), level)

    ivanova = case("Иванова")
    make_assessment(ivanova, dt.date(2026, 6, 5), {HOUSING: 4}, difficulties={HOUSING: [("Нет жилья", NEW)]})
    ivanova_q3 = make_assessment(
        ivanova,
        dt.date(2026, 8, 1),
        {HOUSING: (3, 2), EDUCATION: 1},
        difficulties={
            HOUSING: [("Нет жилья", PERSISTING), ("Долг за коммунальные услуги", NEW), ("Старая трудность", CLOSED)],
            EDUCATION: [("Угроза отчисления", NEW)],
        },
    )
    borisova = case("Борисова")
    original = make_assessment(
        borisova, dt.date(2026, 7, 15), {HOUSING: 4}, difficulties={HOUSING: [("А", NEW), ("Б", NEW)]}
    )
    corrected = make_assessment(
        borisova, dt.date(2026, 7, 16), {HOUSING: 2}, difficulties={HOUSING: [("Долг", NEW)]}, corrects=original
    )
    vasilieva = case("Васильева")
    make_assessment(vasilieva, dt.date(2026, 7, 10), {HOUSING: 1})
    extraordinary = make_assessment(
        vasilieva,
        dt.date(2026, 8, 20),
        {HOUSING: 4, CHILDREN: 2},
        difficulties={HOUSING: [("Угроза утраты жилья", NEW)], CHILDREN: [("Нет места в детском саду", PERSISTING)]},
        kind=Assessment.Kind.EXTRAORDINARY,
    )
    grigoriev = case("Григорьев", first_name="Глеб", sex=Graduate.Sex.MALE)
    moved = make_assessment(grigoriev, dt.date(2026, 9, 1), {HOUSING: 2})
    Graduate.objects.filter(pk=grigoriev.graduate_id).update(service=other_service, territory=other_service.territory)
    dmitrieva = case("Дмитриева", where=other_service)
    foreign = make_assessment(dmitrieva, dt.date(2026, 8, 2), {HOUSING: 4}, difficulties={HOUSING: [("В", NEW)]})
    return {
        "rows": [ivanova_q3, corrected, extraordinary, moved],
        "original": original,
        "moved": moved,
        "foreign": foreign,
        "graduates": {
            "ivanova": ivanova.graduate,
            "borisova": borisova.graduate,
            "vasilieva": vasilieva.graduate,
            "grigoriev": grigoriev.graduate,
            "dmitrieva": dmitrieva.graduate,
        },
    }
