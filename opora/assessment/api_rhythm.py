"""API of the rhythm (issue 8, point 9, its part): life events, reassessment tasks, the rhythm lists.

* ``/api/v1/life-events/`` — list (filter ``graduate``), retrieve, create (opora.assessment.events:
  the event sets the graduate's one open reassessment task when on support);
* ``/api/v1/assessment-tasks/`` — list (filters ``graduate``, ``status``), retrieve, and
  ``POST …/{id}/cancel/`` with ``If-Match`` (the task's ETag) and a reason;
* ``/api/v1/assessment-due/?kind=due|overdue|consilium|tasks|turning18`` — the rhythm's lists of
  support cases (opora.assessment.rhythm), for a quarter (``year`` and ``quarter``, the current one
  by default) and a specialist.

Scoped like every viewset (:class:`~opora.core.api.ScopedViewSet`); a graduate named in a request
is narrowed to those the user may change, so one out of reach answers like one that does not exist.
"""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from opora.assessment import events, rhythm
from opora.assessment.models import AssessmentTask, LifeEvent
from opora.core.api import ScopedViewSet
from opora.core.filters import FilterSet, IdFilter
from opora.core.validators import EARLIEST, FACT, date_validator, parse_id
from opora.core.versioning import ETAG, IF_MATCH, PRECONDITION_RESPONSES
from opora.registry.api import ScopedPrimaryKeyField
from opora.registry.models import Graduate
from opora.support.models import SupportCase

# --- Serializers -----------------------------------------------------------------------------------


class LifeEventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = LifeEvent
        fields = ["id", "graduate", "kind", "kind_display", "occurred_on", "note", "task", "created_at", "revision"]
        read_only_fields = fields


class LifeEventCreateSerializer(serializers.Serializer):
    graduate = ScopedPrimaryKeyField(
        narrow=lambda user: Graduate.objects.restrict(user, "change"),
        queryset=Graduate.objects.all(),
        label="Выпускник",
    )
    kind = serializers.ChoiceField(choices=LifeEvent.Kind.choices, label="Событие")
    occurred_on = serializers.DateField(validators=[date_validator(FACT)], label="Дата события")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, label="Подробности")


class AssessmentTaskSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = AssessmentTask
        fields = [
            "id",
            "graduate",
            "life_event",
            "due_on",
            "status",
            "status_display",
            "done_by",
            "cancel_reason",
            "created_at",
            "revision",
        ]
        read_only_fields = fields


class TaskCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=events.CANCEL_REASON_MAX, label="Причина отмены")


class DueCaseSerializer(serializers.ModelSerializer):
    """A support case on a rhythm list, with the facts the list is about."""

    graduate_name = serializers.CharField(source="graduate.full_name", read_only=True)
    assessed = serializers.BooleanField(read_only=True, help_text="Есть ежеквартальная оценка за квартал")
    last_assessed_on = serializers.DateField(read_only=True, allow_null=True)
    task_due_on = serializers.DateField(read_only=True, allow_null=True, help_text="Срок открытой задачи")
    is_overdue = serializers.BooleanField(read_only=True)
    is_consilium_due = serializers.BooleanField(read_only=True)
    provisional_level = serializers.SerializerMethodField()

    class Meta:
        model = SupportCase
        fields = [
            "id",
            "graduate",
            "graduate_name",
            "specialist",
            "activated_at",
            "assessed",
            "last_assessed_on",
            "task_due_on",
            "is_overdue",
            "is_consilium_due",
            "provisional_level",
        ]
        read_only_fields = fields

    def get_provisional_level(self, row) -> bool:
        return getattr(row, "level_basis", None) == rhythm.PROVISIONAL_BASIS


class DueQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=list(rhythm.KIND_LABELS.items()),
        required=False,
        default="due",
        label="Список",
        help_text="По умолчанию due",
    )
    year = serializers.IntegerField(required=False, min_value=EARLIEST.year, max_value=9999, label="Год")
    quarter = serializers.IntegerField(required=False, min_value=1, max_value=4, label="Квартал")
    specialist = serializers.CharField(required=False, max_length=20, label="Специалист", help_text="Id или «none»")

    def validate_specialist(self, value):
        if value != "none" and parse_id(value) is None:
            raise serializers.ValidationError("Нужен номер специалиста или «none».")
        return value

    def validate(self, data):
        # A DomainError is answered 400 with its field by the API's exception handler.
        data["period"] = rhythm.period_for(data.get("year"), data.get("quarter"), timezone.localdate())
        return data


# --- Filters ---------------------------------------------------------------------------------------


class LifeEventFilter(FilterSet):
    graduate = IdFilter(field_name="graduate_id", label="Выпускник")

    class Meta:
        model = LifeEvent
        fields = ["graduate"]


class AssessmentTaskFilter(FilterSet):
    graduate = IdFilter(field_name="graduate_id", label="Выпускник")
    status = django_filters.ChoiceFilter(choices=AssessmentTask.Status.choices, label="Статус")

    class Meta:
        model = AssessmentTask
        fields = ["graduate", "status"]


# --- Viewsets --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="События в жизни выпускников"),
    retrieve=extend_schema(summary="Событие в жизни выпускника", responses={200: LifeEventSerializer}),
    create=extend_schema(
        summary="Записать событие в жизни выпускника",
        description="Выпускнику на сопровождении назначается внеочередная оценка — через 14 дней после события; "
        "если задача уже открыта, событие учитывается в ней (у выпускника не больше одной открытой задачи).",
        request=LifeEventCreateSerializer,
        responses={201: LifeEventSerializer},
    ),
)
class LifeEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = LifeEvent.objects.select_related("graduate")
    serializer_class = LifeEventSerializer
    filterset_class = LifeEventFilter
    ordering_fields = ["occurred_on", "id"]
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        return LifeEventCreateSerializer if self.action == "create" else LifeEventSerializer

    def create(self, request):
        data = LifeEventCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        done = events.record_life_event(
            data.validated_data["graduate"],
            actor=request.user,
            request=request,
            **{k: v for k, v in data.validated_data.items() if k != "graduate"},
        )
        event = self.queryset.get(pk=done.event.pk)
        self.show(event)
        return Response(LifeEventSerializer(event).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Задачи внеочередной оценки"),
    retrieve=extend_schema(summary="Задача внеочередной оценки", parameters=[ETAG]),
)
class AssessmentTaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = AssessmentTask.objects.select_related("graduate")
    serializer_class = AssessmentTaskSerializer
    filterset_class = AssessmentTaskFilter
    ordering_fields = ["due_on", "created_at", "id"]
    # Cancelling changes the task's state: from the revision the client saw (If-Match), like a PATCH.
    precondition_methods = ("PUT", "PATCH", "POST")

    def get_serializer_class(self):
        return TaskCancelSerializer if self.action == "cancel" else AssessmentTaskSerializer

    @extend_schema(
        summary="Отменить задачу внеочередной оценки",
        description="С причиной. Нужен заголовок If-Match с ETag задачи.",
        request=TaskCancelSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: AssessmentTaskSerializer,
            400: OpenApiResponse(description="Задача уже закрыта или нет причины"),
            **PRECONDITION_RESPONSES,
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        task = self.get_object()
        data = TaskCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = events.cancel_task(
            task,
            actor=request.user,
            reason=data.validated_data["reason"],
            expected_revision=self.expected_revision,
            request=request,
        )
        self.show(task)
        return Response(AssessmentTaskSerializer(task).data)


@extend_schema_view(
    list=extend_schema(
        summary="Ритм оценки: кто ждёт оценки, у кого просрочена, кто ждёт консилиума",
        description=(
            "Сопровождения из списка kind за квартал (year и quarter — по умолчанию текущий): due — нет "
            "ежеквартальной оценки за квартал; overdue — пропущен прошлый квартал или просрочена внеочередная "
            "оценка; consilium — оценён без решения проведённого консилиума или уровень временный; tasks — есть "
            "открытая задача; turning18 — 18 лет исполняется в квартале."
        ),
        parameters=[DueQuerySerializer],
    )
)
class AssessmentDueViewSet(mixins.ListModelMixin, ScopedViewSet):
    queryset = SupportCase.objects.select_related("graduate", "specialist")
    serializer_class = DueCaseSerializer
    filter_backends: list = []

    def get_queryset(self):
        query = DueQuerySerializer(data=self.request.query_params)
        if not query.is_valid():
            raise exceptions.ValidationError(query.errors)
        data = query.validated_data
        cases = super().get_queryset()
        specialist = data.get("specialist")
        if specialist == "none":
            cases = cases.filter(specialist__isnull=True)
        elif specialist:
            cases = cases.filter(specialist_id=parse_id(specialist))
        return rhythm.rhythm_list(cases, data["period"], data["kind"]).order_by(
            "graduate__last_name", "graduate__first_name", "pk"
        )
