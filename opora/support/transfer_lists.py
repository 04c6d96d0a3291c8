"""Which transfers a user's service has to deal with: incoming ones waiting, outgoing ones sent.

Both go through the transfer's access scope (holder: the sending service; viewer and
``receive``: the receiving one), so a service never sees another pair's transfers.
"""

from __future__ import annotations

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from opora.core.access import reach
from opora.registry.models import Graduate
from opora.support.models import Transfer


def incoming_pending(user) -> QuerySet:
    """Transfers to the user's service (the region's, for the regional centre) not yet accepted or declined."""
    return Transfer.objects.restrict(user, "receive").filter(status=Transfer.Status.PENDING)


def incoming_count(request) -> int:
    """How many incoming transfers wait (one indexed count: status, to_service), once per request."""
    cached = getattr(request, "_opora_incoming_count", None)
    if cached is None:
        cached = incoming_pending(request.user).count() if reach(request.user, "receive") else 0
        request._opora_incoming_count = cached
    return cached


def outgoing(user) -> QuerySet:
    """Transfers the user's service sent (every service of the region, for the regional centre),
    the pending ones first, then the latest. ``person_visible`` says whether the graduate is still
    within the user's scope: after acceptance the former side keeps date, direction and status only."""
    transfers = Transfer.objects.restrict(user, "view")
    if reach(user) == "region":
        transfers = transfers.filter(from_service__region_id=user.service.region_id)
    else:
        transfers = transfers.filter(from_service_id=user.service_id)
    visible = Graduate.objects.restrict(user).filter(pk=OuterRef("graduate_id"))
    return transfers.annotate(
        person_visible=Exists(visible),
        pending_first=Case(
            When(status=Transfer.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    ).order_by("pending_first", "-started_at", "-id")


def notice_overdue(today) -> Q:
    """Pending transfers whose relocation notice is past its three days (000 §3.2.7)."""
    return Q(status=Transfer.Status.PENDING, notice_sent_at__isnull=True, notice_due__lt=today)
