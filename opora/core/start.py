"""The start page's sections, contributed by the apps (core knows none of them).

An app registers a section from its ``AppConfig.ready()``: a function that takes the start
page's view (a :class:`~opora.core.views.ScopedView`, so the section fetches through the scope
and tells the view which rows it showed, for the audit) and returns the context of its
template, or None when it has nothing for this user. The template gets that context as
``section``. Sections appear in the order of ``order``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StartSection:
    name: str
    template: str
    build: Callable[[Any], dict | None]
    order: int = 100


START_SECTIONS: dict[str, StartSection] = {}


def register_section(section: StartSection) -> None:
    START_SECTIONS[section.name] = section


def sections_for(view) -> list[dict]:
    """The sections that have something for the view's user: ``{"template", "section"}`` each."""
    out = []
    for section in sorted(START_SECTIONS.values(), key=lambda s: (s.order, s.name)):
        context = section.build(view)
        if context is not None:
            out.append({"template": section.template, "section": context})
    return out
