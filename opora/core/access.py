"""The one access scope of «Опора», decided per action.

Every query that returns personal data goes through :meth:`RestrictedQuerySet.restrict`
(NetBox's ``restrict(user, action)``). A model opts in by using
``RestrictedQuerySet.as_manager()`` and declaring its :class:`Scope` as ``access_scope``: per action, which
paths lead from the record to the services that may do it. Nobody writes
``if obj.service != user.service`` in a view: a record outside the scope is simply not in
the queryset, so it answers 404 exactly like a record that does not exist.

A scope has

* a **holder** — the service that holds the record: it may view, change, delete, assign
  and audit it (within what the user's role may do at all, see ``POLICY``);
* **viewers** — services that may only view it (the receiving service while a transfer is
  pending sees the graduate, and nothing more, until it has accepted);
* **extra** actions with paths of their own (``receive``: the receiving side of a transfer
  accepts or declines it; the holder may not);
* **grants** — paths to a *user* rather than a service, for access given to one person
  while a condition holds (later: an attracted specialist sees one graduate while a
  referral to them is open; a mentor sees own mentees). Grants are more paths in the same
  scope, never special cases in views.

Which role may do an action at all, and how far it reaches, is one table, ``POLICY``:

* a support specialist and a service coordinator reach their own service;
* the regional resource centre reaches every service of its region;
* an attracted specialist reaches nothing yet (later: only what is granted to them);
* an administrator reaches no personal data.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.apps import apps
from django.db import models

from opora.core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

Action = Literal["view", "change", "delete", "audit", "assign", "receive"]
ACTIONS: tuple[str, ...] = ("view", "change", "delete", "audit", "assign", "receive")

# What the holder of a record may do with it. «receive» is the other side's: a service cannot
# accept a transfer to itself of a graduate it already holds.
HOLDER_ACTIONS = frozenset({"view", "change", "delete", "audit", "assign"})

# action -> role -> reach: "service" (the user's own service), "region" (the user's region),
# "grant" (only what a grant of a scope gives this very user).
POLICY: dict[str, dict[str, str]] = {
    "view": {Role.SPECIALIST: "service", Role.COORDINATOR: "service", Role.REGIONAL: "region"},
    "change": {Role.SPECIALIST: "service", Role.COORDINATOR: "service", Role.REGIONAL: "region"},
    # Deleting a record entered by mistake is for those who answer for the service's registry.
    "delete": {Role.COORDINATOR: "service", Role.REGIONAL: "region"},
    # The audit log (who read and changed what) is for those who supervise, not for specialists.
    "audit": {Role.COORDINATOR: "service", Role.REGIONAL: "region"},
    # Giving a graduate's case to another specialist is the coordinator's call (domain.md, «Who uses it»).
    "assign": {Role.COORDINATOR: "service", Role.REGIONAL: "region"},
    # Accepting or declining a graduate handed over on a move: the receiving service's staff.
    "receive": {Role.SPECIALIST: "service", Role.COORDINATOR: "service", Role.REGIONAL: "region"},
}


@dataclass(frozen=True)
class Grant:
    """Access given to particular users, not to a service: ``condition(user)`` selects the rows.

    ``condition`` returns a filter on the model the grant is declared for; it may cross
    multi-valued relations (it is applied as a subquery, so rows never repeat).
    """

    actions: frozenset[str]
    roles: frozenset[str]
    condition: Callable[[object], models.Q]
    model: str = ""  # "app_label.Model" the condition is written for, when the scope is reached through a path
    prefix: str = ""  # the path from the scoped model to ``model``

    def q(self, model: type[models.Model], user) -> models.Q:
        if not self.prefix:
            return models.Q(pk__in=model._default_manager.filter(self.condition(user)).values("pk"))
        base = apps.get_model(self.model)
        return models.Q(**{f"{self.prefix}__in": base._default_manager.filter(self.condition(user)).values("pk")})


@dataclass(frozen=True)
class Scope:
    """Per action, the paths from a record to the services (or users) that may do it."""

    holder: tuple[str, ...]
    viewers: tuple[str, ...] = ()
    extra: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    grants: tuple[Grant, ...] = ()
    model: str = ""  # "app_label.Model" of the record the paths start from (for grants reached through a path)

    def paths(self, action: str) -> tuple[str, ...]:
        """The paths to the services that may do ``action``."""
        paths = self.holder if action in HOLDER_ACTIONS else ()
        if action == "view":
            paths += self.viewers
        return paths + tuple(self.extra.get(action, ()))

    def through(self, prefix: str, model: str = "") -> Scope:
        """The same scope for a record that reaches this one through ``prefix`` (e.g. "case").

        The holder, viewers and grants carry over; extra actions do not (receiving a
        graduate is an action on the graduate and its transfer, not on its journal).
        """

        def add(paths):
            return tuple(f"{prefix}__{p}" for p in paths)

        grants = tuple(
            Grant(
                g.actions,
                g.roles,
                g.condition,
                model=g.model or self.model,
                prefix=f"{prefix}__{g.prefix}" if g.prefix else prefix,
            )
            for g in self.grants
        )
        return Scope(
            holder=add(self.holder),
            viewers=add(self.viewers),
            grants=grants,
            model=model,
        )

    def condition(self, model: type[models.Model], user, action: str) -> models.Q | None:
        """The filter of the rows of ``model`` that ``user`` may ``action``; None when there are none."""
        how = reach(user, action)
        if how is None:
            return None
        parts: list[models.Q] = []
        if how in ("service", "region"):
            services = _services_within(user, how)
            lookup = "_id__in" if how == "region" else "_id"
            parts += [models.Q(**{f"{path}{lookup}": services}) for path in self.paths(action)]
        parts += [g.q(model, user) for g in self.grants if action in g.actions and user.role in g.roles]
        if not parts:
            return None
        return functools.reduce(operator.or_, parts)


def _services_within(user, how: str):
    """The user's service id, or (for the region) a subquery of its region's services.

    A subquery on the record's own column (``service_id IN (…)``) instead of a join to the
    service and its region keeps the planner's estimates right on large registries.
    """
    if how == "service":
        return user.service_id
    # The service model is the one the user's own ``service`` points at: core builds no part of
    # the organisation and imports nothing from it (org builds on core, not the other way).
    service_model = user._meta.get_field("service").related_model
    return service_model.objects.filter(region_id=user.service.region_id).values("pk")


def scope_of(model: type[models.Model]) -> Scope:
    scope = getattr(model, "access_scope", None)
    if not isinstance(scope, Scope):
        raise TypeError(f"{model.__name__} declares no access scope")
    return scope


def reach(user: AnonymousUser | models.Model | None, action: str = "view") -> str | None:
    """How far ``user`` reaches for ``action``: "service", "region", "grant" or None (nothing)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    how = POLICY[action].get(getattr(user, "role", None))
    if how in ("service", "region") and getattr(user, "service_id", None) is None:
        return None
    return how


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may do."""

    def restrict(self, user, action: str = "view") -> RestrictedQuerySet:
        if action not in ACTIONS:
            raise ValueError(f"unknown access action {action!r}")
        condition = scope_of(self.model).condition(self.model, user, action)
        if condition is None:
            return self.none()
        return self.filter(condition)


def allowed_actions(user, obj: models.Model, actions: tuple[str, ...]) -> set[str]:
    """Which of ``actions`` the scope lets ``user`` do with ``obj``: one query, whatever their number.

    For pages that offer a button only where pressing it would succeed (a receiving service
    sees the graduate's card without «Изменить»).
    """
    model = type(obj)
    checks = {}
    for action in actions:
        condition = scope_of(model).condition(model, user, action)
        if condition is not None:
            checks[action] = models.Exists(model._default_manager.filter(condition, pk=models.OuterRef("pk")))
    if not checks:
        return set()
    row = model._default_manager.filter(pk=obj.pk).values(**{f"may_{a}": e for a, e in checks.items()}).first()
    return {action for action in checks if row and row[f"may_{action}"]}


def can(user, action: str = "view") -> bool:
    """Whether ``user``'s role may ``action`` any personal data at all (a 403 when not)."""
    return reach(user, action) is not None
