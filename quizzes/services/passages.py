"""Keep questions' passage links on their paragraphs when a lesson's body is edited."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Question

__all__ = ["links_that_would_move", "repoint_passage_links"]


def links_that_would_move(*, lesson_id: int, moves: dict[int, int | None]) -> list[str]:
    """One sentence per question whose passage link an edit would move or break."""
    questions = (
        Question.objects.filter(lesson_id=lesson_id, paragraph__in=list(moves))
        .select_related("quiz")
        .order_by("quiz__title", "position", "id")
    )
    lines = []
    for question in questions:
        target = moves[question.paragraph]
        context = {
            "question": str(question),
            "quiz": question.quiz.title,
            "old": question.paragraph,
            "new": target,
        }
        if target is None:
            lines.append(
                _(
                    "“%(question)s” (quiz “%(quiz)s”) links to paragraph %(old)s, "
                    "which this edit deletes."
                )
                % context
            )
        else:
            lines.append(
                _(
                    "“%(question)s” (quiz “%(quiz)s”) links to paragraph %(old)s, "
                    "which would become paragraph %(new)s."
                )
                % context
            )
    return lines


@transaction.atomic
def repoint_passage_links(*, lesson_id: int, moves: dict[int, int | None]) -> int:
    """Move each question's link with its paragraph (clear it if the paragraph went)."""
    questions = list(
        Question.objects.select_for_update(of=("self",)).filter(
            lesson_id=lesson_id, paragraph__in=list(moves)
        )
    )
    for question in questions:
        question.paragraph = moves[question.paragraph]
    Question.objects.bulk_update(questions, ["paragraph"])
    return len(questions)
