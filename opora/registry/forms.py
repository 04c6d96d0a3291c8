"""Forms of the registry: the graduate record, the consent, and the list's filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core.filters import FilterSet, IdChoiceFilter, IntegerFilter
from opora.core.forms import BootstrapFormMixin, DateInput
from opora.core.uploads import ImageUploadField, KeepFileInput, KeepUploadsMixin
from opora.core.versioning import RevisionFormMixin
from opora.org.models import Service, Territory
from opora.registry.models import Consent, Graduate, VulnerableCategory
from opora.registry.validators import normalize_phone, normalize_snils

# The sections of the graduate form, in the order a specialist fills them in.
GRADUATE_SECTIONS = [
    (_("Личные данные"), ["last_name", "first_name", "patronymic", "sex", "birth_date", "snils", "id_document"]),
    (
        _("Статус и выпуск"),
        ["status_category", "identification_place", "left_from_kind", "left_organisation", "left_at"],
    ),
    (_("Служба и адреса"), ["service", "territory", "registration_address", "actual_address"]),
    (_("Контакты"), ["phone", "messengers", "email"]),
    (_("Семья"), ["marital_status", "children_count", "is_pregnant", "legal_representative"]),
    (_("Жильё"), ["housing", "housing_right", "housing_on_list"]),
    (_("Образование и занятость"), ["education", "education_place", "employment", "employment_place"]),
    (_("Здоровье и риски"), ["disability", "vulnerable_categories", "risk_factors", "notes"]),
    (_("Фотографии"), ["photo_portrait", "photo_full"]),
]


PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


class GraduateForm(KeepUploadsMixin, RevisionFormMixin, BootstrapFormMixin, forms.ModelForm):
    """The graduate record. Services and territories offered are only those the user may use.

    The hidden ``revision`` says which revision of the record the user started from. Photos
    are checked by the model field's validator (type, size, content); one chosen when another
    field has an error is kept for the next submit (KeepUploadsMixin).
    """

    # Sent by the «Всё равно сохранить» button of the duplicate warning (graduate_form.html).
    confirm_duplicate = forms.BooleanField(
        label=_("Это другой человек — всё равно сохранить"),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Graduate
        fields = [name for _title, names in GRADUATE_SECTIONS for name in names]
        widgets = {
            "birth_date": DateInput(),
            "left_at": DateInput(),
            "vulnerable_categories": forms.CheckboxSelectMultiple,
            "risk_factors": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "placeholder": "+7 (___) ___-__-__"}),
            "snils": forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "___-___-___ __"}),
            "photo_portrait": KeepFileInput(attrs={"accept": PHOTO_ACCEPT}, pending_label=_("Фото выбрано")),
            "photo_full": KeepFileInput(attrs={"accept": PHOTO_ACCEPT}, pending_label=_("Фото выбрано")),
        }
        field_classes = {"photo_portrait": ImageUploadField, "photo_full": ImageUploadField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        services = Service.objects.assignable_by(user).order_by("name")
        self.fields["service"].queryset = services
        self.fields["territory"].queryset = Territory.objects.visible_to(user).order_by("name")
        self.fields["vulnerable_categories"].queryset = VulnerableCategory.objects.all()
        if self.instance.pk is None and user.service_id and services.filter(pk=user.service_id).exists():
            self.fields["service"].initial = user.service_id
            if user.service.territory_id:
                self.fields["territory"].initial = user.service.territory_id
        for name in ("photo_portrait", "photo_full"):
            self.fields[name].help_text = _("JPG, PNG или WEBP, не более %(mb)s МБ.") % {
                "mb": settings.OPORA_MAX_PHOTO_MB
            }
        for name, field in self.fields.items():
            if field.required and not isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("required", True)
            if name in ("last_name", "first_name", "patronymic"):
                field.widget.attrs["autocomplete"] = "off"

    @property
    def sections(self):
        return [(title, [self[name] for name in names if name in self.fields]) for title, names in GRADUATE_SECTIONS]

    def clean_snils(self) -> str:
        value = self.cleaned_data.get("snils", "")
        return normalize_snils(value) if value else ""

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "")
        return normalize_phone(value) if value else ""

    def clean_last_name(self) -> str:
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_first_name(self) -> str:
        return " ".join(self.cleaned_data["first_name"].split())

    def clean(self):
        cleaned = super().clean()
        left_at, birth = cleaned.get("left_at"), cleaned.get("birth_date")
        if left_at and birth and left_at < birth:
            self.add_error("left_at", _("Дата выпуска не может быть раньше даты рождения."))
        return cleaned

    def service_data(self) -> dict:
        """The cleaned data as the registry's services take it."""
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("vulnerable_categories", "confirm_duplicate", "revision")
        }
        for name in ("photo_portrait", "photo_full"):
            if data.get(name) is False:  # «clear» ticked
                data[name] = ""
            elif data.get(name) is None:
                data.pop(name, None)
        return data


class DetailsConfirmForm(RevisionFormMixin, BootstrapFormMixin, forms.ModelForm):
    """After a move: the receiving specialist checks the address, territory, housing and college.

    Prefilled from the record (the address and territory the transfer brought); saving clears the
    card's «сведения нужно подтвердить» mark, through the same update service and revision check.
    """

    class Meta:
        model = Graduate
        fields = [
            "actual_address",
            "territory",
            "housing",
            "housing_right",
            "housing_on_list",
            "education",
            "education_place",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.visible_to(user).order_by("name")
        self.fields["education_place"].help_text = _("Колледж, техникум, вуз или школа, где выпускник учится сейчас.")
        for field in self.fields.values():
            if field.required:
                field.widget.attrs.setdefault("required", True)

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "revision"}


class ConsentForm(KeepUploadsMixin, BootstrapFormMixin, forms.ModelForm):
    """A written consent; the scan is checked by the model field's validator and kept through an error."""

    class Meta:
        model = Consent
        fields = ["given_at", "given_by", "scope", "valid_until", "scan"]
        widgets = {
            "given_at": DateInput(),
            "valid_until": DateInput(),
            "scope": forms.Textarea(attrs={"rows": 3}),
            "scan": KeepFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_at"].initial = timezone.localdate()
        self.fields["scan"].help_text = _("PDF, JPG или PNG, не более %(mb)s МБ.") % {"mb": settings.OPORA_MAX_SCAN_MB}
        self.fields["scope"].initial = _(
            "Фамилия, имя, отчество; дата рождения; СНИЛС; документ, удостоверяющий личность; адреса; "
            "контакты; сведения о семье, жилье, образовании, занятости и здоровье — в целях "
            "постинтернатного сопровождения: сбор, запись, хранение, уточнение, передача в органы "
            "системы профилактики по запросу, уничтожение. Срок — до окончания сопровождения; "
            "отзыв — письменным заявлением."
        )


SORTS = {
    "name": ("last_name", "first_name", "patronymic", "id"),
    "-name": ("-last_name", "-first_name", "-patronymic", "-id"),
    "birth": ("birth_date", "id"),
    "-birth": ("-birth_date", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "service": ("service__name", "last_name", "first_name", "id"),
}


def birth_bounds(age_from: int | None, age_to: int | None, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """Birth dates of people aged from ``age_from`` to ``age_to`` full years on ``today``."""

    def years_ago(years: int) -> dt.date:
        try:
            return today.replace(year=today.year - years)
        except ValueError:
            return today.replace(year=today.year - years, day=28)

    youngest = years_ago(age_from) if age_from is not None else None
    oldest = years_ago(age_to + 1) + dt.timedelta(days=1) if age_to is not None else None
    return oldest, youngest


class FilterForm(BootstrapFormMixin, forms.Form):
    pass


# Filters that later apps add to the registry list (the support app: the case's status, level and
# specialist), registered from their AppConfig.ready() so that the registry imports none of them.
# A factory takes the user and returns a django-filter Filter with choices within the user's reach.
FilterFactory = Callable[[Any], django_filters.Filter]
FILTER_EXTENSIONS: dict[str, FilterFactory] = {}


def register_filter(name: str, factory: FilterFactory) -> None:
    """Add a filter to the registry list (the page and the API alike), after the registry's own."""
    if name in GraduateFilter.base_filters:
        raise ValueError(f"the registry list already has a filter named {name!r}")
    FILTER_EXTENSIONS[name] = factory


class GraduateFilter(FilterSet):
    """The registry list's search, filters and sorting (the same for the page and the API)."""

    q = django_filters.CharFilter(label=_("Поиск"), method="filter_q")
    service = IdChoiceFilter(label=_("Служба"), queryset=Service.objects.none(), empty_label=_("Все"))
    territory = IdChoiceFilter(label=_("Территория"), queryset=Territory.objects.none(), empty_label=_("Все"))
    status_category = django_filters.ChoiceFilter(
        label=_("Статус"), choices=Graduate.StatusCategory.choices, empty_label=_("Все")
    )
    vulnerable = IdChoiceFilter(
        label=_("Уязвимая категория"),
        empty_label=_("Все"),
        field_name="vulnerable_categories",
        queryset=VulnerableCategory.objects.all(),
    )
    age_from = IntegerFilter(label=_("Возраст от"), method="filter_age", min_value=0, max_value=120)
    age_to = IntegerFilter(label=_("Возраст до"), method="filter_age", min_value=0, max_value=120)
    sort = django_filters.ChoiceFilter(
        label=_("Сортировка"),
        method="filter_sort",
        empty_label=None,
        choices=[
            ("name", _("ФИО (А–Я)")),
            ("-name", _("ФИО (Я–А)")),
            ("birth", _("Сначала старшие")),
            ("-birth", _("Сначала младшие")),
            ("-created", _("Сначала новые записи")),
            ("created", _("Сначала старые записи")),
            ("service", _("По службе")),
        ],
    )

    class Meta:
        model = Graduate
        fields = ["q", "service", "territory", "status_category", "vulnerable", "age_from", "age_to", "sort"]
        form = FilterForm

    def __init__(self, data=None, *args, user, vendor: str, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.vendor = vendor
        self.filters["service"].queryset = Service.objects.visible_to(user).order_by("name")
        self.filters["territory"].queryset = Territory.objects.visible_to(user).order_by("name")
        for name, factory in FILTER_EXTENSIONS.items():
            extension = factory(user)
            extension.model, extension.parent = self.queryset.model, self
            self.filters[name] = extension

    @property
    def extension_fields(self) -> list:
        """The form fields of the filters other apps added (the filter bar renders them in a loop)."""
        return [self.form[name] for name in FILTER_EXTENSIONS if name in self.form.fields]

    fuzzy = False  # set when nothing matched exactly and similar names are shown instead

    def filter_q(self, queryset, name, value):
        exact = queryset.search(value)
        # Nothing matched exactly: names within a typo or two (pg_trgm on PostgreSQL, the same
        # measure in Python on SQLite — opora.registry.similarity).
        if not exact.exists():
            self.fuzzy = True
            return queryset.similar_to(value)
        return exact

    def filter_age(self, queryset, name, value):
        # Both bounds are applied together, once, in filter_queryset.
        return queryset

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["name"]))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        age_from, age_to = data.get("age_from"), data.get("age_to")
        if age_from is not None or age_to is not None:
            oldest, youngest = birth_bounds(
                int(age_from) if age_from is not None else None,
                int(age_to) if age_to is not None else None,
                timezone.localdate(),
            )
            queryset = queryset.born_between(oldest, youngest)
        if not data.get("sort") and not self.fuzzy:
            queryset = queryset.order_by(*SORTS["name"])
        if data.get("vulnerable"):
            queryset = queryset.distinct()
        return queryset
