"""Filling a .docx template and formatting the values it shows; knows no models.

The template checks (opora.docs.validators, used by the model's file field) and the
document services (opora.docs.services) both build on this module, so that neither has to
import the other: models → validators → rendering, and services → models, rendering.

Templates are uploaded by administrators, who see no personal data: they run in Jinja's
sandbox (``jinja_env``), so that a template can print the values it is given and nothing else.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from docxtpl import DocxTemplate, Listing
from jinja2 import ChainableUndefined
from jinja2.sandbox import SandboxedEnvironment

from opora.docs.declension import is_female

MONTHS_GENITIVE = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()


# --- Rendering -----------------------------------------------------------------------------------


def jinja_env() -> SandboxedEnvironment:
    """The environment templates run in: sandboxed, escaping for XML, forgiving of unknown fields."""
    return SandboxedEnvironment(autoescape=True, undefined=ChainableUndefined)


def fill(source, context: dict[str, Any]) -> bytes:
    """The template ``source`` (a path or a file object) filled with ``context``, as the bytes of a .docx."""
    template = DocxTemplate(source)
    template.render(context, jinja_env(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


# --- Formatting ----------------------------------------------------------------------------------


def fmt_date(day: dt.date | dt.datetime | None) -> str:
    """dd.mm.yyyy, or an empty string."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return day.strftime("%d.%m.%Y")


def long_date(day: dt.date | None) -> str:
    """«15» января 2025 г. — the date line of a contract."""
    if day is None:
        return "«___» ____________ 20___\u00a0г."
    return f"«{day.day:02d}» {MONTHS_GENITIVE[day.month - 1]} {day.year}\u00a0г."


def multiline(text: str) -> Listing:
    """A free text whose line breaks stay line breaks in the document."""
    return Listing((text or "").strip())


def sex_word(person, male: str, female: str) -> str:
    """«именуемый» / «именуемая», or «именуемый(ая)» when the sex cannot be told."""
    female_ = is_female(person)
    if female_ is None:
        common = 0
        while common < min(len(male), len(female)) and male[common] == female[common]:
            common += 1
        return f"{male}({female[common:]})" if common else f"{male} ({female})"
    return female if female_ else male


def yes_no(value: bool) -> str:
    return "да" if value else "нет"
