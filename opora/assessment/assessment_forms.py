"""The forms of the assessment card and of the monitoring (one page each; the rules are the services').

:class:`AssessmentForm` has, per domain of the region's directory, the fields named by
:func:`opora.assessment.services.domain_field` (``d<id>_severity``, ``d<id>_reason``, …), so a
refusal of the service lands at the field it names. The form itself checks only the shape; the
rules (every domain, a reason per score, the catalogue, the quarter) are the service's.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.assessment.models import SEVERITY_TEXTS, Assessment, DifficultyType, Monitoring, Severity
from opora.assessment.services import domain_field
from opora.core.forms import BootstrapFormMixin, DateInput
from opora.core.validators import FACT, date_validator
from opora.core.versioning import RevisionFormMixin

NOT_RATED = ""
# The prefix of the monitoring's fields inside the assessment form.
MONITORING_PREFIX = "m_"


def style(form: forms.Form) -> None:
    """Bootstrap classes for the fields added after BootstrapFormMixin ran (the per-domain ones)."""
    for field in form.fields.values():
        widget = field.widget
        if "class" in widget.attrs:
            continue
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


def severity_choices():
    return [(str(value), f"{label}. {SEVERITY_TEXTS[value]}") for value, label in Severity.choices]


class MonitoringFieldsMixin:
    """The monitoring's fields (seven indicators, the criteria, the outcome, a comment), named with ``prefix``."""

    monitoring_prefix = ""

    def add_monitoring_fields(self, *, required: bool) -> None:
        p = self.monitoring_prefix
        for name in Monitoring.INDICATORS:
            self.fields[p + name] = forms.CharField(
                label=Monitoring._meta.get_field(name).verbose_name,
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[p + name].shown_required = required
        for name in Monitoring.CRITERIA:
            self.fields[p + name] = forms.BooleanField(
                label=Monitoring._meta.get_field(name).verbose_name, required=False
            )
        self.fields[p + "outcome"] = forms.ChoiceField(
            label=_("Итог"), required=False, choices=Monitoring.Outcome.choices, widget=forms.RadioSelect
        )
        self.fields[p + "comment"] = forms.CharField(
            label=_("Комментарий"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
        )

    def monitoring_data(self) -> dict:
        p = self.monitoring_prefix
        data = {name: self.cleaned_data.get(p + name, "") for name in Monitoring.INDICATORS}
        data.update({name: bool(self.cleaned_data.get(p + name)) for name in Monitoring.CRITERIA})
        data["outcome"] = self.cleaned_data.get(p + "outcome") or ""
        data["comment"] = self.cleaned_data.get(p + "comment", "")
        return data

    def monitoring_field(self, service_field: str | None) -> str | None:
        """The form field a refusal of the monitoring service names."""
        if service_field and self.monitoring_prefix + service_field in self.fields:
            return self.monitoring_prefix + service_field
        return None

    @property
    def monitoring_indicators(self):
        return [self[self.monitoring_prefix + n] for n in Monitoring.INDICATORS]

    @property
    def monitoring_criteria(self):
        return [self[self.monitoring_prefix + n] for n in Monitoring.CRITERIA]

    @property
    def monitoring_outcome(self):
        return self[self.monitoring_prefix + "outcome"]

    @property
    def monitoring_comment(self):
        return self[self.monitoring_prefix + "comment"]


class AssessmentForm(MonitoringFieldsMixin, RevisionFormMixin, BootstrapFormMixin, forms.Form):
    """A new assessment, or a correction (``correcting``: the original; then a reason is asked)."""

    monitoring_prefix = MONITORING_PREFIX

    assessed_on = forms.DateField(label=_("Дата оценки"), widget=DateInput(), validators=[date_validator(FACT)])
    kind = forms.ChoiceField(label=_("Вид оценки"), choices=Assessment.Kind.choices, initial=Assessment.Kind.QUARTERLY)
    conclusion = forms.CharField(
        label=_("Заключение"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Коротко: что изменилось, что главное на следующий квартал."),
    )

    def __init__(self, *args, domains, catalogue, correcting: Assessment | None = None, offer_monitoring=False, **kw):
        super().__init__(*args, **kw)
        self.domains = list(domains)
        self.correcting = correcting
        self.offer_monitoring = offer_monitoring
        by_domain: dict[int, list[DifficultyType]] = {}
        for item in catalogue:
            by_domain.setdefault(item.domain_id, []).append(item)
        for domain in self.domains:
            self.fields[domain_field(domain.pk, "severity")] = forms.ChoiceField(
                label=_("Оценка специалиста"), choices=severity_choices(), widget=forms.RadioSelect
            )
            self.fields[domain_field(domain.pk, "reason")] = forms.CharField(
                label=_("Обоснование оценки"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[domain_field(domain.pk, "difficulty_types")] = forms.TypedMultipleChoiceField(
                label=_("Трудности из каталога"),
                required=False,
                coerce=int,
                choices=[(t.pk, t.name) for t in by_domain.get(domain.pk, [])],
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[domain_field(domain.pk, "texts")] = forms.CharField(
                label=_("Другие трудности"),
                required=False,
                max_length=4000,
                help_text=_("По одной на строке."),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[domain_field(domain.pk, "notes")] = forms.CharField(
                label=_("Комментарий специалиста"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
            self.fields[domain_field(domain.pk, "graduate_severity")] = forms.ChoiceField(
                label=_("Оценка выпускника"),
                required=False,
                choices=[(NOT_RATED, _("не оценивал"))] + [(str(v), label) for v, label in Severity.choices],
                initial=NOT_RATED,
                widget=forms.RadioSelect,
            )
            self.fields[domain_field(domain.pk, "graduate_comment")] = forms.CharField(
                label=_("Слова выпускника"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
        if correcting is not None:
            del self.fields["kind"]
            self.fields["reason"] = forms.CharField(
                label=_("Причина исправления"),
                max_length=Assessment._meta.get_field("correction_reason").max_length,
                help_text=_("Исходная оценка сохранится и будет помечена как исправленная."),
            )
        if offer_monitoring:
            self.fields["with_monitoring"] = forms.BooleanField(
                label=_("Заполнить полугодовой мониторинг вместе с оценкой"), required=False
            )
            self.add_monitoring_fields(required=True)
        style(self)

    def sections(self):
        """Per domain: the domain and its bound fields, for the template's fieldsets."""
        out = []
        for domain in self.domains:
            out.append(
                {
                    "domain": domain,
                    **{
                        name: self[domain_field(domain.pk, name)]
                        for name in (
                            "severity",
                            "reason",
                            "difficulty_types",
                            "texts",
                            "notes",
                            "graduate_severity",
                            "graduate_comment",
                        )
                    },
                }
            )
        return out

    def domain_data(self) -> dict[int, dict]:
        data = self.cleaned_data
        out = {}
        for domain in self.domains:
            graduate = data.get(domain_field(domain.pk, "graduate_severity"))
            out[domain.pk] = {
                "severity": data.get(domain_field(domain.pk, "severity")),
                "reason": data.get(domain_field(domain.pk, "reason"), ""),
                "difficulty_types": data.get(domain_field(domain.pk, "difficulty_types")) or [],
                "texts": data.get(domain_field(domain.pk, "texts"), ""),
                "notes": data.get(domain_field(domain.pk, "notes"), ""),
                "graduate_severity": None if graduate in (None, NOT_RATED) else graduate,
                "graduate_comment": data.get(domain_field(domain.pk, "graduate_comment"), ""),
            }
        return out

    @property
    def wants_monitoring(self) -> bool:
        return self.offer_monitoring and bool(self.cleaned_data.get("with_monitoring"))


def initial_from(assessment: Assessment) -> dict:
    """The form's initial values from an assessment (a correction starts from the original)."""
    initial = {"assessed_on": assessment.assessed_on, "conclusion": assessment.conclusion}
    difficulties: dict[int, tuple[list[int], list[str]]] = {}
    for row in assessment.difficulties.all():
        if row.status == row.Status.CLOSED:
            continue
        types, texts = difficulties.setdefault(row.domain_id, ([], []))
        if row.difficulty_type_id:
            types.append(row.difficulty_type_id)
        else:
            texts.append(row.text)
    for row in assessment.domains.all():
        types, texts = difficulties.get(row.domain_id, ([], []))
        initial.update(
            {
                domain_field(row.domain_id, "severity"): str(row.severity),
                domain_field(row.domain_id, "reason"): row.reason,
                domain_field(row.domain_id, "difficulty_types"): types,
                domain_field(row.domain_id, "texts"): "\n".join(texts),
                domain_field(row.domain_id, "notes"): row.notes,
                domain_field(row.domain_id, "graduate_severity"): (
                    NOT_RATED if row.graduate_severity is None else str(row.graduate_severity)
                ),
                domain_field(row.domain_id, "graduate_comment"): row.graduate_comment,
            }
        )
    return initial


class MonitoringForm(MonitoringFieldsMixin, BootstrapFormMixin, forms.Form):
    """The monitoring alone (its own page)."""

    monitored_on = forms.DateField(label=_("Дата мониторинга"), widget=DateInput(), validators=[date_validator(FACT)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_monitoring_fields(required=True)
        style(self)
