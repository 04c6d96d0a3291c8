"""URLs of the assessment pages; each views module owns its own patterns."""

from opora.assessment.views import summary, trajectory

app_name = "assessment"

urlpatterns = [
    *trajectory.urlpatterns,
    *summary.urlpatterns,
]
