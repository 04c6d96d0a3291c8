"""API of the directories: services and territories of the user's region."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets

from opora.org.models import Service, Territory


class IsAdministratorOrReadOnly(permissions.BasePermission):
    """Everyone on the staff reads the directories; only an administrator changes them."""

    message = "Изменять справочники может только администратор."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or request.user.is_administrator


class TerritorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = ["id", "region", "name", "oktmo"]


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = [
            "id",
            "region",
            "territory",
            "kind",
            "name",
            "short_name",
            "address",
            "phone",
            "email",
            "age_min",
            "age_max",
            "is_active",
        ]

    def validate(self, attrs):
        age_min = attrs.get("age_min", getattr(self.instance, "age_min", 15))
        age_max = attrs.get("age_max", getattr(self.instance, "age_max", 23))
        if age_min > age_max:
            raise serializers.ValidationError({"age_max": ["Верхняя граница возраста меньше нижней."]})
        territory = attrs.get("territory", getattr(self.instance, "territory", None))
        region = attrs.get("region", getattr(self.instance, "region", None))
        if territory is not None and region is not None and territory.region_id != region.pk:
            raise serializers.ValidationError({"territory": ["Территория из другого региона."]})
        return attrs


class DirectoryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAdministratorOrReadOnly]

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


@extend_schema_view(list=extend_schema(summary="Территории региона"))
class TerritoryViewSet(DirectoryViewSet):
    queryset = Territory.objects.order_by("name", "id")
    serializer_class = TerritorySerializer
    filterset_fields = ["region"]
    ordering_fields = ["name", "id"]


@extend_schema_view(list=extend_schema(summary="Службы сопровождения региона"))
class ServiceViewSet(DirectoryViewSet):
    queryset = Service.objects.order_by("name", "id")
    serializer_class = ServiceSerializer
    filterset_fields = ["region", "territory", "kind", "is_active"]
    ordering_fields = ["name", "id"]
