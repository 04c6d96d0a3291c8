"""The /api/v1/ router: each app's viewsets, registered in one place."""

from rest_framework.routers import DefaultRouter

from opora.org.api import ServiceViewSet, TerritoryViewSet
from opora.registry.api import GraduateViewSet

router = DefaultRouter()
router.register("graduates", GraduateViewSet, basename="graduate")
router.register("services", ServiceViewSet, basename="service")
router.register("territories", TerritoryViewSet, basename="territory")
