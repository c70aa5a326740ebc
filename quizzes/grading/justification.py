"""Read a tradeoff justification written in parts and check it is complete; no ORM.

Scoring version 2 of the tradeoff kinds (TEACHING.md §1) scores the argument, never the
position: the position or allocation earns nothing and loses nothing, the automatic
share of the question (`points`) goes to a complete justification, and the rest
(`justification.points`) is marked against a rubric by a person.

A justification is written in five parts (PARTS). A part counts as present when it is
of substance — not a word count alone:

- at least MIN_WORDS words, of which at least MIN_CONTENT distinct content words (not
  function words or filler);
- not a near copy of another part (boilerplate pasted into every box counts once);
- the first part names one of the values the item weighs.

Completeness is the share of parts present; it is all the automatic credit there is.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

SCORING_V2 = 2
PARTS = ("value", "gains", "costs", "objection", "evidence")
PART_LABELS = {
    "value": _("The value you put first, and why"),
    "gains": _("What your choice gains, and for whom"),
    "costs": _("What it costs, and who bears the cost"),
    "objection": _("The strongest objection to your view, and your reply"),
    "evidence": _("What evidence would change your mind"),
}
MIN_WORDS = 8
MIN_CONTENT = 4
# Two parts sharing more than this share of their content words are one part twice.
MAX_OVERLAP = 0.6

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because
    been before being below between both but by can could did do does doing down during
    each few for from further had has have having he her here hers him his how i if in
    into is it its itself just me more most my no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their theirs
    them then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours
    think believe really thing things important good bad very much many lot lots make
    makes made because since view policy position choice""".split()
)


def is_v2(data: dict) -> bool:
    """Whether a tradeoff question's data asks for the argument-only scoring."""
    return isinstance(data, dict) and data.get("scoring") == SCORING_V2


def _content(text: str) -> set[str]:
    return {
        word
        for word in (w.casefold() for w in _WORD.findall(text or ""))
        if len(word) >= 3 and word not in _STOPWORDS
    }


def value_names(data: dict) -> list[str]:
    """The values a tradeoff item weighs: the two poles, or the allocation's values."""
    if "values" in data:
        return [str(v) for v in data.get("values") or []]
    return [str(data.get("left") or ""), str(data.get("right") or "")]


def parts_of(justification: Any) -> dict[str, str]:
    """The parts of a justification; a single text (scoring v1, an old client) has none."""
    if not isinstance(justification, dict):
        return {}
    return {
        part: justification[part].strip()
        for part in PARTS
        if isinstance(justification.get(part), str) and justification[part].strip()
    }


def text_of(justification: Any) -> str:
    """A justification as one readable text: each part under its label."""
    if isinstance(justification, str):
        return justification
    parts = parts_of(justification)
    return "\n".join(f"{PART_LABELS[part]}: {parts[part]}" for part in parts)


def completeness(justification: Any, data: dict) -> tuple[float, dict[str, str]]:
    """The share of the five parts present and of substance, and why each one is not.

    Returns (fraction, {part: "" when it counts, else a code: missing, short, thin,
    repeated, no_value}).
    """
    parts = parts_of(justification)
    verdicts: dict[str, str] = {}
    kept: list[set[str]] = []
    values = [_content(name) for name in value_names(data)]
    for part in PARTS:
        text = parts.get(part, "")
        words = _WORD.findall(text)
        content = _content(text)
        if not text:
            verdicts[part] = "missing"
        elif len(words) < MIN_WORDS:
            verdicts[part] = "short"
        elif len(content) < MIN_CONTENT:
            verdicts[part] = "thin"
        elif any(
            len(content & other) / max(1, min(len(content), len(other))) > MAX_OVERLAP
            for other in kept
        ):
            verdicts[part] = "repeated"
        elif part == "value" and not any(
            name and name & _content(text) for name in values
        ):
            verdicts[part] = "no_value"
        else:
            verdicts[part] = ""
        if text:
            kept.append(content)
    present = sum(1 for verdict in verdicts.values() if not verdict)
    return present / len(PARTS), verdicts


def model_justification(data: dict) -> dict[str, str]:
    """A justification complete in every part, for builders and tests of a key."""
    first = (value_names(data) or ["the first value"])[0] or "the first value"
    return {
        "value": f"I put {first} first, because the people it protects have most at "
        "stake in this case.",
        "gains": "Workers, families and host employers gain predictable rules, steady "
        "income and fewer dangerous journeys.",
        "costs": "Taxpayers and neighbouring governments bear higher administrative "
        "spending, slower decisions and political strain.",
        "objection": "Critics argue sovereignty matters more; yet accountable "
        "agreements keep national control while sharing burdens.",
        "evidence": "Independent data showing wages falling, or deaths rising, after "
        "adoption would persuade me otherwise.",
    }
