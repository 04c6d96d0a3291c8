"""The registry list's support filters: on support or not, the case's stage, the level in force
and the specialist. Registered with the registry (which knows nothing of this app) on start-up.

Each looks only at the graduate's open case (at most one), through an EXISTS subquery, so a
graduate is never listed twice; the level is the one in force today, from the level history.
The choices offered are within the user's reach: the levels of the user's region, the staff
of the user's service (of the region, for the regional centre).
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from opora.core.access import reach
from opora.org.models import User
from opora.registry.forms import register_filter
from opora.support.caseload import level_in_force, open_case_exists
from opora.support.models import SupportCase, SupportLevel

Status = SupportCase.Status
ON_SUPPORT, NOT_ON_SUPPORT = "yes", "no"
NO_SPECIALIST = "null"
STAFF_ROLES = ("specialist", "coordinator")


def filter_on_support(queryset, name, value):
    """«На сопровождении»: the open case is active (a contract is signed); «не на сопровождении»: it is not."""
    on_support = open_case_exists(status=Status.ACTIVE)
    return queryset.filter(on_support) if value == ON_SUPPORT else queryset.exclude(on_support)


def filter_case_status(queryset, name, value):
    return queryset.filter(open_case_exists(status=value))


def filter_level(queryset, name, level):
    """Graduates whose open case is at ``level`` today (from the level history)."""
    at_level = (
        SupportCase.objects.open()
        .filter(graduate=OuterRef("pk"))
        .annotate(level_today=level_in_force(timezone.localdate()))
        .filter(level_today=level.pk)
    )
    return queryset.filter(Exists(at_level))


def filter_specialist(queryset, name, specialist):
    if specialist == NO_SPECIALIST:
        return queryset.filter(open_case_exists(specialist__isnull=True))
    return queryset.filter(open_case_exists(specialist=specialist))


def on_support_filter(user) -> django_filters.Filter:
    return django_filters.ChoiceFilter(
        label=_("Сопровождение"),
        choices=[(ON_SUPPORT, _("На сопровождении")), (NOT_ON_SUPPORT, _("Не на сопровождении"))],
        empty_label=_("Все"),
        method=filter_on_support,
    )


def case_status_filter(user) -> django_filters.Filter:
    return django_filters.ChoiceFilter(
        label=_("Этап сопровождения"),
        choices=[(status.value, status.label) for status in SupportCase.OPEN_STATUSES],
        empty_label=_("Все"),
        method=filter_case_status,
    )


def level_filter(user) -> django_filters.Filter:
    levels = SupportLevel.objects.none()
    if reach(user) is not None:
        levels = SupportLevel.objects.filter(region_id=user.service.region_id).order_by("order", "name")
    return django_filters.ModelChoiceFilter(
        label=_("Уровень сопровождения"), queryset=levels, empty_label=_("Все"), method=filter_level
    )


class StaffChoiceField(ModelChoiceField):
    """A member of staff by name; across the region, with their service."""

    def __init__(self, *args, with_service: bool = False, **kwargs):
        self.with_service = with_service
        super().__init__(*args, **kwargs)

    def label_from_instance(self, user) -> str:
        name = user.short_name or user.username
        return f"{name} — {user.service.display_name}" if self.with_service else name


class StaffChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = StaffChoiceField


def specialist_filter(user) -> django_filters.Filter:
    how = reach(user)
    staff = User.objects.none()
    if how == "service":
        staff = User.objects.filter(service_id=user.service_id)
    elif how == "region":
        staff = User.objects.filter(service__region_id=user.service.region_id)
    staff = staff.filter(role__in=STAFF_ROLES, is_active=True).select_related("service")
    return StaffChoiceFilter(
        label=_("Специалист"),
        queryset=staff.order_by("last_name", "first_name", "id"),
        empty_label=_("Все"),
        null_label=_("Без специалиста"),
        null_value=NO_SPECIALIST,
        method=filter_specialist,
        with_service=how == "region",
    )


register_filter("on_support", on_support_filter)
register_filter("case_status", case_status_filter)
register_filter("level", level_filter)
register_filter("specialist", specialist_filter)
