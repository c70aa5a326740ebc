"""Escape and unescape GIFT text, split [format] tags, and shorten text for labels."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .question import FORMATS, GiftError

# Escaped control characters become private-use placeholders while the structure is
# parsed, as Moodle does, so `\{` or `\#` never count as syntax.
_PLACEHOLDERS = {
    "\\": "\ue000",
    "~": "\ue001",
    "=": "\ue002",
    "#": "\ue003",
    "{": "\ue004",
    "}": "\ue005",
    ":": "\ue006",
    "n": "\ue007",
}
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDERS.items()}
_RESTORE_TABLE = str.maketrans(_RESTORE)
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_FORMAT_TAG_RE = re.compile(r"\[([A-Za-z]+)\]")


def _unescape(raw: str) -> str:
    # As Moodle: only the ends are trimmed, so <pre> and indented Markdown keep layout.
    return raw.translate(_RESTORE_TABLE).strip()


def _split_format(raw: str, line: int, default: str) -> tuple[str, str]:
    """Split an optional leading [format] tag off placeholder text starting at `line`."""
    stripped = raw.lstrip()
    line += raw[: len(raw) - len(stripped)].count("\n")
    match = _FORMAT_TAG_RE.match(stripped)
    if not match:
        return default, _unescape(stripped)
    tag = match.group(1).lower()
    if tag not in FORMATS:
        raise GiftError(
            line,
            _(
                "unknown text format [%(tag)s]: "
                "expected [html], [markdown], [plain] or [moodle]"
            )
            % {"tag": match.group(1)},
        )
    return tag, _unescape(stripped[match.end() :])


def excerpt(text: str, length: int = 60) -> str:
    """Return the start of a text on one line, for labels and previews."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _escape(text: str) -> str:
    out = []
    for char in text.replace("\r", ""):
        if char == "\n":
            out.append("\\n")
        elif char in "\\~=#{}:":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _text(text: str, default_format: str, fmt: str | None = None) -> str:
    """Escape text, writing its format tag when needed or when the text looks like one."""
    fmt = fmt or default_format
    tag = f"[{fmt}]" if fmt != default_format or _FORMAT_TAG_RE.match(text) else ""
    return tag + _escape(text)
