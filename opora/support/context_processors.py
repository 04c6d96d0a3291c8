"""The support app's part of the page frame: the «Мои выпускники» link (core knows nothing of support)."""

from opora.core.access import can


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Whoever reaches graduates has a caseload page: a specialist their own, a coordinator
    # the service's, the regional centre a chosen service's.
    return {"nav_caseload": can(user, "view")}
