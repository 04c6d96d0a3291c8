"""Forms of the support cycle's pages.

They check only what a form can check (required fields, formats, choices offered within
the graduate's region and case, the scan's type and size). The rules of the domain stay in
:mod:`opora.support.services`, whose :class:`~opora.core.errors.DomainError` the views turn
into errors of these forms; the field names follow the services' ``field`` names for that.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core.files import validate_scan
from opora.core.forms import BootstrapFormMixin, DateInput
from opora.core.uploads import KeepFileInput, KeepUploadsMixin
from opora.core.validators import FACT, PLANNED, TERM, date_validator, place_validator, support_ends_on
from opora.core.versioning import RevisionFormMixin
from opora.org.models import Service, User
from opora.support.models import (
    Contract,
    Domain,
    JournalEntry,
    LevelChange,
    PlanGoal,
    PlanMeasure,
    ServiceKind,
    SupportCase,
    SupportLevel,
    SupportPlan,
)


def _textarea(rows: int = 3, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def _scan_field() -> forms.FileField:
    return forms.FileField(
        label=_("Скан подписанного договора"),
        required=False,
        # The contract's own validator (type, size, real content), as the API and the service run it.
        validators=[validate_scan],
        widget=KeepFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        help_text=_("PDF, JPG или PNG, не более %(mb)s МБ.") % {"mb": settings.OPORA_MAX_SCAN_MB},
    )


class SupportForm(BootstrapFormMixin, forms.Form):
    """A form of the support pages: Bootstrap classes, and ``required`` on the widgets that need it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.required and not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs.setdefault("required", True)


class ScanMixin(KeepUploadsMixin):
    """A form with the contract's scan: a scan chosen when another field has an error is kept."""


def region_levels(region_id: int):
    return SupportLevel.objects.filter(region_id=region_id, is_active=True).order_by("order", "name")


def region_domains(region_id: int):
    return Domain.objects.filter(region_id=region_id, is_active=True).order_by("order", "name")


def _say_support_ends(field: forms.Field, birth_date) -> None:
    """The contract's end field names the last day a contract may run: the day before the 23rd birthday."""
    if birth_date is not None:
        field.help_text = _("%(default)s Не позже %(date)s: в этот день выпускнику ещё нет 23 лет.") % {
            "default": field.help_text,
            "date": support_ends_on(birth_date).strftime("%d.%m.%Y"),
        }


# --- The case ------------------------------------------------------------------------------------


class OpenCaseForm(SupportForm):
    identified_at = forms.DateField(
        validators=[date_validator(FACT)], label=_("Дата выявления"), widget=DateInput(), initial=timezone.localdate
    )
    how = forms.CharField(
        label=_("Как выявлен"),
        max_length=300,
        required=False,
        help_text=_("Выпуск из организации, прибытие на территорию, личное заявление…"),
    )


class ContactForm(SupportForm):
    """«Контакт установлен»: the date, and what to write in the journal about it."""

    contact_at = forms.DateField(
        validators=[date_validator(FACT)], label=_("Дата контакта"), widget=DateInput(), initial=timezone.localdate
    )
    text = forms.CharField(
        label=_("Запись в журнал"),
        required=False,
        widget=_textarea(1, placeholder=_("Контакт установлен")),
        help_text=_("Если пусто — «Контакт установлен»."),
    )


class ContractForm(ScanMixin, SupportForm):
    """Signing the contract: it puts the graduate on support at the level chosen."""

    level = forms.ModelChoiceField(
        label=_("Уровень сопровождения"),
        queryset=SupportLevel.objects.none(),
        empty_label=_("— выберите уровень —"),
        help_text=_("Уровень предварительный — до первичного консилиума."),
    )
    level_reason = forms.CharField(
        label=_("Обоснование уровня"),
        required=False,
        widget=_textarea(2),
        help_text=_("Если пусто — «Уровень определён при заключении договора»."),
    )
    number = forms.CharField(label=_("Номер договора"), max_length=40, required=False)
    signed_at = forms.DateField(
        validators=[date_validator(FACT)], label=_("Дата подписания"), widget=DateInput(), initial=timezone.localdate
    )
    starts_on = forms.DateField(
        validators=[date_validator(PLANNED)],
        label=_("Действует с"),
        widget=DateInput(),
        required=False,
        help_text=_("Если пусто — с даты подписания."),
    )
    ends_on = forms.DateField(
        validators=[date_validator(TERM)],
        label=_("Действует по"),
        widget=DateInput(),
        required=False,
        help_text=_("Если пусто — один год, но не дольше, чем до 23 лет выпускника."),
    )
    help_agreed = forms.CharField(label=_("Меры помощи, о которых договорились"), widget=_textarea(3))
    graduate_obligations = forms.CharField(
        label=_("Обязательства выпускника"),
        widget=_textarea(3),
        help_text=_("Выпускник — равноправная сторона договора: что он берёт на себя."),
    )
    termination_terms = forms.CharField(
        label=_("Условия расторжения"),
        required=False,
        widget=_textarea(2),
        initial=_(
            "Договор расторгается по письменному заявлению любой из сторон, при переезде выпускника "
            "на другую территорию или при достижении им 23 лет."
        ),
    )
    scan = _scan_field()

    def __init__(
        self,
        *args,
        region_id: int,
        next_number: str = "",
        current_level: SupportLevel | None = None,
        previous: Contract | None = None,
        birth_date=None,
        **kwargs,
    ):
        """``current_level``: a new contract of a case already on support keeps this level unless
        another is chosen. ``previous``: the contract that ended; its terms are offered to start from."""
        if previous is not None:
            kwargs.setdefault(
                "initial",
                {
                    "help_agreed": previous.help_agreed,
                    "graduate_obligations": previous.graduate_obligations,
                    "termination_terms": previous.termination_terms or self.base_fields["termination_terms"].initial,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = region_levels(region_id)
        _say_support_ends(self.fields["ends_on"], birth_date)
        if current_level is not None:
            level = self.fields["level"]
            level.required = False
            level.widget.attrs.pop("required", None)
            level.empty_label = _("— оставить текущий: «%(level)s» —") % {"level": current_level.name}
            level.help_text = _("Уровень и его история не меняются, если не выбрать другой.")
            self.fields["level_reason"].help_text = _(
                "Если пусто — «Уровень пересмотрен при заключении нового договора»."
            )
        if next_number:
            self.fields["number"].help_text = _("Если пусто — следующий номер службы: %(n)s.") % {"n": next_number}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "level": data["level"],
            "level_reason": data["level_reason"],
            "number": data["number"],
            "signed_at": data["signed_at"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "help_agreed": data["help_agreed"],
            "graduate_obligations": data["graduate_obligations"],
            "termination_terms": data["termination_terms"],
            "scan": data["scan"] or None,
        }


class RenewForm(ScanMixin, SupportForm):
    """Renewing a contract for a new term; the terms start as the old contract's."""

    number = forms.CharField(label=_("Номер нового договора"), max_length=40, required=False)
    signed_at = forms.DateField(
        validators=[date_validator(FACT)], label=_("Дата подписания"), widget=DateInput(), initial=timezone.localdate
    )
    ends_on = forms.DateField(
        validators=[date_validator(TERM)],
        label=_("Действует по"),
        widget=DateInput(),
        required=False,
        help_text=_(
            "Если пусто — один год со дня, следующего за окончанием прежнего договора, "
            "но не дольше, чем до 23 лет выпускника."
        ),
    )
    help_agreed = forms.CharField(label=_("Меры помощи, о которых договорились"), widget=_textarea(3))
    graduate_obligations = forms.CharField(label=_("Обязательства выпускника"), widget=_textarea(3))
    termination_terms = forms.CharField(label=_("Условия расторжения"), required=False, widget=_textarea(2))
    scan = _scan_field()

    def __init__(self, *args, contract: Contract, next_number: str = "", birth_date=None, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "help_agreed": contract.help_agreed,
                "graduate_obligations": contract.graduate_obligations,
                "termination_terms": contract.termination_terms,
            },
        )
        super().__init__(*args, **kwargs)
        _say_support_ends(self.fields["ends_on"], birth_date)
        if next_number:
            self.fields["number"].help_text = _("Если пусто — следующий номер службы: %(n)s.") % {"n": next_number}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "number": data["number"],
            "signed_at": data["signed_at"],
            "ends_on": data["ends_on"],
            "help_agreed": data["help_agreed"],
            "graduate_obligations": data["graduate_obligations"],
            "termination_terms": data["termination_terms"],
            "scan": data["scan"] or None,
        }


class LevelChangeForm(SupportForm):
    level = forms.ModelChoiceField(
        label=_("Новый уровень"), queryset=SupportLevel.objects.none(), empty_label=_("— выберите уровень —")
    )
    effective_from = forms.DateField(
        validators=[date_validator(PLANNED)], label=_("Действует с"), widget=DateInput(), initial=timezone.localdate
    )
    basis = forms.ChoiceField(
        label=_("Основание"),
        choices=[
            c
            for c in LevelChange.Basis.choices
            if c[0] not in (LevelChange.Basis.INITIAL, LevelChange.Basis.PROVISIONAL)
        ],
        initial=LevelChange.Basis.CONSILIUM,
    )
    reason = forms.CharField(label=_("Обоснование"), widget=_textarea(3))

    def __init__(self, *args, region_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = region_levels(region_id)


class RefuseForm(SupportForm):
    closed_at = forms.DateField(
        validators=[date_validator(FACT)], label=_("Дата отказа"), widget=DateInput(), initial=timezone.localdate
    )
    note = forms.CharField(
        label=_("Комментарий"),
        required=False,
        widget=_textarea(3),
        help_text=_("Как выпускник выразил отказ, и что ему предложено на будущее."),
    )


class CloseForm(SupportForm):
    close_reason = forms.ChoiceField(
        label=_("Причина завершения"), choices=[("", "—")] + SupportCase.CloseReason.choices
    )
    closed_at = forms.DateField(
        validators=[date_validator(FACT)], label=_("Дата завершения"), widget=DateInput(), initial=timezone.localdate
    )
    close_report = forms.CharField(
        label=_("Итоговое заключение"),
        required=False,
        widget=_textarea(5),
        help_text=_("Что достигнуто, в каком положении выпускник, рекомендации. Обязательно после договора."),
    )


# --- Transfer ------------------------------------------------------------------------------------


class TransferForm(SupportForm):
    to_service = forms.ModelChoiceField(
        label=_("Служба региона"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("— выберите службу —"),
    )
    to_external = forms.CharField(
        label=_("…или территория за пределами региона"),
        max_length=300,
        required=False,
        validators=[place_validator],
        help_text=_("Регион, муниципальное образование и орган, куда направляется уведомление."),
    )
    moved_at = forms.DateField(
        validators=[date_validator(FACT)], label=_("Дата переезда"), widget=DateInput(), initial=timezone.localdate
    )
    new_address = forms.CharField(label=_("Новый адрес"), max_length=300, required=False, validators=[place_validator])
    recommendations = forms.CharField(label=_("Рекомендации принимающей службе"), required=False, widget=_textarea(4))

    def __init__(self, *args, graduate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_service"].queryset = (
            Service.objects.filter(region_id=graduate.service.region_id, is_active=True)
            .exclude(pk=graduate.service_id)
            .order_by("name")
        )


class TransferActionForm(SupportForm):
    """The buttons of a transfer (notice sent, cancel, accept): nothing to fill, errors only."""


class TransferAcceptForm(SupportForm):
    """Accepting a transfer, on its confirmation page: who leads the case now, and the confirmation itself.

    ``confirmed`` comes only from the confirmation page: a POST without it (a stale button, a
    double submit from elsewhere) accepts nothing and shows the page instead.
    """

    specialist = forms.ModelChoiceField(
        label=_("Специалист, который будет вести сопровождение"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— не назначен —"),
    )
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=True)

    def __init__(self, *args, transfer, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].error_messages["required"] = _(
            "Подтвердите принятие на странице передачи: выпускник переходит в вашу службу только после подтверждения."
        )
        staff = User.objects.filter(
            service_id=transfer.to_service_id, role__in=("specialist", "coordinator"), is_active=True
        ).order_by("last_name", "first_name", "id")
        self.fields["specialist"].queryset = staff
        if user.role == "specialist" and user.service_id == transfer.to_service_id:
            self.fields["specialist"].initial = user.pk


class TransferDeclineForm(SupportForm):
    """Declining a transfer: the reason, which the service requires (its refusal shows at the field)."""

    reason = forms.CharField(label=_("Причина отказа"), required=False, max_length=2000, widget=forms.Textarea)


# --- The plan ------------------------------------------------------------------------------------


class PlanCreateForm(SupportForm):
    starts_on = forms.DateField(
        validators=[date_validator(PLANNED)],
        label=_("Период плана с"),
        widget=DateInput(),
        initial=timezone.localdate,
        help_text=_("Продолжительность периода задаёт уровень сопровождения."),
    )
    review_reason = forms.CharField(
        label=_("Причина пересмотра"),
        max_length=300,
        required=False,
        help_text=_("Для новой версии: окончание периода, смена уровня, изменение ситуации…"),
    )


class GoalForm(SupportForm):
    domain = forms.ModelChoiceField(
        label=_("Сфера"), queryset=Domain.objects.none(), empty_label=_("— выберите сферу —")
    )
    text = forms.CharField(label=_("Цель"), widget=_textarea(2))

    def __init__(self, *args, region_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = region_domains(region_id)


class MeasureForm(SupportForm):
    goal = forms.ModelChoiceField(
        label=_("Цель"), queryset=PlanGoal.objects.none(), required=False, empty_label=_("— без цели —")
    )
    domain = forms.ModelChoiceField(
        label=_("Сфера"),
        queryset=Domain.objects.none(),
        required=False,
        empty_label=_("— как у цели —"),
    )
    text = forms.CharField(label=_("Мероприятие"), widget=_textarea(2))
    responsible = forms.ChoiceField(label=_("Ответственный"), choices=PlanMeasure.Responsible.choices)
    responsible_name = forms.CharField(
        label=_("Кто именно"), max_length=200, required=False, help_text=_("Организация, наставник, специалист.")
    )
    deadline = forms.DateField(validators=[date_validator(TERM)], label=_("Срок"), widget=DateInput())

    def __init__(self, *args, plan: SupportPlan, region_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = PlanGoal.objects.filter(plan=plan).select_related("domain")
        self.fields["goal"].label_from_instance = lambda goal: f"{goal.domain.name}: {goal.text[:60]}"
        self.fields["domain"].queryset = region_domains(region_id)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("goal") and not cleaned.get("domain") and "domain" not in self.errors:
            self.add_error("domain", _("Выберите сферу или цель плана."))
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        fields = {
            "goal": data["goal"],
            "text": data["text"].strip(),
            "responsible": data["responsible"],
            "responsible_name": data["responsible_name"],
            "deadline": data["deadline"],
        }
        if data["domain"]:
            fields["domain"] = data["domain"]
        return fields


class MeasureUpdateForm(RevisionFormMixin, SupportForm):
    """The progress of a measure; the hidden ``revision`` is the one the user started from."""

    status = forms.ChoiceField(label=_("Статус"), choices=PlanMeasure.Status.choices)
    result = forms.CharField(label=_("Результат"), required=False, widget=_textarea(2))
    done_at = forms.DateField(
        validators=[date_validator(FACT)],
        label=_("Дата выполнения"),
        widget=DateInput(),
        required=False,
        help_text=_("Если пусто — сегодня."),
    )


class PlanApproveForm(SupportForm):
    approved_at = forms.DateField(
        validators=[date_validator(FACT)], label=_("Дата утверждения"), widget=DateInput(), required=False
    )


# --- The journal ---------------------------------------------------------------------------------

# The kinds of a contact as the quick form shows them: short labels that fit a phone's buttons.
Kind = JournalEntry.Kind
QUICK_KINDS = [
    (Kind.PHONE, _("Звонок"), "telephone"),
    (Kind.MEETING, _("Встреча"), "people"),
    (Kind.HOME_VISIT, _("Визит на дом"), "house-door"),
    (Kind.MESSENGER, _("Мессенджер"), "chat-dots"),
]
MORE_KINDS = [
    (Kind.ACCOMPANYING, _("Сопровождение в учреждение"), "signpost"),
    (Kind.LETTER, _("Письмо, ходатайство"), "envelope"),
    (Kind.GROUP_EVENT, _("Групповое мероприятие"), "people-fill"),
    (Kind.OTHER, _("Другое"), "three-dots"),
]


class JournalDetails(SupportForm):
    """The details of a journal entry («Подробнее»), the same for a new entry and a correction."""

    domain = forms.ModelChoiceField(
        label=_("Сфера"), queryset=Domain.objects.none(), required=False, empty_label=_("— не указана —")
    )
    service_kind = forms.ModelChoiceField(
        label=_("Услуга"), queryset=ServiceKind.objects.none(), required=False, empty_label=_("— не указана —")
    )
    result = forms.CharField(label=_("Результат"), required=False, widget=_textarea(2))
    duration_minutes = forms.IntegerField(
        label=_("Длительность, мин."),
        required=False,
        min_value=1,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    participants = forms.CharField(label=_("Участники"), max_length=300, required=False)

    def narrow_details(self, region_id: int) -> None:
        """Only the region's directories are offered."""
        self.fields["domain"].queryset = region_domains(region_id)
        self.fields["service_kind"].queryset = ServiceKind.objects.filter(region_id=region_id, is_active=True).order_by(
            "order", "name"
        )


class JournalForm(JournalDetails):
    """A journal entry: the quick part (date, kind, text) and the details behind «Подробнее»."""

    date = forms.DateField(
        validators=[date_validator(FACT)],
        label=_("Дата"),
        widget=DateInput(),
        required=False,
        initial=timezone.localdate,
    )
    kind = forms.ChoiceField(label=_("Вид"), choices=Kind.choices, initial=Kind.PHONE, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Что сделано"),
        widget=_textarea(2, placeholder=_("Что сделано, о чём договорились")),
    )
    measure = forms.ModelChoiceField(
        label=_("Мероприятие плана"),
        queryset=PlanMeasure.objects.none(),
        required=False,
        empty_label=_("— не относится к плану —"),
    )

    DETAIL_FIELDS = ("domain", "service_kind", "result", "duration_minutes", "participants", "measure")
    field_order = ("date", "kind", "text", *DETAIL_FIELDS)

    def __init__(self, *args, region_id: int, case: SupportCase | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_details(region_id)
        if case is not None:
            self.fields["measure"].queryset = (
                PlanMeasure.objects.filter(plan__case=case)
                .exclude(plan__status=SupportPlan.Status.SUPERSEDED)
                .order_by("deadline", "id")
            )
        self.fields["measure"].label_from_instance = lambda m: f"{m.deadline:%d.%m.%Y} — {m.text[:60]}"
        self.fields["text"].widget.attrs["required"] = True

    def _kind_buttons(self, items) -> list[dict]:
        current = str(self["kind"].value() or Kind.PHONE)
        return [{"value": v, "label": label, "icon": icon, "checked": current == v} for v, label, icon in items]

    def main_kinds(self) -> list[dict]:
        """The common kinds as big radio buttons at the top of the quick form."""
        return self._kind_buttons(QUICK_KINDS)

    def more_kinds(self) -> list[dict]:
        """The rarer kinds, behind «Подробнее»."""
        return self._kind_buttons(MORE_KINDS)

    @property
    def details_open(self) -> bool:
        """Keep «Подробнее» open when one of its fields has an error or a value was typed."""
        if any(name in self.errors for name in self.DETAIL_FIELDS):
            return True
        current = self["kind"].value()
        return bool(current) and current in {value for value, _label, _icon in MORE_KINDS}

    def detail_fields(self):
        return [self[name] for name in self.DETAIL_FIELDS]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "kind": data["kind"],
            "text": data["text"].strip(),
            "domain": data["domain"],
            "service_kind": data["service_kind"],
            "result": data["result"],
            "duration_minutes": data["duration_minutes"],
            "participants": data["participants"],
            "measure": data["measure"],
        }


class JournalEditForm(RevisionFormMixin, JournalDetails):
    """Correcting a journal entry (its author, within the region's period): the entry's own words and facts.

    The case, the graduate and the link to a plan measure stay as entered. Field ids are
    prefixed with the entry, so that several entries may be edited on one page.
    """

    date = forms.DateField(label=_("Дата"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Вид"), choices=Kind.choices)
    text = forms.CharField(label=_("Что сделано"), widget=_textarea(3))

    MAIN_FIELDS = ("date", "kind", "text")
    DETAIL_FIELDS = ("domain", "service_kind", "result", "duration_minutes", "participants")
    field_order = (*MAIN_FIELDS, *DETAIL_FIELDS)

    def __init__(self, data=None, *args, entry: JournalEntry, region_id: int, **kwargs):
        if data is None:
            kwargs.setdefault("initial", {name: getattr(entry, name) for name in JournalEntry.EDITABLE_FIELDS})
        kwargs.setdefault("auto_id", f"id_entry{entry.pk}_%s")
        super().__init__(data, *args, revision=entry.revision, **kwargs)
        self.narrow_details(region_id)

    def main_fields(self):
        return [self[name] for name in self.MAIN_FIELDS]

    def detail_fields(self):
        return [self[name] for name in self.DETAIL_FIELDS]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in JournalEntry.EDITABLE_FIELDS}


class JournalRemoveForm(RevisionFormMixin, SupportForm):
    """Removing an entry made by mistake: the reason (required when it is not one's own entry)."""

    reason = forms.CharField(
        label=_("Причина удаления"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Например: внесена не тому выпускнику")}),
    )

    def __init__(self, *args, entry: JournalEntry, reason_required: bool, **kwargs):
        kwargs.setdefault("auto_id", f"id_remove{entry.pk}_%s")
        super().__init__(*args, revision=entry.revision, **kwargs)
        if reason_required:
            self.fields["reason"].required = True
            self.fields["reason"].widget.attrs["required"] = True
