"""Answers in words an instructor can read in a spreadsheet (pure: no ORM).

Each question is described by `QuestionText`: its kind, its key data and its choices'
texts. Matching reads "Canada → Ottawa; Kenya → Nairobi", an allocation "Security: 40;
Human rights: 60", a position "55 (0 = Sovereignty, 100 = Cooperation)".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from quizzes.grading import (
    CHOICE_KINDS,
    ESSAY,
    MATCHING,
    NUMERIC,
    ORDERING,
    SHORT_ANSWER,
    TRADEOFF_ALLOCATION,
    TRADEOFF_POSITION,
)
from quizzes.grading import justification_text as justification_text_of

__all__ = ["QuestionText", "answer_text", "justification_text"]


@dataclass
class QuestionText:
    """What it takes to write a question's answers in words."""

    kind: str
    data: dict = field(default_factory=dict)
    choices: dict[Any, str] = field(default_factory=dict)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _choices(answer: dict, question: QuestionText) -> str | None:
    picks = answer.get("choices", [answer.get("choice")])
    if not isinstance(picks, list):
        return None
    return "; ".join(question.choices.get(p, str(p)) for p in picks if p is not None)


def _ordering(answer: dict, question: QuestionText) -> str | None:
    order = answer.get("order")
    if not isinstance(order, list):
        return None
    texts = {
        str(item.get("id")): item.get("text", "")
        for item in question.data.get("items", [])
    }
    return "; ".join(
        f"{n}. {texts.get(str(item), str(item))}" for n, item in enumerate(order, 1)
    )


def _matching(answer: dict, question: QuestionText) -> str | None:
    matches = answer.get("matches")
    if not isinstance(matches, dict):
        return None
    prompts = [
        (p.get("id"), p.get("prompt", "")) for p in question.data.get("pairs", [])
    ]
    known = {pid for pid, _prompt in prompts}
    parts = [
        f"{prompt} → {matches[pid]}" for pid, prompt in prompts if matches.get(pid)
    ]
    parts += [f"{pid} → {value}" for pid, value in matches.items() if pid not in known]
    return "; ".join(parts)


def _allocation(answer: dict, question: QuestionText) -> str | None:
    shares = answer.get("allocation")
    if not isinstance(shares, list):
        return None
    values = list(question.data.get("values", []))
    values += [str(n) for n in range(len(values) + 1, len(shares) + 1)]
    return "; ".join(
        f"{name}: {_number(share)}" for name, share in zip(values, shares, strict=False)
    )


def _position(answer: dict, question: QuestionText) -> str | None:
    if "position" not in answer:
        return None
    return _("%(position)s (0 = %(left)s, 100 = %(right)s)") % {
        "position": _number(answer["position"]),
        "left": question.data.get("left", ""),
        "right": question.data.get("right", ""),
    }


def _text(answer: dict, question: QuestionText) -> str | None:
    return str(answer["text"]) if "text" in answer else None


def _value(answer: dict, question: QuestionText) -> str | None:
    return _number(answer["value"]) if "value" in answer else None


_WRITERS = {
    SHORT_ANSWER: _text,
    ESSAY: _text,
    NUMERIC: _value,
    ORDERING: _ordering,
    MATCHING: _matching,
    TRADEOFF_ALLOCATION: _allocation,
    TRADEOFF_POSITION: _position,
    **{kind: _choices for kind in CHOICE_KINDS},
}


def answer_text(answer: Any, question: QuestionText) -> str:
    """A response's answer (without its justification) in words; "" when blank."""
    if answer is None or answer == {}:
        return ""
    if isinstance(answer, dict):
        writer = _WRITERS.get(question.kind)
        text = writer(answer, question) if writer else None
        if text is not None:
            return text
        if set(answer) == {"justification"}:
            return ""
    # A shape no writer knows (an old or hand-edited row): show it as it is stored.
    return json.dumps(answer, ensure_ascii=False, sort_keys=True)


def justification_text(answer: Any) -> str:
    """The justification written with a tradeoff answer, or ""."""
    if isinstance(answer, dict) and answer.get("justification"):
        return justification_text_of(answer["justification"])
    return ""
