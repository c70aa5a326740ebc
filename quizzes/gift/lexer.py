"""Cut a GIFT file into blocks and a block into answer items, tracking lines."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .question import GiftError
from .text import _ESCAPE_RE, _PLACEHOLDERS, _split_format

_WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_WEIGHT_ATTEMPT_RE = re.compile(r"%\s*[-+]?\s*[\d.,]+\s*%")


def _blocks(text: str) -> Iterable[tuple[int, list[str], str]]:
    """Yield (first line number, lines, comment lines) of each blank-line separated block."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    current: list[str] = []
    comments: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if current:
                yield start, current, "\n".join(comments)
                current, comments = [], []
            continue
        if not current:
            start = number
        # Comment lines stay as empty lines so every later line keeps its number;
        # Moodle reads [id:…] and [tag:…] out of them.
        if stripped.startswith("//"):
            comments.append(stripped)
            current.append("")
        else:
            current.append(line)
    if current:
        yield start, current, "\n".join(comments)


@dataclass
class _Item:
    """One answer of an answer block, still in placeholder form."""

    line: int
    marker: str
    weight: Decimal | None
    text: str
    feedback: str
    feedback_line: int

    def texts(self, default_format: str) -> tuple[str, str, str, str]:
        """Return (text, its format, feedback, its format); tags default to the prompt's."""
        text_format, text = _split_format(self.text, self.line, default_format)
        feedback_format, feedback = _split_format(
            self.feedback, self.feedback_line, default_format
        )
        return text, text_format, feedback, feedback_format


class _Scanner:
    """A block's text in placeholder form: line numbers, spacing, answer items."""

    def __init__(self, first_line: int, raw: str) -> None:
        self.first_line = first_line
        # Placeholders are one character for two, but no line break moves.
        self.s = _ESCAPE_RE.sub(lambda m: _PLACEHOLDERS[m.group(1)], raw)

    def line_at(self, offset: int) -> int:
        return self.first_line + self.s.count("\n", 0, offset)

    def skip_space(self, pos: int, end: int | None = None) -> int:
        end = len(self.s) if end is None else end
        while pos < end and self.s[pos].isspace():
            pos += 1
        return pos

    def fail(self, offset: int, message: str) -> GiftError:
        return GiftError(self.line_at(offset), message)

    def text_with_format(self, start: int, end: int, default: str) -> tuple[str, str]:
        """Split an optional leading [format] tag off s[start:end]."""
        return _split_format(self.s[start:end], self.line_at(start), default)

    def split_items(
        self,
        start: int,
        end: int,
        markers: str,
        *,
        feedback: bool = True,
        unweighted: str = "",
    ) -> tuple[tuple[int, int] | None, list[_Item]]:
        """Split s[start:end] at markers; also return any text before the first one."""
        s = self.s
        cuts = [i for i in range(start, end) if s[i] in markers]
        items = [
            self.read_item(
                s[cut],
                cut + 1,
                cuts[n + 1] if n + 1 < len(cuts) else end,
                feedback,
                weighted=s[cut] not in unweighted,
            )
            for n, cut in enumerate(cuts)
        ]
        lead_end = cuts[0] if cuts else end
        lead_start = self.skip_space(start, lead_end)
        lead = (lead_start, lead_end) if lead_start < lead_end else None
        return lead, items

    def read_item(
        self,
        marker: str,
        start: int,
        end: int,
        feedback: bool = True,
        *,
        weighted: bool = True,
    ) -> _Item:
        s = self.s
        pos = self.skip_space(start, end)
        weight = None
        match = _WEIGHT_RE.match(s, pos, end) if weighted else None
        if match:
            weight = Decimal(match.group(1))
            if not -100 <= weight <= 100:
                raise self.fail(
                    pos,
                    _(
                        "answer weight %(weight)s%% is out of range: expected -100%% to 100%%"
                    )
                    % {"weight": match.group(1)},
                )
            pos = match.end()
        elif weighted and _WEIGHT_ATTEMPT_RE.match(s, pos, end):
            raise self.fail(
                pos, _("malformed answer weight: expected %NUMBER%, e.g. %50%")
            )
        hash_at = s.find("#", pos, end) if feedback else -1
        if hash_at < 0:
            return _Item(self.line_at(pos), marker, weight, s[pos:end], "", 0)
        return _Item(
            self.line_at(pos),
            marker,
            weight,
            s[pos:hash_at],
            s[hash_at + 1 : end],
            self.line_at(hash_at),
        )

    def refuse_lead(self, lead: tuple[int, int] | None, expected: str) -> None:
        if lead is not None:
            raise self.fail(lead[0], expected)

    def require_items(self, items: list[_Item], opening: int, expected: str) -> None:
        if not any(item.text.strip() for item in items):
            raise self.fail(
                opening, _("empty answer list: expected %(what)s") % {"what": expected}
            )
