"""The caseload pages: «Мои выпускники» and the coordinator's view of the service."""

urlpatterns: list = []
