"""URLs of the assessment app; each views module owns its own patterns."""

from opora.assessment.views import consilium

app_name = "assessment"

urlpatterns = [
    *consilium.urlpatterns,
]
