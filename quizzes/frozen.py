"""Freeze what a response was graded against, and show a question as it was graded.

Grading points each response at a copy of its question's text, choices and key
(`Response.graded_version`, a `QuestionVersion` stored once per distinct copy and read
through `Response.graded_question`), so an admin who edits the question later changes
nothing a graded attempt shows: its review page and the instructor's attempt page read
the copy. Only a regrade (an instructor's explicit, previewed action) grades under the
new key, and then points the response at the new copy.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal

from .models import Choice, Question, QuestionVersion

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


def digest_of(snapshot: dict) -> str:
    """A copy's digest: equal copies (as JSON, whatever their keys' order), equal digests."""
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def versions_of(
    questions: Iterable[Question], *, create: bool = True
) -> dict[int, QuestionVersion]:
    """Each question's current version as stored, by question id: one query when all are.

    Needs the choices prefetched. A missing version is inserted, then read back (two
    more queries; a grader inserting the same version at once is no conflict). With
    `create` off (a dry run) a missing one comes back unsaved, its pk None.
    """
    wanted = {}
    for question in questions:
        snapshot = snapshot_of(question)
        wanted[question.id] = QuestionVersion(
            question_id=question.id, digest=digest_of(snapshot), snapshot=snapshot
        )
    if not wanted:
        return {}
    missing = _mark_stored(wanted)
    if missing and create:
        QuestionVersion.objects.bulk_create(missing, ignore_conflicts=True)
        _mark_stored(wanted)
    return wanted


def _mark_stored(wanted: dict[int, QuestionVersion]) -> list[QuestionVersion]:
    """Give the wanted versions already stored their pk; the others, still to store."""
    stored = QuestionVersion.objects.filter(
        question_id__in=list(wanted),
        digest__in={version.digest for version in wanted.values()},
    ).values_list("pk", "question_id", "digest")
    for pk, question_id, digest in stored:
        version = wanted[question_id]
        if version.digest == digest:
            version.pk = pk
            version._state.adding = False
            version._state.db = QuestionVersion.objects.db
    return [version for version in wanted.values() if version.pk is None]


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
