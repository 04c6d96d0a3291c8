"""Each found difficulty knows, at write time, whether it is new against the graduate's previous
current assessment or persisting; what the previous one found and this one did not is closed.
Corrections, late entries, transfers and skipped quarters keep this exact (issue 8, point 2)."""

from __future__ import annotations

import pytest

from opora.assessment import services
from opora.assessment.models import AssessmentDifficulty
from opora.support import services as support_services

from .assess_helpers import answers, difficulty, found, quarter_day

NEW, PERSISTING, CLOSED = (
    AssessmentDifficulty.Status.NEW,
    AssessmentDifficulty.Status.PERSISTING,
    AssessmentDifficulty.Status.CLOSED,
)

pytestmark = pytest.mark.django_db


def housing(region_id, *ns, texts=()):
    return {"Жильё": {"difficulty_types": [difficulty(region_id, "Жильё", n).pk for n in ns], "texts": list(texts)}}


def test_the_first_assessment_finds_every_difficulty_new(on_support, assess):
    region = on_support.graduate.service.region_id

    first = assess(on_support, quarter_day(2), {"Жильё": 3}, **housing(region, 0, 1, texts=["Соседи жалуются"]))

    assert set(found(first).values()) == {NEW}
    assert len(found(first)) == 3


def test_a_difficulty_found_again_persists_and_one_not_found_is_closed(on_support, assess):
    region = on_support.graduate.service.region_id
    first = assess(on_support, quarter_day(2), {"Жильё": 3}, **housing(region, 0, 1, texts=["Соседи жалуются"]))
    a, b = difficulty(region, "Жильё", 0).name, difficulty(region, "Жильё", 1).name

    second = assess(on_support, quarter_day(1), {"Жильё": 2}, **housing(region, 0, 2, texts=["соседи  ЖАЛУЮТСЯ"]))

    assert found(second) == {
        a: PERSISTING,
        difficulty(region, "Жильё", 2).name: NEW,
        "соседи ЖАЛУЮТСЯ": PERSISTING,
        b: CLOSED,
    }
    assert set(found(first).values()) == {NEW}, "the earlier assessment is not rewritten"


def test_a_difficulty_closed_and_found_again_later_is_new_again(on_support, assess):
    region = on_support.graduate.service.region_id
    name = difficulty(region, "Жильё", 0).name
    assess(on_support, quarter_day(3), {"Жильё": 2}, **housing(region, 0))
    closed = assess(on_support, quarter_day(2), {"Жильё": 0})

    again = assess(on_support, quarter_day(1), {"Жильё": 2}, **housing(region, 0))

    assert found(closed) == {name: CLOSED}
    assert found(again) == {name: NEW}


def test_the_previous_assessment_is_the_latest_current_one_whatever_quarters_were_skipped(on_support, assess):
    region = on_support.graduate.service.region_id
    name = difficulty(region, "Жильё", 0).name
    assess(on_support, quarter_day(5), {"Жильё": 2}, **housing(region, 0))

    after_a_gap = assess(on_support, quarter_day(1), {"Жильё": 2}, **housing(region, 0))

    assert found(after_a_gap) == {name: PERSISTING}


def test_a_correction_of_an_earlier_assessment_recomputes_the_statuses_of_the_next_one(on_support, assess, specialist):
    region = on_support.graduate.service.region_id
    a, b = difficulty(region, "Жильё", 0).name, difficulty(region, "Жильё", 1).name
    first = assess(on_support, quarter_day(2), {"Жильё": 2}, **housing(region, 0))
    second = assess(on_support, quarter_day(1), {"Жильё": 2}, **housing(region, 1))
    assert found(second) == {b: NEW, a: CLOSED}

    correction = services.correct_assessment(
        first,
        actor=specialist,
        reason="Забыли вторую трудность",
        conclusion="Исправлено",
        domains=answers(region, {"Жильё": 2}, **housing(region, 0, 1)),
    )

    assert found(correction) == {a: NEW, b: NEW}
    assert found(second) == {b: PERSISTING, a: CLOSED}
    first.refresh_from_db()
    assert first.replaced_by == correction and correction.corrects == first
    assert found(first) == {a: NEW}, "the original stays readable as it was"


def test_a_late_entry_of_an_earlier_quarter_recomputes_the_later_assessment(on_support, assess):
    region = on_support.graduate.service.region_id
    name = difficulty(region, "Жильё", 0).name
    later = assess(on_support, quarter_day(1), {"Жильё": 2}, **housing(region, 0))
    assert found(later) == {name: NEW}

    assess(on_support, quarter_day(2), {"Жильё": 2}, **housing(region, 0))

    assert found(later) == {name: PERSISTING}


def test_after_a_transfer_the_previous_assessment_is_the_other_services(
    on_support, assess, other_service, other_specialist, specialist
):
    region = on_support.graduate.service.region_id
    name, other = difficulty(region, "Жильё", 0).name, difficulty(region, "Жильё", 1).name
    before = assess(on_support, quarter_day(2), {"Жильё": 2}, **housing(region, 0, 1))
    transfer = support_services.start_transfer(
        on_support, actor=specialist, moved_at=quarter_day(1), to_service=other_service
    )
    support_services.accept_transfer(transfer, actor=other_specialist)
    on_support.refresh_from_db()

    after = assess(on_support, quarter_day(0), {"Жильё": 2}, actor=other_specialist, **housing(region, 0))

    assert before.service_id != after.service_id == other_service.pk
    assert found(after) == {name: PERSISTING, other: CLOSED}
