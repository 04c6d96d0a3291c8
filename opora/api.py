"""The /api/v1/ router: each app's viewsets, registered in one place."""

from rest_framework.routers import DefaultRouter

from opora.assessment.api_assess import AssessmentViewSet, DifficultyTypeViewSet, MonitoringViewSet
from opora.assessment.api_consilium import ConsiliumDecisionViewSet, ConsiliumViewSet
from opora.assessment.api_rhythm import AssessmentDueViewSet, AssessmentTaskViewSet, LifeEventViewSet
from opora.org.api import ServiceViewSet, TerritoryViewSet
from opora.registry.api import GraduateViewSet
from opora.support.api import (
    CaseViewSet,
    ContractViewSet,
    DomainViewSet,
    JournalViewSet,
    LevelChangeViewSet,
    MeasureViewSet,
    PlanViewSet,
    ServiceKindViewSet,
    SupportLevelViewSet,
    TransferViewSet,
)

router = DefaultRouter()
router.register("graduates", GraduateViewSet, basename="graduate")
router.register("services", ServiceViewSet, basename="service")
router.register("territories", TerritoryViewSet, basename="territory")
# The support cycle (opora/support/api.py).
router.register("cases", CaseViewSet, basename="case")
router.register("contracts", ContractViewSet, basename="contract")
router.register("level-changes", LevelChangeViewSet, basename="level-change")
router.register("levels", SupportLevelViewSet, basename="support-level")
router.register("domains", DomainViewSet, basename="domain")
router.register("service-kinds", ServiceKindViewSet, basename="service-kind")
router.register("plans", PlanViewSet, basename="plan")
router.register("measures", MeasureViewSet, basename="measure")
router.register("journal", JournalViewSet, basename="journal-entry")
router.register("transfers", TransferViewSet, basename="transfer")
# The assessment card (opora/assessment/api_assess.py).
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("monitorings", MonitoringViewSet, basename="monitoring")
router.register("difficulty-types", DifficultyTypeViewSet, basename="difficulty-type")
# The consilium (opora/assessment/api_consilium.py).
router.register("consilia", ConsiliumViewSet, basename="consilium")
router.register("consilium-decisions", ConsiliumDecisionViewSet, basename="consilium-decision")
# The assessment's rhythm (opora/assessment/api_rhythm.py): life events, reassessment tasks, the rhythm lists.
router.register("life-events", LifeEventViewSet, basename="life-event")
router.register("assessment-tasks", AssessmentTaskViewSet, basename="assessment-task")
router.register("assessment-due", AssessmentDueViewSet, basename="assessment-due")
