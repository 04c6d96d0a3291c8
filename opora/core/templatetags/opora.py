"""Formatting tags: they only format, never decide."""

from django import template
from django.utils.translation import ngettext

from opora.core import audit
from opora.core.models import AuditEvent

register = template.Library()


@register.filter
def years(n) -> str:
    """«1 год», «3 года», «5 лет»."""
    if n in (None, ""):
        return ""
    n = int(n)
    return ngettext("%(n)s год", "%(n)s лет", n) % {"n": n}


@register.filter
def minutes(delta) -> int | str:
    """A timedelta as whole minutes, rounded up (the lock-out page's «через 15 мин.»)."""
    if delta in (None, ""):
        return ""
    return -(-int(delta.total_seconds()) // 60)


@register.filter
def is_checkbox(bound_field) -> bool:
    return bound_field.widget_type in ("checkbox",)


@register.filter
def is_multi_checkbox(bound_field) -> bool:
    return bound_field.widget_type in ("checkboxselectmultiple", "radioselect")


@register.filter
def elided(page):
    """Page numbers around the current one, with «…» for the gaps."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.filter
def shown_changes(changes) -> dict:
    """An audit event's changes without its bookkeeping keys (those starting with «_», e.g. revisions)."""
    if not isinstance(changes, dict):
        return changes
    return {key: value for key, value in changes.items() if not str(key).startswith("_")}


@register.simple_tag
def change_rows(event) -> list[tuple[str, str, str]]:
    """The fields an audit event changed, as a person reads them: [(field, was, became)].

    The log stores codes (a status's value, an ISO date, True/False); this names each key after the
    field of the event's model, or after the apps' label tables, and renders each value as its label
    (opora.core.audit.field_label / value_label). A read has no rows.
    """
    if event.action not in AuditEvent.SHOWS_CHANGES or not isinstance(event.changes, dict):
        return []
    model = event.content_type.model_class() if event.content_type_id else None
    rows = []
    for key, pair in event.changes.items():
        if audit.is_bookkeeping(key):
            continue
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        rows.append(
            (
                audit.field_label(model, key),
                audit.value_label(model, key, before),
                audit.value_label(model, key, after),
            )
        )
    return rows
