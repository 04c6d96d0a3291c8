"""The trajectory of a graduate (issue 8, point 5): what the card's «Траектория» tab and the API show.

Two layers:

* **pure geometry** — :func:`radar` (one radar: an axis per domain, a polygon per series) and
  :func:`domain_line` (one small line chart of a domain across the assessments). They take
  plain numbers and return the coordinates a template draws as SVG; no chart library, no
  network, nothing inline that the CSP forbids (the templates use SVG attributes and classes
  of a static stylesheet);
* **the data** — :func:`trajectory_of` reads a graduate's current assessments (scores per
  domain, the specialist's and the graduate's own), the difficulties each one opened (``NEW``
  rows) and closed (``CLOSED`` rows), and the level history of the graduate's cases, in a
  fixed number of queries whatever the number of assessments.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from opora.assessment.models import Assessment, AssessmentDifficulty, AssessmentDomain, Severity
from opora.support.models import Domain, LevelChange

MAX_SEVERITY = max(Severity.values)


def _r(value: float) -> float:
    """Coordinates rounded to a tenth of a unit: enough for a screen and for print, short in the page."""
    return round(value, 1) + 0.0  # + 0.0 turns -0.0 into 0.0


def _points(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:g},{y:g}" for x, y in points)


# --- Geometry ----------------------------------------------------------------------------------


def radar(
    labels: Sequence[str],
    series: Sequence[Sequence[int | None]],
    *,
    size: int = 360,
    margin: int = 70,
    pad: int = 70,
    max_value: int = MAX_SEVERITY,
) -> dict:
    """A radar chart: one axis per label (clockwise from the top), one polygon per series.

    ``series`` holds one value per label (0 … ``max_value``; None — not rated, drawn at the
    centre and left out of the marked points). Returns the SVG ``view_box``, the ``centre``,
    the ``rings`` (one polygon per step of the scale), the ``axes`` with their end and the
    anchor of their label, and per series its ``points`` (the polygon) and ``marks`` (the dots).
    """
    n = len(labels)
    centre = size / 2
    radius = size / 2 - margin

    def at(i: int, share: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return _r(centre + radius * share * math.cos(angle)), _r(centre + radius * share * math.sin(angle))

    axes = []
    for i, label in enumerate(labels):
        x, y = at(i, 1)
        lx, ly = at(i, 1 + 14 / radius)
        cos = math.cos(-math.pi / 2 + 2 * math.pi * i / n)
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        axes.append({"label": label, "x": x, "y": y, "label_x": lx, "label_y": _r(ly + 4), "anchor": anchor})
    rings = [
        {"value": step, "points": _points([at(i, step / max_value) for i in range(n)])}
        for step in range(1, max_value + 1)
    ]
    polygons = []
    for values in series:
        shares = [(v or 0) / max_value for v in values]
        vertices = [at(i, share) for i, share in enumerate(shares)]
        polygons.append(
            {
                "points": _points(vertices),
                "marks": [
                    {"x": x, "y": y, "sx": _r(x - 3), "sy": _r(y - 3), "value": v, "label": labels[i]}
                    for i, ((x, y), v) in enumerate(zip(vertices, values, strict=True))
                    if v is not None
                ],
                "empty": all(v is None for v in values),
            }
        )
    return {
        # Room at the sides for the labels of the left and right axes («Источники доходов»).
        "view_box": f"{-pad} 0 {size + 2 * pad} {size}",
        "size": size,
        "centre": _r(centre),
        "rings": rings,
        "axes": axes,
        "polygons": polygons,
    }


def domain_line(
    x_labels: Sequence[str],
    series: Sequence[Sequence[int | None]],
    *,
    width: int = 320,
    height: int = 150,
    left: int = 26,
    right: int = 12,
    top: int = 12,
    bottom: int = 30,
    max_value: int = MAX_SEVERITY,
) -> dict:
    """A small line chart: x — the assessments in date order, evenly spaced; y — the score 0 … ``max_value``.

    ``series`` holds one value per x label (None — not rated: the line breaks there). Returns the
    ``view_box``, the horizontal ``grid`` lines with their value, the ``ticks`` under the x axis
    and per series its ``segments`` (polyline points between gaps) and ``marks``.
    """
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(x_labels)

    def x_of(i: int) -> float:
        return _r(left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1)))

    def y_of(value: int) -> float:
        return _r(top + plot_h * (max_value - value) / max_value)

    grid = [
        {"value": v, "y": y_of(v), "label_x": left - 6, "label_y": _r(y_of(v) + 4), "x1": left, "x2": width - right}
        for v in range(max_value + 1)
    ]

    def anchor(i: int) -> str:
        # The first and the last label stay inside the chart, not half outside it.
        if n > 1 and i == 0:
            return "start"
        return "end" if n > 1 and i == n - 1 else "middle"

    ticks = [
        {"label": label, "x": x_of(i), "y": height - bottom + 16, "anchor": anchor(i)}
        for i, label in enumerate(x_labels)
    ]
    lines = []
    for values in series:
        segments, current, marks = [], [], []
        for i, value in enumerate(values):
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            point = (x_of(i), y_of(value))
            current.append(point)
            marks.append(
                {
                    "x": point[0],
                    "y": point[1],
                    "sx": _r(point[0] - 3),
                    "sy": _r(point[1] - 3),
                    "value": value,
                    "label": x_labels[i],
                }
            )
        if current:
            segments.append(current)
        lines.append({"segments": [_points(s) for s in segments], "marks": marks})
    return {
        "view_box": f"0 0 {width} {height}",
        "grid": grid,
        "ticks": ticks,
        "lines": lines,
        "axis_y": height - bottom,
        "left": left,
        "right": width - right,
    }


# --- The data ----------------------------------------------------------------------------------


@dataclass
class Scored:
    """One assessment on the trajectory: its scores by domain and the difficulties it opened and closed."""

    assessment: Assessment
    label: str
    specialist: dict[int, int | None] = field(default_factory=dict)
    graduate: dict[int, int | None] = field(default_factory=dict)
    opened: dict[int, list[str]] = field(default_factory=dict)
    closed: dict[int, list[str]] = field(default_factory=dict)
    persisting: dict[int, list[str]] = field(default_factory=dict)

    @property
    def pk(self) -> int:
        return self.assessment.pk


@dataclass
class Trajectory:
    domains: list[Domain]
    points: list[Scored]  # the current assessments, oldest first
    level_changes: list[LevelChange]

    def by_pk(self, pk: int) -> Scored | None:
        return next((p for p in self.points if p.pk == pk), None)

    def default_chosen(self) -> list[Scored]:
        """The radars shown when nothing is chosen: the latest two assessments (latest first)."""
        return list(reversed(self.points[-2:]))

    def previous_of(self, point: Scored) -> Scored | None:
        i = self.points.index(point)
        return self.points[i - 1] if i > 0 else None

    def radar_for(self, point: Scored) -> dict:
        ids = [d.pk for d in self.domains]
        return radar(
            [d.name for d in self.domains],
            [[point.specialist.get(i) for i in ids], [point.graduate.get(i) for i in ids]],
        )

    def lines(self) -> list[dict]:
        """One small chart per domain: the specialist's line and the graduate's own."""
        labels = [p.label for p in self.points]
        return [
            {
                "domain": domain,
                "chart": domain_line(
                    labels,
                    [
                        [p.specialist.get(domain.pk) for p in self.points],
                        [p.graduate.get(domain.pk) for p in self.points],
                    ],
                ),
            }
            for domain in self.domains
        ]

    def changes(self) -> list[dict]:
        """Per assessment (latest first), per domain: the difficulties it opened and closed."""
        out = []
        for point in reversed(self.points):
            rows = [
                {"domain": d, "opened": point.opened.get(d.pk, []), "closed": point.closed.get(d.pk, [])}
                for d in self.domains
                if point.opened.get(d.pk) or point.closed.get(d.pk)
            ]
            out.append(
                {
                    "point": point,
                    "previous": self.previous_of(point),
                    "rows": rows,
                    "opened": sum(len(r["opened"]) for r in rows),
                    "closed": sum(len(r["closed"]) for r in rows),
                }
            )
        return out

    def table(self) -> list[dict]:
        """The figures of the charts as rows: per domain, per assessment, the two scores."""
        return [
            {
                "domain": d,
                "cells": [
                    {"specialist": p.specialist.get(d.pk), "graduate": p.graduate.get(d.pk)} for p in self.points
                ],
            }
            for d in self.domains
        ]


def quarter_label(assessment: Assessment) -> str:
    """«III кв. 2026» — short enough for an axis on a phone."""
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}[assessment.quarter]
    label = _("%(quarter)s кв. %(year)s") % {"quarter": roman, "year": assessment.year}
    if assessment.kind == Assessment.Kind.EXTRAORDINARY:
        label += f" ({assessment.assessed_on:%d.%m})"
    return label


def trajectory_of(graduate, user) -> Trajectory:
    """The graduate's trajectory as ``user`` may see it: five queries whatever the number of assessments.

    The assessments are the current ones (a corrected original is replaced by its correction),
    in the order they were made. The domains are the region's active ones, and any other that
    an assessment scored (a domain retired later stays on the charts of its time).
    """
    assessments = list(
        Assessment.objects.restrict(user)
        .current()
        .filter(graduate=graduate)
        .order_by("assessed_on", "id")
        .prefetch_related(
            Prefetch(
                "domains",
                queryset=AssessmentDomain.objects.only("assessment_id", "domain_id", "severity", "graduate_severity"),
            ),
            Prefetch(
                "difficulties",
                queryset=AssessmentDifficulty.objects.select_related("difficulty_type").order_by("id"),
            ),
        )
    )
    points = []
    scored_domains: set[int] = set()
    for assessment in assessments:
        point = Scored(assessment, quarter_label(assessment))
        for row in assessment.domains.all():
            point.specialist[row.domain_id] = row.severity
            point.graduate[row.domain_id] = row.graduate_severity
            scored_domains.add(row.domain_id)
        buckets = {
            AssessmentDifficulty.Status.NEW: point.opened,
            AssessmentDifficulty.Status.CLOSED: point.closed,
            AssessmentDifficulty.Status.PERSISTING: point.persisting,
        }
        for row in assessment.difficulties.all():
            buckets[row.status].setdefault(row.domain_id, []).append(row.label)
            scored_domains.add(row.domain_id)
        points.append(point)
    region_id = graduate.service.region_id
    domains = list(
        Domain.objects.filter(region_id=region_id)
        .filter(Q(is_active=True) | Q(pk__in=scored_domains))
        .order_by("order", "name", "id")
    )
    level_changes = list(
        LevelChange.objects.restrict(user)
        .filter(case__graduate=graduate)
        .select_related("level", "decided_by")
        .order_by("effective_from", "id")
    )
    return Trajectory(domains=domains, points=points, level_changes=level_changes)


def trajectory_data(trajectory: Trajectory) -> dict:
    """The trajectory as plain data (the API's answer): assessments, scores, difficulties, level history."""
    return {
        "domains": [{"id": d.pk, "name": d.name} for d in trajectory.domains],
        "assessments": [
            {
                "id": p.pk,
                "label": p.label,
                "assessed_on": p.assessment.assessed_on,
                "year": p.assessment.year,
                "quarter": p.assessment.quarter,
                "kind": p.assessment.kind,
                "service": p.assessment.service_id,
                "domains": [
                    {
                        "domain": d.pk,
                        "severity": p.specialist.get(d.pk),
                        "graduate_severity": p.graduate.get(d.pk),
                        "opened": p.opened.get(d.pk, []),
                        "persisting": p.persisting.get(d.pk, []),
                        "closed": p.closed.get(d.pk, []),
                    }
                    for d in trajectory.domains
                ],
            }
            for p in trajectory.points
        ],
        "level_history": [
            {
                "id": c.pk,
                "case": c.case_id,
                "level": c.level_id,
                "level_name": c.level.name,
                "effective_from": c.effective_from,
                "basis": c.basis,
                "basis_label": c.get_basis_display(),
                "reason": c.reason,
            }
            for c in trajectory.level_changes
        ],
    }
