"""Receivers that tie lesson edits (courses.anchors signals) to questions' passage links."""

from __future__ import annotations

from courses.anchors import paragraphs_moved, paragraphs_moving

from .services import passages


def _would_move(sender, *, lesson, moves, **kwargs) -> list[str]:
    return passages.links_that_would_move(lesson_id=lesson.pk, moves=moves)


def _moved(sender, *, lesson, moves, **kwargs) -> None:
    passages.repoint_passage_links(lesson_id=lesson.pk, moves=moves)


def connect_signals() -> None:
    """Block or follow a lesson edit that moves paragraphs questions link to."""
    paragraphs_moving.connect(_would_move, dispatch_uid="quizzes.passages.moving")
    paragraphs_moved.connect(_moved, dispatch_uid="quizzes.passages.moved")
