"""The summary card's rows and per-domain counts on hand-made data (opora/assessment/tests/summary_data.py)."""

from __future__ import annotations

import pytest

from opora.assessment.summary import assessments_of, build_summary, rows_with_cells

from .summary_data import CHILDREN, EDUCATION, HOUSING, LEGAL, third_quarter


@pytest.fixture
def quarter(service, other_service, levels, make_graduate):
    return third_quarter(service, other_service, levels, make_graduate)


def test_each_graduate_counts_once_by_the_latest_current_assessment_the_service_made(quarter, service):
    rows = set(assessments_of(service, 2026, 3).values_list("pk", flat=True))

    assert rows == {a.pk for a in quarter["rows"]}
    assert quarter["original"].pk not in rows  # replaced by its correction
    assert quarter["foreign"].pk not in rows  # made by the other service


def test_the_counts_per_domain_cover_every_row(quarter, service, specialist):
    summary = build_summary(specialist, service, 2026, 3)

    totals = {t.domain.name: t for t in summary.totals}
    assert summary.total_rows == 4
    assert (totals[HOUSING].with_difficulties, totals[HOUSING].found, totals[HOUSING].new) == (4, 4, 3)
    assert totals[HOUSING].mean == 2.75
    assert (totals[EDUCATION].with_difficulties, totals[EDUCATION].found, totals[EDUCATION].new) == (1, 1, 1)
    assert totals[EDUCATION].mean == 0.25
    assert (totals[CHILDREN].with_difficulties, totals[CHILDREN].found, totals[CHILDREN].new) == (1, 1, 0)
    assert totals[CHILDREN].mean == 0.5
    assert (totals[LEGAL].with_difficulties, totals[LEGAL].found, totals[LEGAL].mean) == (0, 0, 0.0)


def test_a_graduate_who_moved_is_counted_where_assessed_and_named_only_to_who_may_see_him(
    quarter, service, other_service, specialist, other_specialist, regional
):
    own = build_summary(specialist, service, 2026, 3)
    regional_view = build_summary(regional, service, 2026, 3)
    new_service = build_summary(other_specialist, other_service, 2026, 3)

    assert own.total_rows == regional_view.total_rows == 4
    assert own.visible_count == 3 and own.hidden_rows == 1
    assert regional_view.visible_count == 4 and regional_view.hidden_rows == 0
    assert quarter["moved"].pk not in set(own.visible.values_list("pk", flat=True))
    # The service he moved to counts only what it assessed itself.
    assert new_service.total_rows == 1
    assert set(new_service.visible.values_list("pk", flat=True)) == {quarter["foreign"].pk}


def test_a_cell_holds_the_score_and_the_difficulties_found(quarter, service, specialist):
    summary = build_summary(specialist, service, 2026, 3)

    rows = {r["graduate"].last_name: r for r in rows_with_cells(summary.visible, summary.domains)}
    assert list(rows) == ["Борисова", "Васильева", "Иванова"]  # by name
    cells = {c["domain"].name: c for c in rows["Иванова"]["cells"]}
    assert cells[HOUSING]["severity"] == 3
    # Found: new and persisting; a closed difficulty is no longer one of hers.
    assert cells[HOUSING]["difficulties"] == ["Нет жилья", "Долг за коммунальные услуги"]
    assert {c["domain"].name: c["severity"] for c in rows["Васильева"]["cells"]}[CHILDREN] == 2


def test_another_quarter_has_its_own_rows(quarter, service, specialist):
    summary = build_summary(specialist, service, 2026, 2)

    assert summary.total_rows == 1
    assert {t.domain.name: t.new for t in summary.totals}[HOUSING] == 1
