"""API of the assessment card: /api/v1/assessments/ (with domains and difficulties nested; create;
``correct`` with If-Match), /api/v1/monitorings/ and /api/v1/difficulty-types/ (the region's catalogue).

The same scope and workflows as the pages: rows come from
:class:`~opora.core.api.ScopedViewSet`, writes are validated for shape by a serializer (with the
validators the forms use) and then go to :mod:`opora.assessment.services`, whose
:class:`~opora.core.errors.DomainError` is a 400 with the Russian message. A reference to a case
out of reach answers exactly like one that does not exist.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from opora.assessment import services
from opora.assessment.models import (
    Assessment,
    AssessmentDifficulty,
    AssessmentDomain,
    DifficultyType,
    Monitoring,
    Severity,
)
from opora.core.api import ScopedViewSet
from opora.core.errors import DomainError
from opora.core.filters import FilterSet, IdFilter, IntegerFilter
from opora.core.validators import FACT, date_validator
from opora.core.versioning import ETAG, IF_MATCH, PRECONDITION_RESPONSES
from opora.registry.api import ScopedPrimaryKeyField
from opora.support.api import SupportMixin, of_users_region
from opora.support.models import Domain, SupportCase

# --- Read serializers -----------------------------------------------------------------------------


class AssessmentDifficultySerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, label="Трудность")

    class Meta:
        model = AssessmentDifficulty
        fields = ["id", "domain", "difficulty_type", "text", "label", "status"]
        read_only_fields = fields


class AssessmentDomainSerializer(serializers.ModelSerializer):
    domain_name = serializers.CharField(source="domain.name", read_only=True, label="Сфера")

    class Meta:
        model = AssessmentDomain
        fields = ["domain", "domain_name", "severity", "reason", "graduate_severity", "graduate_comment", "notes"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    domains = AssessmentDomainSerializer(many=True, read_only=True)
    difficulties = AssessmentDifficultySerializer(many=True, read_only=True)
    is_current = serializers.BooleanField(read_only=True, label="Действующая (не исправлена)")
    suggested_level_name = serializers.CharField(
        source="suggested_level.name", read_only=True, default=None, label="Уровень по правилу"
    )
    author_name = serializers.SerializerMethodField(label="Кто оценил")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "graduate",
            "case",
            "service",
            "kind",
            "assessed_on",
            "year",
            "quarter",
            "conclusion",
            "suggested_level",
            "suggested_level_name",
            "task",
            "corrects",
            "replaced_by",
            "correction_reason",
            "is_current",
            "author",
            "author_name",
            "created_at",
            "revision",
            "domains",
            "difficulties",
        ]
        read_only_fields = fields

    def get_author_name(self, obj) -> str | None:
        return str(obj.author) if obj.author_id else None


class MonitoringSerializer(serializers.ModelSerializer):
    criteria_met = serializers.ListField(child=serializers.CharField(), read_only=True, label="Выполненные критерии")

    class Meta:
        model = Monitoring
        fields = [
            "id",
            "graduate",
            "case",
            "service",
            "assessment",
            "monitored_on",
            "year",
            "half",
            *Monitoring.INDICATORS,
            *Monitoring.CRITERIA,
            "criteria_met",
            "outcome",
            "comment",
            "author",
            "created_at",
            "revision",
        ]
        read_only_fields = fields


class DifficultyTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DifficultyType
        fields = ["id", "domain", "name", "order", "is_active"]
        read_only_fields = fields


# --- Write serializers ----------------------------------------------------------------------------


def usable_domains(user):
    return of_users_region(Domain.objects.all(), user)


class DomainAnswerSerializer(serializers.Serializer):
    domain = ScopedPrimaryKeyField(narrow=usable_domains, queryset=Domain.objects.all(), label="Сфера")
    severity = serializers.ChoiceField(choices=Severity.choices, label="Оценка специалиста (0–4)")
    reason = serializers.CharField(max_length=4000, allow_blank=True, label="Обоснование оценки")
    graduate_severity = serializers.ChoiceField(
        choices=Severity.choices, required=False, allow_null=True, label="Оценка выпускника (0–4), пусто — не оценивал"
    )
    graduate_comment = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, label="Слова выпускника"
    )
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, label="Комментарий")
    difficulty_types = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=100,
        label="Трудности из каталога (id)",
    )
    texts = serializers.ListField(
        child=serializers.CharField(max_length=300, allow_blank=True),
        required=False,
        max_length=50,
        label="Другие трудности своими словами",
    )


class MonitoringFieldsSerializer(serializers.Serializer):
    social_position = serializers.CharField(max_length=4000, allow_blank=True, label="Социальный статус")
    means_of_living = serializers.CharField(max_length=4000, allow_blank=True, label="Средства к существованию")
    family_status = serializers.CharField(max_length=4000, allow_blank=True, label="Семейное положение")
    law_abidance = serializers.CharField(max_length=4000, allow_blank=True, label="Законопослушность")
    housing_conditions = serializers.CharField(max_length=4000, allow_blank=True, label="Жилищные условия")
    blood_relatives = serializers.CharField(max_length=4000, allow_blank=True, label="Кровные родственники")
    contacts_circle = serializers.CharField(max_length=4000, allow_blank=True, label="Круг общения")
    criterion_education = serializers.BooleanField(required=False, default=False)
    criterion_employment = serializers.BooleanField(required=False, default=False)
    criterion_housing = serializers.BooleanField(required=False, default=False)
    criterion_health = serializers.BooleanField(required=False, default=False)
    criterion_environment = serializers.BooleanField(required=False, default=False)
    criterion_self_regulation = serializers.BooleanField(required=False, default=False)
    criterion_emotional = serializers.BooleanField(required=False, default=False)
    outcome = serializers.ChoiceField(choices=Monitoring.Outcome.choices, label="Итог")
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, label="Комментарий")


class AssessmentAnswersSerializer(serializers.Serializer):
    assessed_on = serializers.DateField(validators=[date_validator(FACT)], label="Дата оценки")
    conclusion = serializers.CharField(max_length=4000, allow_blank=True, label="Заключение")
    domains = DomainAnswerSerializer(many=True, label="Сферы (каждая действующая сфера региона)")


class AssessmentCreateSerializer(AssessmentAnswersSerializer):
    case = ScopedPrimaryKeyField(
        narrow=lambda user: SupportCase.objects.restrict(user, "change"),
        queryset=SupportCase.objects.all(),
        label="Сопровождение",
    )
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices, default=Assessment.Kind.QUARTERLY, label="Вид")
    monitoring = MonitoringFieldsSerializer(required=False, allow_null=True, label="Мониторинг вместе с оценкой")


class AssessmentCorrectSerializer(AssessmentAnswersSerializer):
    reason = serializers.CharField(
        max_length=Assessment._meta.get_field("correction_reason").max_length,
        allow_blank=True,
        label="Причина исправления",
    )
    assessed_on = serializers.DateField(validators=[date_validator(FACT)], required=False, label="Дата оценки")


class MonitoringCreateSerializer(MonitoringFieldsSerializer):
    case = ScopedPrimaryKeyField(
        narrow=lambda user: SupportCase.objects.restrict(user, "change"),
        queryset=SupportCase.objects.all(),
        label="Сопровождение",
    )
    monitored_on = serializers.DateField(validators=[date_validator(FACT)], label="Дата мониторинга")


def _domains(data: list[dict]) -> list[dict]:
    return [{**entry, "domain": entry["domain"].pk} for entry in data]


def _call(service, *args, **kwargs):
    """A refusal naming a form field of one domain («d5_reason») is the request's «domains» field."""
    try:
        return service(*args, **kwargs)
    except DomainError as err:
        if err.field and err.field.startswith("d") and "_" in err.field and err.field[1:].split("_")[0].isdigit():
            err.field = "domains"
        raise


# --- Filters and viewsets -------------------------------------------------------------------------


class AssessmentFilter(FilterSet):
    graduate = IdFilter(field_name="graduate_id", label="Выпускник")
    case = IdFilter(field_name="case_id", label="Сопровождение")
    service = IdFilter(field_name="service_id", label="Служба, проводившая оценку")
    year = IntegerFilter(field_name="year", min_value=2000, max_value=2100, label="Год")
    quarter = django_filters.ChoiceFilter(choices=[(q, str(q)) for q in range(1, 5)], label="Квартал")
    current = django_filters.BooleanFilter(method="filter_current", label="Только действующие (не исправленные)")

    class Meta:
        model = Assessment
        fields = ["kind"]

    def filter_current(self, queryset, name, value):
        return queryset.filter(replaced_by__isnull=value)


class MonitoringFilter(FilterSet):
    graduate = IdFilter(field_name="graduate_id", label="Выпускник")
    case = IdFilter(field_name="case_id", label="Сопровождение")
    service = IdFilter(field_name="service_id", label="Служба")

    class Meta:
        model = Monitoring
        fields = ["year", "half", "outcome"]


def assessments_with_details():
    return Assessment.objects.select_related("suggested_level", "author").prefetch_related(
        Prefetch("domains", queryset=AssessmentDomain.objects.select_related("domain")),
        Prefetch("difficulties", queryset=AssessmentDifficulty.objects.select_related("difficulty_type")),
    )


@extend_schema_view(
    list=extend_schema(summary="Оценки жизненной ситуации (в пределах области видимости пользователя)"),
    retrieve=extend_schema(summary="Оценка жизненной ситуации со сферами и трудностями", parameters=[ETAG]),
    create=extend_schema(
        summary="Провести оценку жизненной ситуации",
        description=(
            "Для выпускника на сопровождении: каждая действующая сфера региона с оценкой и обоснованием; "
            "одна ежеквартальная оценка за квартал. Статусы трудностей (новая / сохраняется / преодолена) "
            "считаются по предыдущей действующей оценке выпускника."
        ),
        request=AssessmentCreateSerializer,
        responses={201: AssessmentSerializer},
    ),
)
class AssessmentViewSet(SupportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Assessments with their domains and difficulties. Filters: graduate, case, service, year, quarter, current."""

    queryset = assessments_with_details()
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    ordering_fields = ["assessed_on", "id"]
    input_serializers = {"create": AssessmentCreateSerializer, "correct": AssessmentCorrectSerializer}

    def fresh(self, assessment: Assessment, status_code=status.HTTP_200_OK) -> Response:
        return self.output(assessments_with_details().get(pk=assessment.pk), status_code=status_code)

    def create(self, request):
        data = self.validated()
        monitoring = data.get("monitoring")
        assessment = _call(
            services.create_assessment,
            data["case"],
            actor=request.user,
            assessed_on=data["assessed_on"],
            conclusion=data["conclusion"],
            domains=_domains(data["domains"]),
            kind=data["kind"],
            monitoring=dict(monitoring) if monitoring else None,
            request=request,
        )
        return self.fresh(assessment, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Исправить оценку",
        description=(
            "Новая редакция заменяет оценку, исходная остаётся для чтения (replaced_by). Нужен заголовок "
            "If-Match с ETag оценки. Статусы трудностей следующих оценок пересчитываются."
        ),
        request=AssessmentCorrectSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={201: AssessmentSerializer, **PRECONDITION_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        original = self.get_object()
        expected = self.check_if_match(original)
        data = self.validated()
        correction = _call(
            services.correct_assessment,
            original,
            actor=request.user,
            reason=data["reason"],
            expected_revision=expected,
            assessed_on=data.get("assessed_on"),
            conclusion=data["conclusion"],
            domains=_domains(data["domains"]),
            request=request,
        )
        return self.fresh(correction, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Мониторинг адаптации (раз в полугодие)"),
    retrieve=extend_schema(summary="Мониторинг адаптации", parameters=[ETAG]),
    create=extend_schema(
        summary="Провести мониторинг адаптации",
        description="Семь показателей словами, выполненные критерии социальной адаптации и итог; один за полугодие.",
        request=MonitoringCreateSerializer,
        responses={201: MonitoringSerializer},
    ),
)
class MonitoringViewSet(SupportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Half-yearly monitorings. Filters: graduate, case, service, year, half, outcome."""

    queryset = Monitoring.objects.all()
    serializer_class = MonitoringSerializer
    filterset_class = MonitoringFilter
    ordering_fields = ["monitored_on", "id"]
    input_serializers = {"create": MonitoringCreateSerializer}

    def create(self, request):
        data = self.validated()
        case = data.pop("case")
        monitoring = services.record_monitoring(case, actor=request.user, request=request, **data)
        return self.output(Monitoring.objects.get(pk=monitoring.pk), status_code=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="Каталог типичных трудностей региона"))
class DifficultyTypeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The region's catalogue of typical difficulties (edited in the admin), the list only. Filters: domain, is_active."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = DifficultyType.objects.order_by("domain__order", "order", "name", "id")
    serializer_class = DifficultyTypeSerializer
    filterset_fields = ["domain", "is_active"]
    ordering_fields = ["order", "name", "id"]

    def get_queryset(self):
        return of_users_region(super().get_queryset(), self.request.user)
