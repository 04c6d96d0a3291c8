"""The «Сопровождение» tab of the card: the case and its state, the contract, the level, closure.

The plan, the journal and the transfer live in their own modules; each module lists its own
URL patterns, and opora/support/urls.py gathers them all.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.support import services
from opora.support.forms import (
    CloseForm,
    ContactForm,
    ContractForm,
    LevelChangeForm,
    OpenCaseForm,
    RefuseForm,
    RenewForm,
)
from opora.support.models import Contract, LevelChange, SupportCase, Transfer
from opora.support.views.base import CaseFormView, SupportCardView, call_service

Status = SupportCase.Status
# How early the case tab starts reminding that the contract ends.
EXPIRY_NOTICE_DAYS = 30


def case_facts(case: SupportCase, allowed: set[str], today: dt.date) -> dict:
    """What the tab shows of one case, in a fixed number of queries whatever its history.

    ``allowed``: what the scope lets the user do with the graduate (CardView.allowed_on):
    the holding service acts on the case; a receiving service only accepts or declines.
    """
    contracts = list(case.contracts.select_related("created_by", "service").order_by("-starts_on", "-id"))
    renewed = {c.renewed_from_id for c in contracts if c.renewed_from_id}
    latest = next((c for c in contracts if c.terminated_at is None), None)
    for contract in contracts:
        contract.in_force = contract.is_in_force(today)
        contract.was_renewed = contract.pk in renewed
    changes = list(case.level_changes.select_related("level", "decided_by").order_by("-effective_from", "-id"))
    current_change = next((c for c in changes if c.effective_from <= today), None)
    transfers = list(
        case.transfers.select_related("from_service", "to_service", "started_by", "accepted_by").order_by(
            "-started_at", "-id"
        )
    )
    pending = next((t for t in transfers if t.status == Transfer.Status.PENDING), None)
    if pending is not None:
        pending.overdue = pending.notice_overdue(today)

    # A contract of the service the graduate left (ran out before the move) is not this service's to renew.
    own_latest = latest is not None and latest.service_id == case.graduate.service_id
    expiry = None
    if case.status == Status.ACTIVE and own_latest and latest.pk not in renewed:
        days_left = (latest.ends_on - today).days
        if days_left <= EXPIRY_NOTICE_DAYS:
            expiry = {"contract": latest, "days": days_left, "ended": days_left < 0}

    acts = case.is_open and "change" in allowed
    # On support with no contract in force or waiting to start: the holder signs a new one
    # (services.sign_contract). «moved»: the last contract ended by its clause on the move.
    new_contract = None
    if acts and case.status == Status.ACTIVE and pending is None and contracts:
        if services.contract_in_force_or_waiting(contracts, today) is None:
            previous = max(contracts, key=services.last_day_in_force)
            new_contract = {
                "previous": previous,
                "last_day": services.last_day_in_force(previous),
                "moved": previous.terminated_at is not None,
                "foreign": previous.service_id != case.graduate.service_id,
            }
            # The tab's own alert; an expired contract of this service has the expiry reminder instead.
            new_contract["alert"] = new_contract["moved"] or new_contract["foreign"]
    transitions = services.TRANSITIONS[case.status] if acts else set()
    return {
        "contracts": contracts,
        "latest_contract": latest,
        "level_changes": changes,
        "current_level": current_change.level if current_change else None,
        "current_change_id": current_change.pk if current_change else None,
        "level_provisional": current_change is not None and current_change.basis == LevelChange.Basis.PROVISIONAL,
        "transfers": transfers,
        "past_transfers": [t for t in transfers if t is not pending],
        "pending_transfer": pending,
        "is_receiving": pending is not None and "receive" in allowed,
        "expiry": expiry,
        "new_contract": new_contract,
        "acts": acts,
        # «Распечатать проект договора»: an open case with no contract in force or waiting to start.
        "print_draft": acts and not any(c.terminated_at is None and c.ends_on >= today for c in contracts),
        "actions": {
            "contact": Status.CONTACT in transitions,
            "sign": Status.ACTIVE in transitions,
            "refuse": Status.REFUSED in transitions,
            "close": Status.CLOSED in transitions,
            "level": acts and case.status == Status.ACTIVE,
            "renew": acts and case.status == Status.ACTIVE and own_latest and latest.pk not in renewed,
            "sign_new": new_contract is not None,
            "transfer": acts and pending is None,
        },
    }


def case_tab(
    view: SupportCardView,
    graduate,
    case: SupportCase | None = None,
    *,
    failed: tuple[str, object] | None = None,
    status: int = 200,
    **extra,
):
    """Render the «Сопровождение» tab for ``case`` (the open or latest case by default).

    ``failed`` is a refused form: ``(context key, form)``. When the tab shows that form, it is
    shown bound, with its errors at its fields; otherwise its messages go above the tab.
    """
    request = view.request
    today = timezone.localdate()
    cases = list(SupportCase.objects.filter(graduate=graduate).select_related("specialist"))
    open_case = next((c for c in cases if c.is_open), None)
    if case is None:
        case = open_case or (cases[0] if cases else None)
    else:
        case = next((c for c in cases if c.pk == case.pk), case)
    context = {
        "cases": cases,
        "case": case,
        "open_case": open_case,
        "other_cases": [c for c in cases if case is None or c.pk != case.pk],
    }
    if case is not None:
        case.graduate = graduate  # the card's graduate, with its prefetches
        context.update(case_facts(case, view.allowed_on(graduate), today))
        if context["actions"]["contact"]:
            context["contact_form"] = ContactForm(auto_id="id_contact_%s")
    if open_case is None:
        context["open_form"] = OpenCaseForm()
    context.update(extra)
    if failed is not None:
        key, form = failed
        if key in context:
            context[key] = form
            context["action_errors"] = list(form.non_field_errors())
        else:
            context["action_errors"] = [message for messages_ in form.errors.values() for message in messages_]
    return render(request, "support/card_case.html", view.card_context(graduate, **context), status=status)


class CaseTabView(SupportCardView):
    """The tab: the current (or latest) case; an earlier case by its id."""

    def get(self, request, pk, case_pk=None):
        graduate = self.get_object()
        case = self.get_case(graduate) if case_pk is not None else None
        return case_tab(self, graduate, case)


class CaseOpenView(SupportCardView):
    def post(self, request, pk):
        graduate = self.get_object()
        form = OpenCaseForm(request.POST)
        if form.is_valid():
            case = call_service(
                form,
                services.open_case,
                graduate,
                actor=request.user,
                identified_at=form.cleaned_data["identified_at"],
                how=form.cleaned_data["how"],
                request=request,
            )
            if case is not None:
                messages.success(request, _("Сопровождение открыто: выпускник выявлен."))
                return redirect("support:case", pk=graduate.pk)
        return case_tab(self, graduate, failed=("open_form", form), status=400)


class CaseContactView(SupportCardView):
    def post(self, request, pk, case_pk):
        graduate = self.get_object()
        case = self.get_case(graduate)
        form = ContactForm(request.POST, auto_id="id_contact_%s")
        if form.is_valid():
            done = call_service(
                form,
                services.establish_contact,
                case,
                actor=request.user,
                on=form.cleaned_data["contact_at"],
                text=form.cleaned_data["text"],
                request=request,
            )
            if done is not None:
                messages.success(request, _("Отмечено: контакт с выпускником установлен, запись внесена в журнал."))
                return redirect("support:case", pk=graduate.pk)
        return case_tab(self, graduate, case, failed=("contact_form", form), status=400)


class ContractSignView(CaseFormView):
    """The contract: the first one puts the graduate on support; on a case already on support
    whose contract ended (on a move, or its term ran out) it is a new contract of the holder."""

    form_class = ContractForm
    title = gettext_lazy("Договор о сопровождении")
    submit_label = gettext_lazy("Подписан — поставить на сопровождение")

    def previous_contract(self, case) -> Contract | None:
        if case.status != Status.ACTIVE:
            return None
        contracts = list(case.contracts.select_related("service"))
        return max(contracts, key=services.last_day_in_force, default=None)

    def form_kwargs(self, graduate, case):
        number, _sequence = services.next_contract_number(graduate.service, timezone.localdate().year)
        kwargs = {"region_id": graduate.service.region_id, "next_number": number, "birth_date": graduate.birth_date}
        if case.status == Status.ACTIVE:
            kwargs["current_level"] = case.level_on(timezone.localdate())
            kwargs["previous"] = self.previous_contract(case)
        return kwargs

    def extra_context(self, graduate, case):
        context = {"consent_missing": graduate.current_consent is None}
        previous = self.previous_contract(case)
        if previous is not None:
            ended = (
                _("прекращён %(date)s: %(reason)s")
                % {"date": previous.terminated_at.strftime("%d.%m.%Y"), "reason": previous.termination_reason}
                if previous.terminated_at
                else _("срок истёк %(date)s") % {"date": previous.ends_on.strftime("%d.%m.%Y")}
            )
            context.update(
                {
                    "page_title": _("Новый договор о сопровождении"),
                    "submit_label": _("Подписан — заключить новый договор"),
                    "intro": _(
                        "Выпускник на сопровождении вашей службы, но договор не действует. Новый договор получает "
                        "номер вашей службы; уровень сопровождения остаётся прежним, если не выбрать другой."
                    ),
                    "summary": [
                        (_("Прежний договор"), f"{previous} ({previous.service})"),
                        (_("Чем закончился"), ended),
                    ],
                }
            )
        return context

    def run(self, form, graduate, case):
        return call_service(
            form, services.sign_contract, case, actor=self.request.user, request=self.request, **form.service_kwargs()
        )

    def success_message(self, contract):
        if contract.case.contracts.count() > 1:
            return _("%(contract)s подписан: новый договор действует с %(date)s.") % {
                "contract": contract,
                "date": contract.starts_on.strftime("%d.%m.%Y"),
            }
        return _("%(contract)s подписан: выпускник на сопровождении.") % {"contract": contract}


class ContractMixin:
    def get_target(self, graduate):
        return self.get_in_scope(
            Contract.objects.select_related("case", "case__graduate", "service"),
            pk=self.kwargs["contract_pk"],
            case__graduate_id=graduate.pk,
        )


class ContractRenewView(ContractMixin, CaseFormView):
    form_class = RenewForm
    title = gettext_lazy("Продление договора")
    submit_label = gettext_lazy("Продлить договор")

    def form_kwargs(self, graduate, contract):
        number, _sequence = services.next_contract_number(graduate.service, timezone.localdate().year)
        return {"contract": contract, "next_number": number, "birth_date": graduate.birth_date}

    def extra_context(self, graduate, contract):
        return {
            "summary": [
                (_("Продлевается"), str(contract)),
                (
                    _("Срок действия"),
                    f"{contract.starts_on:%d.%m.%Y} — {contract.ends_on:%d.%m.%Y}",
                ),
            ]
        }

    def run(self, form, graduate, contract):
        return call_service(
            form,
            services.renew_contract,
            contract,
            actor=self.request.user,
            request=self.request,
            **form.service_kwargs(),
        )

    def success_message(self, renewal):
        return _("Договор продлён: %(contract)s, до %(date)s.") % {
            "contract": renewal,
            "date": renewal.ends_on.strftime("%d.%m.%Y"),
        }


class ContractScanView(ContractMixin, SupportCardView):
    """The signed contract's scan, served only within the scope (never from a public media URL)."""

    def get(self, request, pk, contract_pk):
        graduate = self.get_object()
        contract = self.get_target(graduate)
        if not contract.scan:
            raise Http404
        self.audit_changes = {"file": "contract_scan"}
        response = FileResponse(
            contract.scan.open("rb"), as_attachment=False, filename=contract.scan.name.rsplit("/", 1)[-1]
        )
        response["Cache-Control"] = "private, no-store"
        return response


class LevelChangeView(CaseFormView):
    form_class = LevelChangeForm
    title = gettext_lazy("Смена уровня сопровождения")
    submit_label = gettext_lazy("Сменить уровень")
    intro = gettext_lazy("Решение о смене уровня сохраняется в истории: с какой даты, почему и кто решил.")

    def form_kwargs(self, graduate, case):
        return {"region_id": graduate.service.region_id}

    def run(self, form, graduate, case):
        data = form.cleaned_data
        return call_service(
            form,
            services.change_level,
            case,
            data["level"],
            actor=self.request.user,
            reason=data["reason"],
            effective_from=data["effective_from"],
            basis=data["basis"],
            request=self.request,
        )

    def success_message(self, change):
        return _("Уровень сопровождения: «%(level)s» с %(date)s.") % {
            "level": change.level,
            "date": change.effective_from.strftime("%d.%m.%Y"),
        }


class CaseRefuseView(CaseFormView):
    form_class = RefuseForm
    title = gettext_lazy("Отказ от сопровождения")
    submit_label = gettext_lazy("Оформить отказ")
    submit_style = "danger"
    confirm = gettext_lazy("Оформить отказ выпускника от сопровождения? Выпускник останется в банке данных.")
    intro = gettext_lazy(
        "Отказ оформляется до заключения договора. Выпускник остаётся в банке данных; сопровождение можно открыть снова."
    )

    def run(self, form, graduate, case):
        data = form.cleaned_data
        return call_service(
            form,
            services.refuse,
            case,
            actor=self.request.user,
            on=data["closed_at"],
            note=data["note"],
            request=self.request,
        )

    def success_message(self, case):
        return _("Отказ от сопровождения оформлен.")


class CaseCloseView(CaseFormView):
    form_class = CloseForm
    title = gettext_lazy("Завершение сопровождения")
    submit_label = gettext_lazy("Завершить сопровождение")
    submit_style = "danger"
    confirm = gettext_lazy(
        "Завершить сопровождение? Действующий договор будет расторгнут, невыполненные мероприятия — отменены."
    )
    intro = gettext_lazy(
        "Договор расторгается датой завершения, невыполненные мероприятия плана отменяются. История сохраняется."
    )

    def run(self, form, graduate, case):
        data = form.cleaned_data
        return call_service(
            form,
            services.close_case,
            case,
            actor=self.request.user,
            reason=data["close_reason"],
            on=data["closed_at"],
            report=data["close_report"],
            request=self.request,
        )

    def success_message(self, case):
        return _("Сопровождение завершено: %(reason)s.") % {"reason": case.get_close_reason_display().lower()}


urlpatterns = [
    path("graduates/<int:pk>/support/", CaseTabView.as_view(), name="case"),
    path("graduates/<int:pk>/support/open/", CaseOpenView.as_view(), name="case_open"),
    path("graduates/<int:pk>/support/<int:case_pk>/", CaseTabView.as_view(), name="case_detail"),
    path("graduates/<int:pk>/support/<int:case_pk>/contact/", CaseContactView.as_view(), name="case_contact"),
    path("graduates/<int:pk>/support/<int:case_pk>/contract/", ContractSignView.as_view(), name="contract_sign"),
    path("graduates/<int:pk>/support/<int:case_pk>/level/", LevelChangeView.as_view(), name="level_change"),
    path("graduates/<int:pk>/support/<int:case_pk>/refuse/", CaseRefuseView.as_view(), name="case_refuse"),
    path("graduates/<int:pk>/support/<int:case_pk>/close/", CaseCloseView.as_view(), name="case_close"),
    path(
        "graduates/<int:pk>/support/contracts/<int:contract_pk>/renew/",
        ContractRenewView.as_view(),
        name="contract_renew",
    ),
    path(
        "graduates/<int:pk>/support/contracts/<int:contract_pk>/scan/",
        ContractScanView.as_view(),
        name="contract_scan",
    ),
]
