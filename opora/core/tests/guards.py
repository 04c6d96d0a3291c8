"""The scope guard: every URL of the project resolves to a scoped base class, method by method.

``scope_problems(resolver, covered, exempt)`` walks a URL resolver and returns what is wrong:

* a Django view that does not end with :class:`opora.core.views.ScopedView`;
* a DRF viewset (or API view) that does not end with :class:`opora.core.api.ScopedViewSet`;
* an HTTP method a scoped view handles that the scoping matrix does not try (``covered``:
  the set of ``(url name, method)`` pairs of the matrix);
* a method whose access action is not one the scope knows.

A URL is exempt only by name, with the reason why it shows no personal data (``exempt``).
Nothing is exempt by its prefix: a view a later app adds anywhere is checked.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.views import APIView

from opora.core.access import ACTIONS
from opora.core.api import METHOD_ACTIONS, ScopedViewSet
from opora.core.views import ScopedView

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    """(route, qualified name, callback) of every URL pattern."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield route, name, pattern.callback


def handled_methods(callback) -> dict[str, str | None]:
    """HTTP method -> the access action the view resolves for it (None: not a scoped view)."""
    view_class = getattr(callback, "view_class", None)
    drf_class = getattr(callback, "cls", None)
    if drf_class is not None and getattr(callback, "actions", None):
        out = {}
        for method, handler_name in callback.actions.items():
            if method not in HTTP_METHODS:
                continue
            handler = getattr(drf_class, handler_name, None)
            explicit = getattr(handler, "kwargs", {}).get("scope_action") if handler is not None else None
            by_method = {**METHOD_ACTIONS, **getattr(drf_class, "method_scope_actions", {})}
            out[method] = explicit or by_method[method.upper()]
        return out
    if drf_class is not None:
        return {
            m: METHOD_ACTIONS[m.upper()]
            for m in HTTP_METHODS
            if m in drf_class.http_method_names and hasattr(drf_class, m)
        }
    if view_class is not None:
        if issubclass(view_class, ScopedView):
            return {
                m: view_class.scope_action_for(m)
                for m in HTTP_METHODS
                if m in view_class.http_method_names and hasattr(view_class, m)
            }
        return {m: None for m in HTTP_METHODS if m in view_class.http_method_names and hasattr(view_class, m)}
    return {"get": None}


def is_scoped(callback) -> bool:
    drf_class = getattr(callback, "cls", None)
    if drf_class is not None:
        return isinstance(drf_class, type) and issubclass(drf_class, ScopedViewSet)
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and issubclass(view_class, APIView):
        return False
    return view_class is not None and issubclass(view_class, ScopedView)


def scope_problems(resolver: URLResolver, covered: set[tuple[str, str]], exempt: dict[str, str]) -> list[str]:
    problems: list[str] = []
    for route, name, callback in walk(resolver):
        if name in exempt:
            continue
        label = f"{route} ({name or 'без имени'})"
        if not is_scoped(callback):
            problems.append(f"{label}: not a scoped view (ScopedView / ScopedViewSet) and not exempt")
            continue
        for method, action in handled_methods(callback).items():
            if action not in ACTIONS:
                problems.append(f"{label} {method.upper()}: no access action ({action!r})")
            elif (name, method) not in covered:
                problems.append(f"{label} {method.upper()}: not tried by the scoping matrix")
    return problems
