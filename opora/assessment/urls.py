"""URLs of the assessment app; each views module owns its own patterns."""

from opora.assessment.views import events, rhythm

app_name = "assessment"

urlpatterns = [
    *rhythm.urlpatterns,
    *events.urlpatterns,
]
