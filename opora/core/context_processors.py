"""What the page frame needs: the navigation the user's role allows."""

from opora.core.access import can


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_registry": can(user, "view"),
        "nav_audit": can(user, "audit"),
        "nav_admin": user.is_staff,
    }
