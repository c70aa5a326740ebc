"""Freeze what a response was graded against, and show a question as it was graded.

Grading stores on each response a copy of its question's text, choices and key
(`Response.graded_question`), so an admin who edits the question later changes nothing a
graded attempt shows: its review page and the instructor's attempt page read the copy.
Only a regrade (an instructor's explicit, previewed action) grades under the new key,
and then freezes the new copy.
"""

from __future__ import annotations

import copy
from decimal import Decimal

from .models import Choice, Question

SNAPSHOT_VERSION = 1
_QUESTION_FIELDS = (
    "kind",
    "name",
    "prompt",
    "prompt_format",
    "explanation",
    "explanation_format",
)
_CHOICE_FIELDS = (
    "position",
    "text",
    "text_format",
    "feedback",
    "feedback_format",
    "feedback_gains",
    "feedback_costs",
    "feedback_objection",
)


def snapshot_of(question: Question) -> dict:
    """What a response is graded against, as plain JSON: needs the choices prefetched."""
    return {
        "version": SNAPSHOT_VERSION,
        **{name: getattr(question, name) for name in _QUESTION_FIELDS},
        "points": str(question.points),
        "data": question.data or {},
        "choices": [
            {
                "id": choice.id,
                "credit": str(choice.credit),
                **{name: getattr(choice, name) for name in _CHOICE_FIELDS},
            }
            for choice in question.choices.all()
        ],
    }


def as_graded(question: Question, snapshot: dict | None) -> Question:
    """The question as its response was graded: the live one when nothing was frozen.

    An unsaved copy, never written: its choices (and tradeoffs, lesson) answer from the
    prefetch cache, so pages built for a live question show the frozen one unchanged.
    """
    if not snapshot:
        return question
    frozen = copy.copy(question)
    for name in _QUESTION_FIELDS:
        if name in snapshot:
            setattr(frozen, name, snapshot[name])
    frozen.points = Decimal(snapshot["points"])
    frozen.data = snapshot.get("data") or {}
    choices = [
        Choice(
            id=row["id"],
            question_id=question.id,
            credit=Decimal(row["credit"]),
            **{name: row.get(name, "") for name in _CHOICE_FIELDS},
        )
        for row in snapshot.get("choices", [])
    ]
    # A fresh cache: the copy must not share (and overwrite) the live question's.
    cache = dict(getattr(question, "_prefetched_objects_cache", {}))
    cache["choices"] = choices
    frozen._prefetched_objects_cache = cache
    return frozen


def is_changed_since(question: Question, snapshot: dict | None) -> bool:
    """Whether the live question differs from what the response was graded against."""
    return bool(snapshot) and snapshot_of(question) != snapshot
