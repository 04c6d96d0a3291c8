from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from opora.api import router
from opora.assessment.api_trajectory import AssessmentSummaryViewSet, TrajectoryViewSet

urlpatterns = [
    path("", include("opora.core.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("graduates/", include("opora.registry.urls")),
    path("", include("opora.support.urls")),
    path("", include("opora.assessment.urls")),
    path("", include("opora.docs.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's init script as a file (?script): no inline script under the CSP.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="core/api_docs.html"),
        name="api-docs",
    ),
    path(
        "api/v1/assessment-summary/",
        AssessmentSummaryViewSet.as_view({"get": "retrieve"}),
        name="assessment-summary-list",
    ),
    path("api/v1/trajectories/<int:pk>/", TrajectoryViewSet.as_view({"get": "retrieve"}), name="trajectory-detail"),
    path("api/v1/", include(router.urls)),
]

# Errors a user can read: Russian, short, with what to do and the request id; JSON for the API.
handler400 = "opora.core.errors.bad_request"
handler403 = "opora.core.errors.permission_denied"
handler404 = "opora.core.errors.page_not_found"
handler500 = "opora.core.errors.server_error"
