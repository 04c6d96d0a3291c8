"""Formatting tags: they only format, never decide."""

from django import template
from django.utils.translation import ngettext

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
