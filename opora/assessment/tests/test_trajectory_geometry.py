"""The chart geometry of the trajectory tab: exact coordinates from plain numbers (no database)."""

from __future__ import annotations

from opora.assessment.trajectory import domain_line, radar


def test_a_radar_puts_one_axis_per_domain_clockwise_from_the_top_and_scales_each_score_to_the_worst_step():
    chart = radar(["А", "Б", "В", "Г"], [[4, 2, 0, None]], size=360, margin=70)

    assert chart["view_box"] == "-70 0 500 360"
    assert [(a["x"], a["y"]) for a in chart["axes"]] == [(180, 70), (290, 180), (180, 290), (70, 180)]
    assert [a["anchor"] for a in chart["axes"]] == ["middle", "start", "middle", "end"]
    polygon = chart["polygons"][0]
    assert polygon["points"] == "180,70 235,180 180,180 180,180"
    # A domain not rated is drawn at the centre but not marked as a score.
    assert [(m["label"], m["value"]) for m in polygon["marks"]] == [("А", 4), ("Б", 2), ("В", 0)]
    assert not polygon["empty"]


def test_a_radar_has_a_ring_for_every_step_of_the_scale():
    chart = radar(["А", "Б", "В", "Г"], [], size=360, margin=70)

    assert [r["value"] for r in chart["rings"]] == [1, 2, 3, 4]
    assert chart["rings"][0]["points"] == "180,152.5 207.5,180 180,207.5 152.5,180"
    assert chart["rings"][3]["points"] == "180,70 290,180 180,290 70,180"


def test_a_series_with_no_rating_at_all_is_marked_empty():
    chart = radar(["А", "Б", "В"], [[None, None, None], [1, 1, 1]])

    assert chart["polygons"][0]["empty"] is True
    assert chart["polygons"][0]["marks"] == []
    assert chart["polygons"][1]["empty"] is False


def test_a_domain_line_spaces_the_assessments_evenly_and_breaks_where_a_score_is_missing():
    chart = domain_line(["I", "II", "III"], [[3, None, 1], [4, 4, 0]], width=320, height=150)

    assert [t["x"] for t in chart["ticks"]] == [26, 167, 308]
    assert [t["anchor"] for t in chart["ticks"]] == ["start", "middle", "end"]
    assert [(g["value"], g["y"]) for g in chart["grid"]] == [(0, 120), (1, 93), (2, 66), (3, 39), (4, 12)]
    specialist, own = chart["lines"]
    assert specialist["segments"] == ["26,39", "308,93"]
    assert [(m["label"], m["value"]) for m in specialist["marks"]] == [("I", 3), ("III", 1)]
    assert own["segments"] == ["26,12 167,12 308,120"]


def test_a_domain_line_of_a_single_assessment_stands_in_the_middle():
    chart = domain_line(["I"], [[2]], width=320, height=150)

    assert chart["lines"][0]["segments"] == ["167,66"]
