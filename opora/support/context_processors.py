"""The support app's part of the page frame: «Мои выпускники», «Входящие передачи» with the count
of those waiting, «Исходящие передачи» (core knows nothing of support)."""

from opora.core.access import can
from opora.support.transfer_lists import incoming_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Whoever reaches graduates has a caseload page: a specialist their own, a coordinator
    # the service's, the regional centre a chosen service's.
    return {
        "nav_caseload": can(user, "view"),
        "nav_transfers": can(user, "view"),
        # A callable: the template counts only when a page shows it (one indexed count, scoped,
        # once per request); an htmx partial never does.
        "nav_incoming_count": lambda: incoming_count(request),
    }
