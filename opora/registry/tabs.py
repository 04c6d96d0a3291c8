"""The tabs of the graduate card (личное дело).

The registry owns the first tabs; a later app (support, assessment, appeals) adds its
own with :func:`register_tab` in its AppConfig.ready(), so the registry never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CardTab:
    key: str
    label: str
    url_name: str
    order: int
    visible: Callable[[object, object], bool] = lambda user, graduate: True


_TABS: list[CardTab] = [
    CardTab("main", _("Основное"), "registry:detail", 10),
    CardTab("consents", _("Согласие на обработку ПДн"), "registry:consents", 20),
    CardTab("history", _("История изменений"), "registry:history", 90),
]


def register_tab(tab: CardTab) -> None:
    if any(t.key == tab.key for t in _TABS):
        return
    _TABS.append(tab)
    _TABS.sort(key=lambda t: t.order)


def card_tabs(user, graduate) -> list[dict]:
    return [
        {"key": t.key, "label": t.label, "url": reverse(t.url_name, kwargs={"pk": graduate.pk})}
        for t in _TABS
        if t.visible(user, graduate)
    ]
