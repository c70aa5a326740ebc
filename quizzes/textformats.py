"""Render a question's texts by their Moodle text format; no ORM.

Moodle stores a format with almost every text (FORMAT_MOODLE, FORMAT_HTML, FORMAT_PLAIN,
FORMAT_MARKDOWN). Each renders here as Moodle renders it, then passes the same sanitiser
as lesson Markdown (nh3), so no format lets script or styles through:

- `markdown`: Markdown (the course's own renderer).
- `html`: the HTML as written, sanitised; images kept.
- `plain`: every character shown as typed: escaped, double spaces kept, line breaks.
- `moodle`: Moodle's auto-format (`text_to_html`): HTML allowed, whitespace between tags
  dropped, each line break a `<br>`, the whole wrapped in `<div class="text_to_html">`.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3

from courses.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

FORMATS = ("html", "markdown", "plain", "moodle")
MOODLE_NAMES = {
    # Moodle XML `format="…"` names and their FORMAT_* numbers, both ways.
    "html": "html",
    "markdown": "markdown",
    "plain_text": "plain",
    "moodle_auto_format": "moodle",
}
FORMAT_TO_MOODLE = {ours: theirs for theirs, ours in MOODLE_NAMES.items()}

_HTML_TAGS = ALLOWED_TAGS | {
    "caption",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "h5",
    "h6",
    "img",
    "ins",
    "s",
    "small",
    "span",
    "u",
}
_HTML_ATTRIBUTES = {
    **ALLOWED_ATTRIBUTES,
    "img": {"src", "alt", "title", "width", "height"},
    "div": {"class"},
    "td": {"colspan", "rowspan"},
    "th": {"scope", "colspan", "rowspan"},
}
_BETWEEN_TAGS = re.compile(r">\s+<")
_BREAK_BEFORE_TAG = re.compile(r"[\n\r]<")
_BREAK_AFTER_TAG = re.compile(r">[\n\r]")


def _clean(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=_HTML_TAGS,
        attributes=_HTML_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _nl2br(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "<br />\n")


def moodle_auto_format(text: str) -> str:
    """Return Moodle's `text_to_html` of a FORMAT_MOODLE text, before sanitising."""
    text = _BETWEEN_TAGS.sub("><", text)
    text = _BREAK_BEFORE_TAG.sub(" <", text)
    text = _BREAK_AFTER_TAG.sub("> ", text)
    return '<div class="text_to_html">' + _nl2br(text) + "</div>"


@lru_cache(maxsize=4096)
def render_text(text: str, text_format: str = "markdown") -> str:
    """Return safe HTML for a text written in one of FORMATS (unknown: Markdown)."""
    text = text or ""
    if text_format == "html":
        return _clean(text)
    if text_format == "plain":
        return _nl2br(html.escape(text).replace("  ", "&nbsp; "))
    if text_format == "moodle":
        return _clean(moodle_auto_format(text))
    return render_markdown(text)


_ONE_PARAGRAPH = re.compile(r"^<p>((?:(?!</?p>).)*)</p>$", re.DOTALL)
_MOODLE_WRAPPER = re.compile(r'^<div class="text_to_html">(.*)</div>$', re.DOTALL)


@lru_cache(maxsize=4096)
def render_inline(text: str, text_format: str = "markdown") -> str:
    """Render a short text (a choice, an item) for a label: no wrapping paragraph."""
    rendered = render_text(text, text_format).strip()
    for wrapper in (_ONE_PARAGRAPH, _MOODLE_WRAPPER):
        match = wrapper.match(rendered)
        if match:
            return match.group(1)
    return rendered
