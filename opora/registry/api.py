"""API of the registry: /api/v1/graduates/ with the same scope, filters and rules as the pages."""

from __future__ import annotations

from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse

from opora.core.api import ScopedViewSet
from opora.core.filters import FilterBackend
from opora.core.validators import parse_id
from opora.core.versioning import ETAG, IF_MATCH, PRECONDITION_RESPONSES
from opora.org.models import Service, Territory
from opora.registry import services
from opora.registry.forms import GraduateFilter
from opora.registry.models import Graduate, VulnerableCategory
from opora.registry.validators import normalize_phone, normalize_snils


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A reference whose choices are narrowed to what the requesting user may use."""

    def __init__(self, *, narrow, **kwargs):
        self.narrow = narrow
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.narrow(self.context["request"].user)

    def to_internal_value(self, data):
        # An identifier or nothing: «1.5» is not record 1, «true» is not record 1, and a number past
        # the database's range finds nothing rather than overflowing it.
        if parse_id(data) is None:
            if isinstance(data, int | str) and not isinstance(data, bool) and str(data).strip().lstrip("-").isdigit():
                self.fail("does_not_exist", pk_value=data)
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(parse_id(data))


class GraduateSerializer(serializers.ModelSerializer):
    service = ScopedPrimaryKeyField(narrow=Service.objects.assignable_by, queryset=Service.objects.all())
    territory = ScopedPrimaryKeyField(narrow=Territory.objects.visible_to, queryset=Territory.objects.all())
    vulnerable_categories = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=VulnerableCategory.objects.all()
    )
    full_name = serializers.CharField(read_only=True)
    age = serializers.IntegerField(read_only=True)
    service_name = serializers.CharField(source="service.display_name", read_only=True)
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    url = serializers.SerializerMethodField()
    confirm_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=(
            "Сохранить, хотя в регионе есть выпускник с той же датой рождения и такими же или похожими ФИО "
            "(опечатка в одну-две буквы, другой порядок слов). Без него такой запрос получает 400 "
            "с полями non_field_errors (предупреждения) и duplicates (кандидаты)."
        ),
    )

    confirm_details = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Сведения после переезда (адрес, территория, жильё, место учёбы) проверены: снять отметку "
        "details_to_confirm; можно вместе с исправленными полями",
    )

    class Meta:
        model = Graduate
        exclude = ["search_name", "snils_digits", "photo_portrait", "photo_full"]
        read_only_fields = ["created_at", "updated_at", "revision", "details_to_confirm"]

    def get_url(self, obj) -> str:
        return reverse("graduate-detail", kwargs={"pk": obj.pk}, request=self.context.get("request"))

    def validate_snils(self, value: str) -> str:
        return normalize_snils(value) if value else ""

    def validate_phone(self, value: str) -> str:
        return normalize_phone(value) if value else ""

    def validate(self, attrs):
        left_at = attrs.get("left_at", getattr(self.instance, "left_at", None))
        birth = attrs.get("birth_date", getattr(self.instance, "birth_date", None))
        if left_at and birth and left_at < birth:
            raise ValidationError({"left_at": ["Дата выпуска не может быть раньше даты рождения."]})
        return attrs

    def create(self, validated_data):
        categories = validated_data.pop("vulnerable_categories", [])
        confirm = validated_data.pop("confirm_duplicate", False)
        validated_data.pop("confirm_details", None)
        request = self.context["request"]
        return services.create_graduate(
            actor=request.user,
            data=validated_data,
            vulnerable_categories=categories,
            confirm_duplicate=confirm,
            request=request,
        )

    def update(self, instance, validated_data):
        categories = validated_data.pop("vulnerable_categories", None)
        confirm = validated_data.pop("confirm_duplicate", False)
        confirm_details = validated_data.pop("confirm_details", False)
        request = self.context["request"]
        return services.update_graduate(
            instance,
            actor=request.user,
            data=validated_data,
            vulnerable_categories=categories,
            expected_revision=self.context.get("expected_revision"),
            confirm_details=confirm_details,
            confirm_duplicate=confirm,
            request=request,
        )


class GraduateFilterBackend(FilterBackend):
    """The registry list's filters (the page's GraduateFilter), for the list only; the schema lists them."""

    def get_filterset_class(self, view, queryset=None):
        return GraduateFilter

    def get_filterset_kwargs(self, request, queryset, view):
        # The browsable API's filter form builds the filterset through here too.
        return {
            **super().get_filterset_kwargs(request, queryset, view),
            "user": request.user,
            "vendor": connection.vendor,
        }

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "list":
            return queryset
        filterset = GraduateFilter(
            request.query_params or None, queryset=queryset, user=request.user, vendor=connection.vendor
        )
        if filterset.is_bound and not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs if filterset.is_bound else queryset.order_by("last_name", "first_name", "patronymic", "id")


def duplicate_response(warning: services.DuplicateWarning) -> Response:
    """A possible duplicate is a 400 naming the candidates as the page does (never another service's person)."""
    return Response(
        {
            "non_field_errors": [d.message for d in warning.duplicates],
            "duplicates": [d.as_api() for d in warning.duplicates],
        },
        status=400,
    )


DUPLICATE_RESPONSE = OpenApiResponse(
    description=(
        "Ошибка в данных или возможный дубль: non_field_errors — предупреждения, duplicates — кандидаты "
        "(reason: snils / name_birth / similar; graduate и full_name — только для записей, которые пользователь "
        "и так видит; service — служба-держатель, кроме похожих ФИО в другой службе). Повторите запрос с "
        "confirm_duplicate=true, если это другой человек (тот же СНИЛС внести нельзя)."
    )
)


@extend_schema_view(
    list=extend_schema(summary="Список выпускников (в пределах области видимости пользователя)"),
    retrieve=extend_schema(summary="Выпускник", parameters=[ETAG]),
    create=extend_schema(
        summary="Внести выпускника в банк данных",
        parameters=[ETAG],
        responses={201: GraduateSerializer, 400: DUPLICATE_RESPONSE},
    ),
    update=extend_schema(
        summary="Изменить запись выпускника",
        description="Нужен заголовок If-Match с ETag записи; пишутся только изменившиеся поля.",
        parameters=[IF_MATCH, ETAG],
        responses={200: GraduateSerializer, 400: DUPLICATE_RESPONSE, **PRECONDITION_RESPONSES},
    ),
    partial_update=extend_schema(
        summary="Изменить отдельные поля записи выпускника",
        description="Нужен заголовок If-Match с ETag записи; пишутся только изменившиеся поля.",
        parameters=[IF_MATCH, ETAG],
        responses={200: GraduateSerializer, 400: DUPLICATE_RESPONSE, **PRECONDITION_RESPONSES},
    ),
)
class GraduateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedViewSet
):
    """Graduates of the registry. Filters: q, service, territory, status_category, vulnerable, age_from, age_to, sort."""

    queryset = Graduate.objects.select_related("service", "territory").prefetch_related("vulnerable_categories")
    serializer_class = GraduateSerializer
    filter_backends = [GraduateFilterBackend]

    def create(self, request, *args, **kwargs):
        try:
            return super().create(request, *args, **kwargs)
        except services.DuplicateWarning as warning:
            return duplicate_response(warning)

    def update(self, request, *args, **kwargs):
        try:
            return super().update(request, *args, **kwargs)
        except services.DuplicateWarning as warning:
            return duplicate_response(warning)
