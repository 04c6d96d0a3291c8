"""Validators of a graduate's data, each with a clear Russian message."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

SNILS_RE = re.compile(r"^\d{3}-\d{3}-\d{3} \d{2}$")


def snils_digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def snils_checksum(first9: str) -> int:
    """The control number of a SNILS (Пенсионный фонд's rule)."""
    total = sum(int(d) * (9 - i) for i, d in enumerate(first9))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    rest = total % 101
    return 0 if rest == 100 else rest


def normalize_snils(value: str) -> str:
    """«12345678964» or «123-456-789 64» → «123-456-789 64»; raises ValidationError if wrong."""
    digits = snils_digits(value)
    if len(digits) != 11:
        raise ValidationError(_("СНИЛС должен состоять из 11 цифр: ХХХ-ХХХ-ХХХ ХХ."), code="snils_length")
    body, control = digits[:9], int(digits[9:])
    # Numbers up to 001-001-998 were issued before the checksum existed.
    if int(body) > 1001998 and snils_checksum(body) != control:
        raise ValidationError(_("СНИЛС указан с ошибкой: не сходится контрольное число."), code="snils_checksum")
    return f"{body[:3]}-{body[3:6]}-{body[6:9]} {digits[9:]}"


def validate_snils(value: str) -> None:
    if value:
        normalize_snils(value)


def normalize_phone(value: str) -> str:
    """A Russian phone number as «+7 (XXX) XXX-XX-XX»; raises ValidationError if it is not one."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10 or re.search(r"[^\d\s+()\-]", value):
        raise ValidationError(
            _("Телефон нужно указать в формате +7 (XXX) XXX-XX-XX: 10 цифр после +7 или 8."), code="phone"
        )
    return f"+7 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"


def validate_phone(value: str) -> None:
    if value:
        normalize_phone(value)


def validate_not_future(value: dt.date | None) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("Дата не может быть в будущем."), code="future_date")


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years on ``day`` (a person born on 29 February turns a year older on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
