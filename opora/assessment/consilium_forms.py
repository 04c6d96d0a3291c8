"""Forms of the consilium pages. The rules are the workflows' (opora.assessment.consilium): a form
checks what it can without context, the workflow decides and its refusal shows at the field."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.assessment.models import Consilium, ConsiliumDecision
from opora.core.forms import BootstrapFormMixin, DateInput
from opora.core.validators import PLANNED, TERM, date_validator
from opora.core.versioning import RevisionFormMixin


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        position = f", {obj.position}" if obj.position else ""
        return f"{obj}{position}"


class ConsiliumForm(BootstrapFormMixin, forms.Form):
    """Preparing a consilium: kind, date, number, participants from the service's staff, attracted specialists."""

    kind = forms.ChoiceField(
        label=_("Вид консилиума"), choices=Consilium.Kind.choices, initial=Consilium.Kind.QUARTERLY
    )
    held_on = forms.DateField(
        label=_("Дата проведения"), widget=DateInput(), validators=[date_validator(PLANNED)], initial=timezone.localdate
    )
    number = forms.CharField(label=_("Номер протокола"), max_length=40, required=False)
    participants = StaffChoiceField(
        label=_("Участники — сотрудники службы"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attracted_participants = forms.CharField(
        label=_("Привлечённые специалисты"),
        required=False,
        widget=_textarea(3),
        help_text=_("По одному на строку: ФИО, должность, организация."),
    )
    agenda = forms.CharField(label=_("Повестка"), required=False, widget=_textarea(2))

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = staff


class DecisionForm(BootstrapFormMixin, RevisionFormMixin, forms.Form):
    """One graduate's decision on the hold page. The levels are the region's, read once for the page."""

    level = forms.TypedChoiceField(label=_("Решение об уровне"), coerce=int, empty_value=None)
    override_reason = forms.CharField(
        label=_("Почему не по правилу"),
        required=False,
        widget=_textarea(2),
        help_text=_("Обязательно, если уровень не совпадает с предложенным по правилу."),
    )
    plan_decision = forms.ChoiceField(
        label=_("Решение по плану"), choices=ConsiliumDecision.PlanDecision.choices, required=False
    )
    route = forms.CharField(label=_("Индивидуальный маршрут"), required=False, widget=_textarea(2))
    notes = forms.CharField(label=_("Обсуждение"), required=False, widget=_textarea(2))

    def __init__(self, *args, levels, decision: ConsiliumDecision, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "level": decision.level_id,
                "override_reason": decision.override_reason,
                "plan_decision": decision.plan_decision,
                "route": decision.route,
                "notes": decision.notes,
            },
        )
        super().__init__(*args, revision=decision.revision, **kwargs)
        self.levels = {level.pk: level for level in levels}
        self.fields["level"].choices = [("", _("— выберите уровень —"))] + [(lv.pk, lv.name) for lv in levels]
        self.fields["level"].widget.attrs.update(
            {"data-suggested": decision.suggested_level_id or "", "class": "form-select decision-level"}
        )
        self.fields["override_reason"].widget.attrs["class"] = "form-control override-reason"
        if decision.plan_id is None:
            self.fields["plan_decision"].choices = [ConsiliumDecision.PlanDecision.choices[0]]
        if decision.consilium.kind != Consilium.Kind.PRIMARY:
            self.fields["route"].help_text = _("Для первичного консилиума; здесь — по необходимости.")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "level": self.levels.get(data["level"]),
            "override_reason": data["override_reason"],
            "plan_decision": data["plan_decision"],
            "route": data["route"],
            "notes": data["notes"],
        }

    def clean_level(self):
        value = self.cleaned_data["level"]
        if value is not None and value not in self.levels:
            raise forms.ValidationError(_("Этот уровень сопровождения не действует в регионе."))
        return value


class RecommendationForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Рекомендация"), required=False, max_length=2000)
    responsible = forms.CharField(label=_("Ответственный"), required=False, max_length=200)
    deadline = forms.DateField(label=_("Срок"), required=False, widget=DateInput(), validators=[date_validator(TERM)])


class CandidateFilterForm(BootstrapFormMixin, forms.Form):
    show = forms.ChoiceField(
        label=_("Показать"),
        required=False,
        choices=[
            ("", _("Всех на сопровождении")),
            ("due", _("Кому пора на консилиум")),
            ("provisional", _("С предварительным уровнем")),
            ("differs", _("Предложение по правилу не совпадает с уровнем")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Порядок"),
        required=False,
        choices=[
            ("change", _("Сильнее всего изменились")),
            ("name", _("По фамилии")),
            ("assessed", _("Давно не оценивались")),
        ],
    )


class ConsiliumFilterForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Вид"), required=False, choices=[("", _("Все"))] + Consilium.Kind.choices)
    status = forms.ChoiceField(label=_("Статус"), required=False, choices=[("", _("Все"))] + Consilium.Status.choices)
    year = forms.IntegerField(label=_("Год"), required=False, min_value=2000, max_value=2100)
