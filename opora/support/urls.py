"""URLs of the support cycle: each views module lists its own patterns, this module gathers them all."""

from opora.support.views import case, caseload, journal, outgoing, plan, transfer

app_name = "support"

urlpatterns = [
    *case.urlpatterns,
    *transfer.urlpatterns,
    *plan.urlpatterns,
    *journal.urlpatterns,
    *caseload.urlpatterns,
    *outgoing.urlpatterns,
]
