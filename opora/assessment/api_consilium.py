"""The consilium's API (issue 8, point 9): /api/v1/consilia/ and /api/v1/consilium-decisions/.

Reading is «view» (the service's staff, the regional centre); preparing, changing and holding is
«assign» within the scope and the coordinator's role (the workflows refuse anyone else with 400,
like the pages with 403: the regional centre sees and holds nothing). PATCH and ``hold`` need
If-Match with the record's ETag.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from opora.assessment import consilium as consilia
from opora.assessment.models import Consilium, ConsiliumDecision, ConsiliumRecommendation
from opora.core.api import ScopedViewSet
from opora.core.filters import FilterSet, IdFilter, IntegerFilter
from opora.core.validators import PLANNED, TERM, date_validator
from opora.core.versioning import ETAG, IF_MATCH, PRECONDITION_RESPONSES
from opora.org.models import User
from opora.registry.api import ScopedPrimaryKeyField
from opora.support.models import SupportLevel


def _staff_of_my_service(user):
    return User.objects.filter(service_id=user.service_id, is_active=True)


def _levels_of_my_region(user):
    region_id = user.service.region_id if user.service_id else None
    return SupportLevel.objects.filter(region_id=region_id, is_active=True)


class RecommendationSerializer(serializers.ModelSerializer):
    deadline = serializers.DateField(validators=[date_validator(TERM)])

    class Meta:
        model = ConsiliumRecommendation
        fields = ["text", "responsible", "deadline"]


class DecisionSerializer(serializers.ModelSerializer):
    recommendations = RecommendationSerializer(many=True, read_only=True)
    level_change = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = ConsiliumDecision
        fields = [
            "id",
            "consilium",
            "graduate",
            "case",
            "assessment",
            "level_before",
            "suggested_level",
            "level",
            "override_reason",
            "level_change",
            "plan",
            "plan_decision",
            "route",
            "notes",
            "recommendations",
            "revision",
        ]
        read_only_fields = fields


class DecisionUpdateSerializer(serializers.Serializer):
    level = ScopedPrimaryKeyField(narrow=_levels_of_my_region, queryset=SupportLevel.objects.all(), required=False)
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    plan_decision = serializers.ChoiceField(choices=ConsiliumDecision.PlanDecision.choices, required=False)
    route = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    recommendations = RecommendationSerializer(many=True, required=False)


class ConsiliumSerializer(serializers.ModelSerializer):
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Consilium
        fields = [
            "id",
            "service",
            "kind",
            "number",
            "held_on",
            "year",
            "quarter",
            "status",
            "chair",
            "participants",
            "attracted_participants",
            "agenda",
            "decisions",
            "revision",
        ]
        read_only_fields = fields


class ConsiliumWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Consilium.Kind.choices, required=False)
    held_on = serializers.DateField(validators=[date_validator(PLANNED)], required=False)
    number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    chair = ScopedPrimaryKeyField(narrow=_staff_of_my_service, queryset=User.objects.all(), required=False)
    participants = ScopedPrimaryKeyField(
        narrow=_staff_of_my_service, queryset=User.objects.all(), many=True, required=False
    )
    attracted_participants = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    agenda = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ConsiliumCreateSerializer(ConsiliumWriteSerializer):
    kind = serializers.ChoiceField(choices=Consilium.Kind.choices)
    held_on = serializers.DateField(validators=[date_validator(PLANNED)])


class ConsiliumFilter(FilterSet):
    service = IdFilter(field_name="service_id", label="Служба")
    kind = django_filters.ChoiceFilter(choices=Consilium.Kind.choices, label="Вид")
    status = django_filters.ChoiceFilter(choices=Consilium.Status.choices, label="Статус")
    year = IntegerFilter(field_name="year", label="Год", min_value=2000, max_value=2100)

    class Meta:
        model = Consilium
        fields = ["service", "kind", "status", "year"]


class DecisionFilter(FilterSet):
    consilium = IdFilter(field_name="consilium_id", label="Консилиум")
    graduate = IdFilter(field_name="graduate_id", label="Выпускник")

    class Meta:
        model = ConsiliumDecision
        fields = ["consilium", "graduate"]


class _Mixin:
    input_serializers: dict = {}

    def get_serializer_class(self):
        return self.input_serializers.get(self.action, self.serializer_class)

    def validated(self) -> dict:
        serializer = self.get_serializer_class()(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def output(self, obj, status_code=status.HTTP_200_OK) -> Response:
        self.show(obj)
        return Response(self.serializer_class(obj, context=self.get_serializer_context()).data, status=status_code)

    def require_holder(self, service_id) -> None:
        if not consilia.may_hold(self.request.user, service_id):
            raise PermissionDenied("Консилиум готовит и проводит координатор службы.")


def _decisions():
    return ConsiliumDecision.objects.prefetch_related(
        Prefetch("recommendations", queryset=ConsiliumRecommendation.objects.order_by("deadline", "id"))
    )


@extend_schema_view(
    list=extend_schema(summary="Консилиумы (в пределах области видимости)"),
    retrieve=extend_schema(summary="Консилиум с решениями"),
    create=extend_schema(
        summary="Подготовить консилиум (координатор службы)",
        request=ConsiliumCreateSerializer,
        responses={201: ConsiliumSerializer},
    ),
    partial_update=extend_schema(
        summary="Изменить готовящийся консилиум",
        request=ConsiliumWriteSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: ConsiliumSerializer, **PRECONDITION_RESPONSES},
    ),
)
class ConsiliumViewSet(
    _Mixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Consilia of the service. Filters: service, kind, status, year."""

    queryset = Consilium.objects.prefetch_related("participants", Prefetch("decisions", queryset=_decisions()))
    serializer_class = ConsiliumSerializer
    filterset_class = ConsiliumFilter
    ordering_fields = ["held_on", "id"]
    method_scope_actions = {"POST": "assign", "PATCH": "assign"}
    http_method_names = ["get", "post", "patch", "head", "options"]
    input_serializers = {"create": ConsiliumCreateSerializer, "partial_update": ConsiliumWriteSerializer}

    def fresh(self, consilium, status_code=status.HTTP_200_OK) -> Response:
        return self.output(type(self).queryset.get(pk=consilium.pk), status_code)

    def create(self, request):
        self.require_holder(request.user.service_id)
        data = self.validated()
        consilium = consilia.prepare_consilium(request.user.service, actor=request.user, request=request, **data)
        return self.fresh(consilium, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        consilium = self.get_object()
        self.require_holder(consilium.service_id)
        data = self.validated()
        consilium = consilia.update_consilium(
            consilium, actor=request.user, expected_revision=self.expected_revision, request=request, **data
        )
        return self.fresh(consilium)

    @extend_schema(
        summary="Провести консилиум",
        description="Нужен заголовок If-Match с ETag консилиума. Решения вступают в силу с даты консилиума.",
        request=None,
        parameters=[IF_MATCH, ETAG],
        responses={200: ConsiliumSerializer, **PRECONDITION_RESPONSES},
    )
    @action(detail=True, methods=["post"], scope_action="assign")
    def hold(self, request, pk=None):
        consilium = self.get_object()
        self.require_holder(consilium.service_id)
        expected = self.check_if_match(consilium)
        consilium = consilia.hold_consilium(consilium, actor=request.user, expected_revision=expected, request=request)
        return self.fresh(consilium)


@extend_schema_view(
    list=extend_schema(summary="Решения консилиумов. Фильтры: consilium, graduate"),
    retrieve=extend_schema(summary="Решение консилиума по выпускнику"),
    partial_update=extend_schema(
        summary="Заполнить решение готовящегося консилиума",
        description="Уровень не по правилу требует override_reason; recommendations заменяют прежние.",
        request=DecisionUpdateSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: DecisionSerializer, **PRECONDITION_RESPONSES},
    ),
)
class ConsiliumDecisionViewSet(_Mixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = _decisions().select_related("consilium")
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    ordering_fields = ["id"]
    method_scope_actions = {"PATCH": "assign"}
    http_method_names = ["get", "patch", "head", "options"]
    input_serializers = {"partial_update": DecisionUpdateSerializer}

    def revision_filed_under(self, obj):
        return obj.graduate

    def partial_update(self, request, pk=None):
        decision = self.get_object()
        self.require_holder(decision.consilium.service_id)
        data = self.validated()
        decision = consilia.update_decision(
            decision, actor=request.user, expected_revision=self.expected_revision, request=request, **data
        )
        return self.output(type(self).queryset.get(pk=decision.pk))
