"""URLs of the assessment app; each views module owns its own patterns (one line per area)."""

from opora.assessment.views import assessment, consilium

app_name = "assessment"

urlpatterns = [
    *assessment.urlpatterns,
    *consilium.urlpatterns,
]
