"""The API of the trajectory and the summary card (issue 8, points 5, 6, 9): read-only, scoped.

* ``GET /api/v1/trajectories/{graduate_id}/`` — the chart data of a graduate: per current
  assessment per domain the two scores and the difficulties opened, persisting and closed; the
  level history with its basis. Scoped like the graduate card (another service's: 404).
* ``GET /api/v1/assessment-summary/?service=&year=&quarter=`` — the summary card: the counts per
  domain over every row and a page of rows (graduates × domains). The filter is the page's
  (:class:`opora.assessment.summary.SummaryFilter`): a malformed value is a 400, a service out
  of reach a 404.

Both audit what they send as an API read (ScopedViewSet).
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from opora.assessment.models import Assessment
from opora.assessment.summary import SummaryFilter, build_summary, rows_with_cells
from opora.assessment.trajectory import trajectory_data, trajectory_of
from opora.core.api import ScopedViewSet
from opora.core.views import mark_denied
from opora.registry.models import Graduate


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TrajectoryDomainSerializer(serializers.Serializer):
    domain = serializers.IntegerField()
    severity = serializers.IntegerField(allow_null=True, help_text="Оценка специалиста, 0–4")
    graduate_severity = serializers.IntegerField(allow_null=True, help_text="Оценка выпускника, 0–4")
    opened = serializers.ListField(child=serializers.CharField(), help_text="Трудности, выявленные впервые")
    persisting = serializers.ListField(child=serializers.CharField(), help_text="Трудности, которые сохраняются")
    closed = serializers.ListField(child=serializers.CharField(), help_text="Трудности, преодолённые с прошлой оценки")


class TrajectoryAssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    assessed_on = serializers.DateField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices)
    service = serializers.IntegerField(help_text="Служба, проводившая оценку")
    domains = TrajectoryDomainSerializer(many=True)


class TrajectoryLevelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField()
    level = serializers.IntegerField()
    level_name = serializers.CharField()
    effective_from = serializers.DateField()
    basis = serializers.CharField()
    basis_label = serializers.CharField()
    reason = serializers.CharField()


class TrajectorySerializer(serializers.Serializer):
    graduate = serializers.IntegerField()
    domains = NamedSerializer(many=True)
    assessments = TrajectoryAssessmentSerializer(many=True)
    level_history = TrajectoryLevelSerializer(many=True)


@extend_schema_view(
    retrieve=extend_schema(
        summary="Траектория выпускника: оценки по сферам, трудности, история уровня",
        responses={200: TrajectorySerializer, 404: OpenApiResponse(description="Выпускник не найден")},
    )
)
class TrajectoryViewSet(ScopedViewSet):
    """The chart data of the «Траектория» tab; ``{id}`` is the graduate's."""

    queryset = Graduate.objects.select_related("service")
    serializer_class = TrajectorySerializer
    filter_backends: list = []
    pagination_class = None

    def retrieve(self, request, pk=None):
        graduate = self.get_object()
        self.show(graduate)
        data = {"graduate": graduate.pk, **trajectory_data(trajectory_of(graduate, request.user))}
        return Response(TrajectorySerializer(data).data)


class DomainTotalsSerializer(serializers.Serializer):
    domain = serializers.IntegerField()
    name = serializers.CharField()
    with_difficulties = serializers.IntegerField(help_text="Выпускников с оценкой 1 и выше")
    found = serializers.IntegerField(help_text="Выявлено трудностей: новые и сохраняющиеся")
    new = serializers.IntegerField(help_text="Из них выявлено впервые")
    mean = serializers.FloatField(allow_null=True, help_text="Средняя оценка")


class SummaryCellSerializer(serializers.Serializer):
    domain = serializers.IntegerField()
    severity = serializers.IntegerField(allow_null=True)
    difficulties = serializers.ListField(child=serializers.CharField())


class SummaryRowSerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    graduate = serializers.IntegerField()
    full_name = serializers.CharField()
    assessed_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices)
    cells = SummaryCellSerializer(many=True)


class SummarySerializer(serializers.Serializer):
    service = NamedSerializer()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    total_rows = serializers.IntegerField(help_text="Всех выпускников, оценённых службой в квартале")
    hidden_rows = serializers.IntegerField(
        help_text="Из них переданных с тех пор в другую службу: учтены в итогах, строк нет"
    )
    domains = DomainTotalsSerializer(many=True)
    count = serializers.IntegerField(help_text="Строк, которые видит пользователь")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SummaryRowSerializer(many=True)


def _int_parameter(name: str, description: str, minimum: int, maximum: int) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": minimum, "maximum": maximum},
        OpenApiParameter.QUERY,
        description=description,
    )


@extend_schema_view(
    retrieve=extend_schema(
        summary="Сводная карта оценки жизненной ситуации службы за квартал",
        parameters=[
            _int_parameter("service", "Служба (по умолчанию — своя)", 1, 2**63 - 1),
            _int_parameter("year", "Год (по умолчанию — текущий)", 2000, 9999),
            _int_parameter("quarter", "Квартал 1–4 (по умолчанию — текущий)", 1, 4),
            _int_parameter("page", "Страница строк", 1, 2**63 - 1),
            _int_parameter("page_size", "Строк на странице", 1, 200),
        ],
        responses={
            200: SummarySerializer,
            400: OpenApiResponse(description="Неверный фильтр"),
            404: OpenApiResponse(description="Служба не найдена"),
        },
    )
)
class AssessmentSummaryViewSet(ScopedViewSet):
    """The summary card of a service and a quarter: counts over every row, a page of rows.

    One object (the counts and a page of rows), not a list: it has a path of its own,
    /api/v1/assessment-summary/ (opora/urls.py), answered by ``retrieve`` without an id, so the
    schema describes the object itself rather than a page of such objects.
    """

    queryset = Assessment.objects.all()
    serializer_class = SummaryRowSerializer
    filter_backends: list = []

    def retrieve(self, request):
        form = SummaryFilter(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError(form.messages())
        try:
            service = form.service_or_404()
        except Http404:
            mark_denied(request, Assessment, form.cleaned_data.get("service") or "")
            raise
        summary = build_summary(request.user, service, form.cleaned_data["year"], form.cleaned_data["quarter"])
        page = list(self.paginate_queryset(summary.visible))
        self.show(page)
        rows = [
            {
                "assessment": row["assessment"].pk,
                "graduate": row["graduate"].pk,
                "full_name": row["graduate"].full_name,
                "assessed_on": row["assessment"].assessed_on,
                "kind": row["assessment"].kind,
                "cells": [
                    {"domain": c["domain"].pk, "severity": c["severity"], "difficulties": c["difficulties"]}
                    for c in row["cells"]
                ],
            }
            for row in rows_with_cells(page, summary.domains)
        ]
        response = self.get_paginated_response(SummaryRowSerializer(rows, many=True).data)
        response.data = {
            "service": {"id": service.pk, "name": service.name},
            "year": summary.year,
            "quarter": summary.quarter,
            "total_rows": summary.total_rows,
            "hidden_rows": summary.total_rows - response.data["count"],
            "domains": [
                {
                    "domain": t.domain.pk,
                    "name": t.domain.name,
                    "with_difficulties": t.with_difficulties,
                    "found": t.found,
                    "new": t.new,
                    "mean": t.mean,
                }
                for t in summary.totals
            ],
            **response.data,
        }
        return response
