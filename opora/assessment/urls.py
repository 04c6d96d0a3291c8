"""URLs of the assessment app; each views module owns its own patterns (one line per area)."""

from opora.assessment.views import assessment

app_name = "assessment"

urlpatterns = [
    *assessment.urlpatterns,
]
