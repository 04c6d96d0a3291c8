"""The one access scope of «Опора».

Every query that returns personal data goes through :meth:`RestrictedQuerySet.restrict`
(the NetBox ``restrict(user, action)`` idea). A model opts in by using
``RestrictedQuerySet.as_manager()`` and naming, in ``scope_service_path``, the path
from the model to the ``org.Service`` that holds the record. Nobody writes
``if obj.service != user.service`` in a view: a record outside the scope is simply
not in the queryset, so it answers 404 exactly like a record that does not exist.

``scope_service_path`` may also be a tuple of paths: a record is then in scope when any
of them leads to a service the user reaches (a graduate being transferred is seen by
the sending and the receiving service alike).

The policy, one table for the whole system:

* a support specialist and a service coordinator see their own service;
* the regional resource centre sees every service of its region;
* an attracted specialist sees nothing yet (later: only what is referred to them);
* an administrator sees no personal data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.db import models

from opora.core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

Action = Literal["view", "change", "delete", "audit", "assign"]

# action -> role -> reach ("service": the user's own service, "region": the user's region).
POLICY: dict[str, dict[str, str]] = {
    "view": {Role.SPECIALIST: "service", Role.COORDINATOR: "service", Role.REGIONAL: "region"},
    "change": {Role.SPECIALIST: "service", Role.COORDINATOR: "service", Role.REGIONAL: "region"},
    # Deleting a record entered by mistake is for those who answer for the service's registry.
    "delete": {Role.COORDINATOR: "service", Role.REGIONAL: "region"},
    # The audit log (who read and changed what) is for those who supervise, not for specialists.
    "audit": {Role.COORDINATOR: "service", Role.REGIONAL: "region"},
    # Giving a graduate's case to another specialist is the coordinator's call (domain.md, «Who uses it»).
    "assign": {Role.COORDINATOR: "service", Role.REGIONAL: "region"},
}


def reach(user: AnonymousUser | models.Model | None, action: Action = "view") -> str | None:
    """How far ``user`` reaches for ``action``: "service", "region" or None (nothing)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if getattr(user, "service_id", None) is None:
        return None
    return POLICY[action].get(getattr(user, "role", None))


def scope_filter(user, action: Action, service_path: str | tuple[str, ...]) -> models.Q | None:
    """The filter that limits rows reached through ``service_path`` to ``user``'s scope.

    Returns None when the user may see nothing at all.
    """
    how = reach(user, action)
    if how is None:
        return None
    paths = (service_path,) if isinstance(service_path, str) else service_path
    condition = models.Q()
    for path in paths:
        if how == "service":
            condition |= models.Q(**{f"{path}_id": user.service_id})
        else:
            condition |= models.Q(**{f"{path}__region_id": user.service.region_id})
    return condition


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may see."""

    def restrict(self, user, action: Action = "view") -> RestrictedQuerySet:
        path = getattr(self.model, "scope_service_path", None)
        if path is None:
            raise TypeError(f"{self.model.__name__} has no scope_service_path")
        condition = scope_filter(user, action, path)
        if condition is None:
            return self.none()
        return self.filter(condition)


def can(user, action: Action = "view") -> bool:
    """Whether ``user`` may reach any personal data at all for ``action``."""
    return reach(user, action) is not None
