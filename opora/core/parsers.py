"""The API's JSON parser: a body nested too deeply is a 400, not a RecursionError (a 500).

No request of the API nests deeper than a few levels; :data:`MAX_DEPTH` leaves room and refuses
«[[[[…]]]]» 10 000 levels deep before anything else reads it. The size of a body is bounded by
Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def depth(data) -> int:
    """How deeply lists and objects nest in ``data`` (a scalar: 0), without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a bound on nesting (settings: REST_FRAMEWORK DEFAULT_PARSER_CLASSES)."""

    def parse(self, stream, media_type=None, parser_context=None):
        message = _("Тело запроса вложено слишком глубоко: допускается не более %(n)s уровней.") % {"n": MAX_DEPTH}
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(message) from None
        if depth(data) > MAX_DEPTH:
            raise ParseError(message)
        return data
