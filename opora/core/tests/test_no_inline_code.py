"""No template of the project carries inline script or style: the Content-Security-Policy would block it.

JavaScript goes to opora/static/js/*.js (with data-* attributes for what the template knows), CSS to
opora/static/css/*.css; a <script src="…"> tag is fine, a <script> with code in it is not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

PROJECT = Path(settings.BASE_DIR) / "opora"
TEMPLATES = sorted(path for path in PROJECT.glob("**/templates/**/*.html") if path.is_file())

INLINE = {
    # A <script> without src=…, or one with src and code inside it all the same.
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<script[^>]*\bsrc=[^>]*>\s*[^<\s]", re.IGNORECASE),
    "<style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event-handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "htmx hx-on handler": re.compile(r"\s(?:data-)?hx-on", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def find_inline(text: str) -> list[str]:
    # Comments are not sent to the browser ({# … #}, {% comment %}…{% endcomment %}).
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.DOTALL)
    text = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", "", text, flags=re.DOTALL)
    return [kind for kind, pattern in INLINE.items() if pattern.search(text)]


def test_the_walk_finds_the_templates():
    names = {path.name for path in TEMPLATES}

    assert {"base.html", "error.html", "graduate_list.html", "caseload.html", "card_journal.html"} <= names


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PROJECT)))
def test_no_template_has_inline_script_or_style(path):
    assert find_inline(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("snippet", "kind"),
    [
        ("<script>alert(1)</script>", "inline <script>"),
        ('<script type="module">go()</script>', "inline <script>"),
        ('<script src="/static/x.js">go()</script>', "inline <script>"),
        ("<style>p { color: red }</style>", "<style> element"),
        ('<p style="color: red">', "style attribute"),
        ("<form onsubmit=\"return confirm('?')\">", "event-handler attribute"),
        ('<button hx-on:click="go()">', "htmx hx-on handler"),
        ('<a href="javascript:go()">', "javascript: URL"),
    ],
)
def test_the_check_catches_each_kind_of_inline_code(snippet, kind):
    assert kind in find_inline(snippet)


def test_the_check_lets_static_files_and_data_attributes_through():
    text = (
        '<script src="/static/js/opora.js" data-network-error="Нет связи"></script>'
        '<link rel="stylesheet" href="/static/css/caseload.css">'
        '<form data-confirm="Отменить передачу?"><input class="form-check-input" data-onboarding="x"></form>'
    )

    assert find_inline(text) == []
