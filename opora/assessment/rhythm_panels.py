"""The rhythm on the specialist's start page and on the caseload page, through their hooks
(opora.core.start sections, opora.support.caseload panels): support never imports assessment.

Both show, for the cases the page is about, how many are due for an assessment this quarter, how
many are overdue, how many have an open reassessment task and how many wait for the consilium, each
a link to its list (/assessment/due/). One query (opora.assessment.rhythm.counts), whatever the
number of cases; the figures name nobody, so nothing is added to the page's audit of reads.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils import timezone

from opora.assessment import rhythm
from opora.assessment.views.rhythm import mode_of
from opora.core.access import reach
from opora.support.models import SupportCase

SHOWN_KINDS = ("due", "overdue", "tasks", "consilium")


def _panel(cases: QuerySet, day: dt.date, params: dict) -> dict:
    q = rhythm.Quarter.of(day)
    figures = rhythm.counts(cases, q)
    items = [
        {
            "kind": kind,
            "label": rhythm.KIND_LABELS[kind],
            "count": figures[kind],
            "query": urlencode({**params, "kind": kind}),
        }
        for kind in SHOWN_KINDS
    ]
    return {"period": q, "items": items, "on_support": figures["on_support"], "mode_params": urlencode(params)}


def start_section(view) -> dict | None:
    """The start page: the user's own cases (a specialist) or the service's (a coordinator)."""
    user = view.request.user
    if reach(user) is None or mode_of(user) == "regional":
        return None
    cases = SupportCase.objects.restrict(user)
    if mode_of(user) == "own":
        cases = cases.filter(specialist=user)
    panel = _panel(cases, timezone.localdate(), {})
    panel["coordinator"] = mode_of(user) == "service"
    return panel


def caseload_panel(view, cases: QuerySet, today: dt.date) -> dict | None:
    """The caseload page: the cases of its list (a specialist's, a coordinator's choice, a service)."""
    params = {}
    for name in ("service", "specialist"):
        value = view.request.GET.get(name, "")
        if value.isdigit() or value == "none":
            params[name] = value
    if mode_of(view.request.user) == "regional" and "service" not in params:
        return None
    return _panel(cases, today, params)
