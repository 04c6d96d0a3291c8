"""URLs of the support cycle; each views module owns its own patterns."""

from opora.support.views import case, caseload, outgoing

app_name = "support"

urlpatterns = case.urlpatterns + caseload.urlpatterns + outgoing.urlpatterns
