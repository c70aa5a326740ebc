"""Opaque handles for a practice set's choices and items (the idea of quizzes/handles.py).

Keyed on the practice set, under a salt of its own: a student sees neither real choice
ids nor the handles of any attempt.
"""

from quizzes.handles import Handles


class PracticeHandles(Handles):
    salt = "practice.handles"


def handles_for(practice_set, questions) -> PracticeHandles:
    """The set's handles for these questions (their choices prefetched)."""
    layout = practice_set.layout or {}
    handles = PracticeHandles(practice_set.pk, {})
    for question in questions:
        qid = str(question.id)
        if question.is_choice_kind:
            ids = (layout.get("choices") or {}).get(qid) or [
                c.id for c in question.choices.all()
            ]
            handles.add(question.id, ids)
        elif question.kind == question.Kind.ORDERING:
            ids = (layout.get("items") or {}).get(qid) or [
                item["id"] for item in (question.data or {}).get("items", [])
            ]
            handles.add(question.id, ids)
    return handles
