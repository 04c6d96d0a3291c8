"""Handing a case over on a move (000 §3.2.7): start, notice sent, cancel, and the receiving side.

The sending service starts the transfer on the case tab; until the receiving service
accepts it on its «Входящие передачи» page, both services see the graduate.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.core.views import ScopedView
from opora.registry.models import Graduate
from opora.support import services
from opora.support.forms import TransferAcceptForm, TransferActionForm, TransferDeclineForm, TransferForm
from opora.support.models import Contract, Transfer
from opora.support.views.base import CaseFormView, SupportCardView, call_service


class TransferStartView(CaseFormView):
    form_class = TransferForm
    title = gettext_lazy("Передать в другую службу")
    submit_label = gettext_lazy("Начать передачу")
    intro = gettext_lazy(
        "При переезде выпускника принимающую территорию уведомляют письменно в течение 3 дней. "
        "До принятия выпускника видят обе службы. При переезде за пределы региона сопровождение "
        "завершается с причиной «переезд»."
    )

    def form_kwargs(self, graduate, case):
        return {"graduate": graduate}

    def run(self, form, graduate, case):
        data = form.cleaned_data
        return call_service(
            form,
            services.start_transfer,
            case,
            actor=self.request.user,
            moved_at=data["moved_at"],
            to_service=data["to_service"],
            to_external=data["to_external"],
            new_address=data["new_address"],
            recommendations=data["recommendations"],
            request=self.request,
        )

    def success_message(self, transfer):
        if transfer.status == Transfer.Status.PENDING:
            return _("Передача начата: направьте уведомление в «%(to)s» до %(date)s.") % {
                "to": transfer.to_service,
                "date": transfer.notice_due.strftime("%d.%m.%Y"),
            }
        return _("Уведомление о переезде отмечено как направленное, сопровождение завершено.")


class TransferActionView(SupportCardView):
    """A button on a transfer: a POST through an empty form to a service; a refusal shows on the page."""

    service = None
    success = ""
    form_class = TransferActionForm

    def get_transfer(self, graduate):
        return self.get_in_scope(
            Transfer.objects.select_related("case", "graduate", "from_service", "to_service"),
            pk=self.kwargs["transfer_pk"],
            graduate_id=graduate.pk,
        )

    def call(self, form, transfer):
        return call_service(form, type(self).service, transfer, actor=self.request.user, request=self.request)

    def refused(self, graduate, transfer, form):
        from opora.support.views.case import case_tab

        return case_tab(self, graduate, transfer.case, failed=("", form), status=400)

    def post(self, request, pk, transfer_pk):
        graduate = self.get_object()
        transfer = self.get_transfer(graduate)
        form = self.form_class(request.POST)
        if form.is_valid() and self.call(form, transfer) is not None:
            messages.success(request, self.success)
            return redirect("support:case", pk=graduate.pk)
        return self.refused(graduate, transfer, form)


class TransferNotifiedView(TransferActionView):
    service = services.mark_notice_sent
    success = gettext_lazy("Отмечено: уведомление о переезде направлено.")


class TransferCancelView(TransferActionView):
    service = services.cancel_transfer
    success = gettext_lazy("Передача отменена: выпускник остаётся в службе.")


class ReceivingView(TransferActionView):
    """An action of the receiving side: the graduate and the transfer are fetched for «receive».

    A refusal is shown where the action was asked from: the incoming list, the acceptance page
    or the case tab (``back``).
    """

    scope_actions = {"post": "receive"}

    def refused(self, graduate, transfer, form):
        back = self.request.POST.get("back")
        if back == "incoming":
            return incoming_page(self, failed=form, status=400)
        if back == "accept":
            accept = TransferAcceptForm(transfer=transfer, user=self.request.user)
            return accept_page(self, graduate, transfer, accept, decline_form=form, status=400)
        return super().refused(graduate, transfer, form)


def contracts_ending_on_move(transfer: Transfer) -> list:
    """The contracts that acceptance ends by their own clause (services.transfer._end_contracts_on_move)."""
    contracts = list(
        Contract.objects.filter(
            case_id=transfer.case_id, terminated_at__isnull=True, ends_on__gte=timezone.localdate()
        ).order_by("starts_on", "id")
    )
    for contract in contracts:
        contract.clause = contract.moving_clause()
    return contracts


def accept_page(view, graduate, transfer, form, *, decline_form=None, status=200):
    """The confirmation step of accepting: what the receiving service takes on, then one button."""
    request = view.request
    back = request.POST.get("back") or request.GET.get("back")
    transfer.overdue = transfer.notice_overdue(timezone.localdate())
    context = view.card_context(
        graduate,
        transfer=transfer,
        form=form,
        decline_form=decline_form or TransferDeclineForm(),
        ending=contracts_ending_on_move(transfer),
        back="incoming" if back == "incoming" else "",
        cancel_url=reverse("support:incoming_transfers")
        if back == "incoming"
        else reverse("support:case", args=[graduate.pk]),
    )
    return render(request, "support/transfer_accept.html", context, status=status)


class TransferAcceptView(ReceivingView):
    """The receiving side takes the graduate, after a confirmation step (GET shows it, POST accepts).

    On acceptance the sending service's contract ends by its own clause and the receiving
    specialist is taken to the form that confirms the address, territory, housing and college.
    """

    scope_actions = {"get": "receive", "post": "receive"}
    success = gettext_lazy(
        "Сопровождение принято: выпускник и вся его история теперь в вашей службе. "
        "Проверьте и подтвердите сведения о выпускнике."
    )

    def accept_form(self, transfer, data=None):
        return TransferAcceptForm(data, transfer=transfer, user=self.request.user)

    def get(self, request, pk, transfer_pk):
        graduate = self.get_object()
        transfer = self.get_transfer(graduate)
        return accept_page(self, graduate, transfer, self.accept_form(transfer))

    def post(self, request, pk, transfer_pk):
        graduate = self.get_object()
        transfer = self.get_transfer(graduate)
        form = self.accept_form(transfer, request.POST)
        if form.is_valid():
            done = call_service(
                form,
                services.accept_transfer,
                transfer,
                actor=request.user,
                specialist=form.cleaned_data["specialist"],
                request=request,
            )
            if done is not None:
                messages.success(request, self.success)
                return redirect("registry:confirm_details", pk=graduate.pk)
        return accept_page(self, graduate, transfer, form, status=400)


class TransferDeclineView(ReceivingView):
    """The receiving side declines, with a reason; the graduate stays with the sending service."""

    success = gettext_lazy("Передача отклонена: выпускник остаётся в передающей службе, она увидит причину.")
    form_class = TransferDeclineForm

    def call(self, form, transfer):
        return call_service(
            form,
            services.decline_transfer,
            transfer,
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
            request=self.request,
        )

    def post(self, request, pk, transfer_pk):
        graduate = self.get_object()
        transfer = self.get_transfer(graduate)
        form = self.form_class(request.POST)
        if form.is_valid() and self.call(form, transfer) is not None:
            messages.success(request, self.success)
            # The graduate is no longer this service's: back to its list of incoming transfers.
            return redirect("support:incoming_transfers")
        return self.refused(graduate, transfer, form)


def incoming_page(view, *, failed=None, status=200):
    """The transfers the user's service (or region) may receive and has not yet."""
    request = view.request
    transfers = list(
        Transfer.objects.restrict(request.user, "receive")
        .filter(status=Transfer.Status.PENDING)
        .select_related("graduate", "from_service", "to_service", "started_by")
        .order_by("notice_due", "id")
    )
    today = timezone.localdate()
    for transfer in transfers:
        transfer.overdue = transfer.notice_overdue(today)
    view.shown(Graduate, [t.graduate_id for t in transfers])
    errors = [message for messages_ in failed.errors.values() for message in messages_] if failed else []
    return render(
        request,
        "support/incoming_transfers.html",
        {"transfers": transfers, "today": today, "action_errors": errors},
        status=status,
    )


class IncomingTransfersView(ScopedView):
    """The receiving service's list of graduates handed to it and not yet accepted."""

    model = Transfer
    scope_actions = {"get": "receive"}

    def get(self, request):
        return incoming_page(self)


urlpatterns = [
    path("graduates/<int:pk>/support/<int:case_pk>/transfer/", TransferStartView.as_view(), name="transfer_start"),
    path(
        "graduates/<int:pk>/support/transfers/<int:transfer_pk>/notified/",
        TransferNotifiedView.as_view(),
        name="transfer_notified",
    ),
    path(
        "graduates/<int:pk>/support/transfers/<int:transfer_pk>/cancel/",
        TransferCancelView.as_view(),
        name="transfer_cancel",
    ),
    path(
        "graduates/<int:pk>/support/transfers/<int:transfer_pk>/accept/",
        TransferAcceptView.as_view(),
        name="transfer_accept",
    ),
    path(
        "graduates/<int:pk>/support/transfers/<int:transfer_pk>/decline/",
        TransferDeclineView.as_view(),
        name="transfer_decline",
    ),
    path("support/transfers/incoming/", IncomingTransfersView.as_view(), name="incoming_transfers"),
]
