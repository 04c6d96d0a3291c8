"""The API's filters: every number a query string carries is checked before it reaches the database.

A filter on an identifier or another integer column takes only an integer within the column's
range: «?case=1e20», «?case=1.5», «?case=-1», «?case=abc» and «?case=99999999999999999999» are a
400 with a Russian message, not an overflow of SQLite («Python int too large to convert to
SQLite INTEGER»), a «bigint out of range» of PostgreSQL, or a silent «1» for «1.5».

Every FilterSet of the API derives from :class:`FilterSet`: its automatic filters (a viewset's
``filterset_fields``, through :class:`FilterBackend`) map integer columns to
:class:`IntegerFilter`, and a declared filter on an identifier uses :class:`IdFilter`.
``opora/support/tests/test_api_bad_input.py`` walks every list endpoint and every parameter of the
schema with such values.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

from opora.core.validators import MAX_ID


class IntegerField(forms.IntegerField):
    """An integer within ``min_value`` … ``max_value``, with one Russian message for every refusal."""

    def __init__(self, *, min_value: int, max_value: int, **kwargs):
        message = _("Нужно целое число от %(min)s до %(max)s.") % {"min": min_value, "max": max_value}
        kwargs.setdefault("error_messages", {}).update({"invalid": message, "min_value": message, "max_value": message})
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        # «1.0» is not an integer a client should send, and «1e20» is not one at all.
        if isinstance(value, str) and value.strip() and not value.strip().lstrip("-").isdigit():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(value, str) and len(value.strip()) > 20:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IntegerFilter(django_filters.NumberFilter):
    """A filter on an integer column: only integers the column can hold (its database range)."""

    field_class = IntegerField

    def __init__(self, *args, min_value: int = -MAX_ID - 1, max_value: int = MAX_ID, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)
        # The schema says so too (drf-spectacular reads this annotation): an integer in the range.
        self._spectacular_annotation = {"field": {"type": "integer", "minimum": min_value, "maximum": max_value}}

    def get_max_validator(self):
        return None  # the field's own range is the bound (NumberFilter adds 1e50 for decimals)


class IdFilter(IntegerFilter):
    """A filter on a record's identifier (its own or a reference): 1 … 2⁶³−1."""

    def __init__(self, *args, min_value: int = 1, max_value: int = MAX_ID, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A reference chosen among the records a user may use (the schema: an identifier from 1)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._spectacular_annotation = {"field": dict(ID_SCHEMA)}


def _integer_range(field: models.Field) -> tuple[int, int]:
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return (low if low is not None else -MAX_ID - 1, high if high is not None else MAX_ID)


INTEGER_FIELDS = (models.IntegerField, models.SmallIntegerField, models.BigIntegerField)


class FilterSet(django_filters.FilterSet):
    """The base of the API's FilterSets: automatic filters on integer columns are bounded."""

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        if isinstance(field, INTEGER_FIELDS) and not field.choices:
            low, high = _integer_range(field)
            if field.primary_key:
                low = max(low, 1)
            return IntegerFilter(
                field_name=field_name,
                lookup_expr=lookup_expr or "exact",
                label=field.verbose_name,
                min_value=low,
                max_value=high,
            )
        filter_ = super().filter_for_field(field, field_name, lookup_expr)
        if field.is_relation and isinstance(filter_, django_filters.ModelChoiceFilter):
            filter_._spectacular_annotation = {"field": dict(ID_SCHEMA)}
        return filter_


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, building a viewset's ``filterset_fields`` on :class:`FilterSet`."""

    filterset_base = FilterSet
