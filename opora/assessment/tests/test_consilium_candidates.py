"""The list a coordinator prepares the quarter's consilium from: who is due, whose level is still
provisional, who changed most, whose suggestion differs from the level in force."""

from __future__ import annotations

import pytest

from opora.assessment import consilium as consilia
from opora.assessment.models import quarter_of
from opora.assessment.tests.conftest import INTENSIVE, MONITORING, SUPPORTING, days_ago  # noqa: F401
from opora.assessment.tests.consilium_factories import make_assessment
from opora.assessment.tests.consilium_fixtures import hold
from opora.support.models import LevelChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(make_graduate, give_consent, make_active_case, service, levels, level_rules, coordinator):
    """Three graduates on support since 200 days ago: calm, worse, much worse."""
    cases = {}
    for name in ("Аверина", "Борисова", "Васильева"):
        graduate = make_graduate(service, last_name=name)
        give_consent(graduate, on=days_ago(220))
        cases[name] = make_active_case(graduate, signed_at=days_ago(200), level=SUPPORTING)
    confirmed = cases["Аверина"]
    LevelChange.objects.create(
        case=confirmed,
        level=levels[SUPPORTING],
        effective_from=days_ago(150),
        basis=LevelChange.Basis.CONSILIUM,
        reason="Первичный консилиум",
    )
    make_assessment(cases["Аверина"], days_ago(100), 1)
    make_assessment(cases["Аверина"], days_ago(10), {"Жильё": 3})
    make_assessment(cases["Борисова"], days_ago(100), 1)
    make_assessment(cases["Борисова"], days_ago(10), 2)
    make_assessment(cases["Васильева"], days_ago(100), 0)
    make_assessment(cases["Васильева"], days_ago(10), {"Жильё": 4, "Образование": 4})
    return cases


def rows(service, **kwargs):
    year, quarter = quarter_of(days_ago(0))
    return {row.graduate.last_name: row for row in consilia.candidates(service, year, quarter, **kwargs)}


def test_every_graduate_on_support_is_listed_with_the_change_between_the_last_two_assessments(three, service):
    listed = rows(service)
    assert set(listed) == {"Аверина", "Борисова", "Васильева"}
    assert listed["Аверина"].change == 2  # Жильё 1 → 3
    assert listed["Борисова"].change == 9  # nine domains 1 → 2
    assert listed["Васильева"].change == 15  # Жильё and Образование 0 → 4, the other seven 0 → 1
    year, quarter = quarter_of(days_ago(0))
    ordered = [r.graduate.last_name for r in consilia.ordered_candidates(consilia.candidates(service, year, quarter))]
    assert ordered == ["Васильева", "Борисова", "Аверина"]


def test_a_provisional_level_and_a_differing_suggestion_are_marked(three, service, levels):
    listed = rows(service)
    assert {n for n, r in listed.items() if r.provisional} == {"Борисова", "Васильева"}
    assert listed["Васильева"].suggested_level_id == levels[INTENSIVE].pk
    assert listed["Васильева"].differs
    assert not listed["Аверина"].differs  # one serious domain → поддерживающий, as in force


def test_a_graduate_decided_at_a_held_quarterly_consilium_is_no_longer_due(three, service, prepare, coordinator):
    assert all(r.due for r in rows(service).values())
    consilium = prepare()
    consilia.add_graduates(consilium, [three["Борисова"]], actor=coordinator)
    listed = rows(service, consilium=consilium)
    assert listed["Борисова"].due and listed["Борисова"].in_consilium
    assert not listed["Аверина"].in_consilium

    hold(consilium, coordinator)

    listed = rows(service)
    assert not listed["Борисова"].due
    assert listed["Аверина"].due and listed["Васильева"].due


def test_a_graduate_with_one_assessment_has_no_change(active_case, level_rules, service):
    make_assessment(active_case, days_ago(0), 2)
    (row,) = rows(service).values()
    assert row.change is None and row.assessment_id is not None
