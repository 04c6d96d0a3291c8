"""«Исходящие передачи»: the transfers the user's service sent — the pending ones first, then the latest.

While a transfer is pending the sending service still holds the graduate and sees who it is;
once the receiving service has accepted it, the sender keeps the date, the direction and the
status only (the graduate is out of its scope: ``person_visible``).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from opora.core.views import ScopedView
from opora.registry.models import Graduate
from opora.support.models import Transfer
from opora.support.transfer_lists import outgoing

PAGE_SIZE = 25


class OutgoingTransfersView(ScopedView):
    model = Transfer

    def get(self, request):
        transfers = outgoing(request.user).select_related("graduate", "to_service", "from_service")
        page = Paginator(transfers, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        today = timezone.localdate()
        for transfer in rows:
            transfer.overdue = transfer.status == Transfer.Status.PENDING and transfer.notice_overdue(today)
        # A person is read only where the graduate is still within the scope (a pending transfer):
        # the rest show no one, so the audit files no read under them.
        self.shown(Graduate, [t.graduate_id for t in rows if t.person_visible])
        return render(request, "support/outgoing_transfers.html", {"page": page, "transfers": rows, "today": today})


urlpatterns = [path("support/transfers/outgoing/", OutgoingTransfersView.as_view(), name="outgoing_transfers")]
