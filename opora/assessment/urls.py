"""URLs of the assessment app; each views module owns its own patterns (one line per area)."""

from opora.assessment.views import assessment, consilium, events, rhythm, summary, trajectory

app_name = "assessment"

urlpatterns = [
    *assessment.urlpatterns,
    *consilium.urlpatterns,
    *trajectory.urlpatterns,
    *summary.urlpatterns,
    *rhythm.urlpatterns,
    *events.urlpatterns,
]
