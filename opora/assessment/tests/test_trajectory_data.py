"""The trajectory of a graduate computed from hand-made assessments: exact scores, difficulties, levels."""

from __future__ import annotations

import datetime as dt

import pytest

from opora.assessment.trajectory import trajectory_data, trajectory_of
from opora.registry.models import Graduate
from opora.support.models import LevelChange

from .trajectory_factories import CLOSED, NEW, PERSISTING, make_assessment, make_case

HOUSING, EDUCATION, WORK = "Жильё", "Образование", "Трудоустройство"


@pytest.fixture
def history(graduate, levels, make_graduate):
    """Three quarters of one graduate (the third corrected), and another graduate's assessment."""
    case = make_case(graduate, levels["Поддерживающий"])
    first = make_assessment(
        case,
        dt.date(2026, 3, 15),
        {HOUSING: (3, 2), EDUCATION: (2, 2)},
        difficulties={
            HOUSING: [("Нет закреплённого жилья", NEW), ("Задолженность по коммунальным платежам", NEW)],
            EDUCATION: [("Угроза отчисления", NEW)],
        },
    )
    second = make_assessment(
        case,
        dt.date(2026, 6, 10),
        {HOUSING: (2, 3), EDUCATION: 0},
        difficulties={
            HOUSING: [("Нет закреплённого жилья", PERSISTING), ("Задолженность по коммунальным платежам", CLOSED)],
            EDUCATION: [("Угроза отчисления", CLOSED)],
        },
    )
    original = make_assessment(case, dt.date(2026, 9, 10), {HOUSING: 4})
    corrected = make_assessment(
        case,
        dt.date(2026, 9, 12),
        {HOUSING: 1, WORK: 2},
        difficulties={HOUSING: [("Нет закреплённого жилья", CLOSED)], WORK: [("Нет работы", NEW)]},
        corrects=original,
    )
    LevelChange.objects.create(
        case=case,
        level=levels["Интенсивный"],
        effective_from=dt.date(2026, 9, 20),
        basis=LevelChange.Basis.CONSILIUM,
        reason="Решение консилиума",
    )
    other = make_graduate(graduate.service, last_name="Сидорова")
    make_assessment(make_case(other, levels["Поддерживающий"]), dt.date(2026, 9, 1), {HOUSING: 4})
    return {"case": case, "first": first, "second": second, "original": original, "corrected": corrected}


def _graduate(history):
    return Graduate.objects.select_related("service").get(pk=history["case"].graduate_id)


def test_the_trajectory_runs_through_the_current_assessments_in_date_order(history, specialist):
    trajectory = trajectory_of(_graduate(history), specialist)

    assert [p.pk for p in trajectory.points] == [history["first"].pk, history["second"].pk, history["corrected"].pk]
    assert [p.label for p in trajectory.points] == ["I кв. 2026", "II кв. 2026", "III кв. 2026"]
    assert len(trajectory.domains) == 9


def test_each_domain_has_the_specialists_and_the_graduates_scores_across_the_quarters(history, specialist):
    trajectory = trajectory_of(_graduate(history), specialist)

    table = {row["domain"].name: row["cells"] for row in trajectory.table()}
    assert [c["specialist"] for c in table[HOUSING]] == [3, 2, 1]
    assert [c["graduate"] for c in table[HOUSING]] == [2, 3, None]
    assert [c["specialist"] for c in table[WORK]] == [0, 0, 2]
    lines = {row["domain"].name: row["chart"] for row in trajectory.lines()}
    # y of a score s: 12 + 108 × (4 − s) / 4 (opora.assessment.trajectory.domain_line).
    assert lines[HOUSING]["lines"][0]["segments"] == ["26,39 167,66 308,93"]
    assert lines[HOUSING]["lines"][1]["segments"] == ["26,66 167,39"]


def test_the_difficulties_opened_and_closed_are_those_of_the_later_assessment(history, specialist):
    trajectory = trajectory_of(_graduate(history), specialist)

    changes = {c["point"].pk: c for c in trajectory.changes()}
    second = changes[history["second"].pk]
    assert second["previous"].pk == history["first"].pk
    assert {r["domain"].name: (r["opened"], r["closed"]) for r in second["rows"]} == {
        HOUSING: ([], ["Задолженность по коммунальным платежам"]),
        EDUCATION: ([], ["Угроза отчисления"]),
    }
    assert (second["opened"], second["closed"]) == (0, 2)
    third = changes[history["corrected"].pk]
    assert {r["domain"].name: (r["opened"], r["closed"]) for r in third["rows"]} == {
        HOUSING: ([], ["Нет закреплённого жилья"]),
        WORK: (["Нет работы"], []),
    }
    first = changes[history["first"].pk]
    assert first["previous"] is None and first["opened"] == 3


def test_the_radars_shown_by_default_are_the_latest_two_assessments(history, specialist):
    trajectory = trajectory_of(_graduate(history), specialist)

    chosen = trajectory.default_chosen()

    assert [p.pk for p in chosen] == [history["corrected"].pk, history["second"].pk]
    radar = trajectory.radar_for(chosen[0])
    specialist_polygon, own_polygon = radar["polygons"]
    assert [(m["label"], m["value"]) for m in specialist_polygon["marks"] if m["value"]] == [(HOUSING, 1), (WORK, 2)]
    assert own_polygon["empty"] is True  # the graduate did not rate the corrected quarter


def test_the_level_history_beside_it_names_the_basis_of_each_decision(history, specialist):
    trajectory = trajectory_of(_graduate(history), specialist)

    data = trajectory_data(trajectory)
    assert [(c["level_name"], c["basis_label"]) for c in data["level_history"]] == [
        ("Поддерживающий", "Первичное определение"),
        ("Интенсивный", "Решение консилиума"),
    ]
    housing = next(d for d in data["domains"] if d["name"] == HOUSING)["id"]
    assert [next(row for row in a["domains"] if row["domain"] == housing)["severity"] for a in data["assessments"]] == [
        3,
        2,
        1,
    ]


def test_a_user_of_another_service_gets_an_empty_trajectory(history, other_specialist):
    trajectory = trajectory_of(_graduate(history), other_specialist)

    assert trajectory.points == [] and trajectory.level_changes == []


@pytest.mark.parametrize("extra", [0, 4])
def test_the_trajectory_takes_the_same_queries_whatever_the_number_of_assessments(
    history, specialist, extra, django_assert_num_queries
):
    for i in range(extra):
        make_assessment(
            history["case"], dt.date(2025, 3 * i + 1, 5), {HOUSING: i}, difficulties={HOUSING: [(f"Т{i}", NEW)]}
        )
    graduate = _graduate(history)

    with django_assert_num_queries(5):
        trajectory_of(graduate, specialist)
