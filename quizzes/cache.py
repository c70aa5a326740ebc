"""A quiz as the student pages and the API read it, kept in the cache between edits.

Every student read of a quiz needs the same row: the quiz, its course and lesson and how
many questions it has. That changes only when someone edits the quiz, its questions, its
lesson or its course, and saving or deleting any of those forgets the cached copy at once
and again after the commit (so a read that raced the edit cannot keep the old copy).
Writes that bypass save() (QuerySet.update, bulk_create) call forget_quizzes themselves;
the expiry bounds what one could miss.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from courses.models import Course, Lesson

from .models import Question, Quiz

__all__ = ["cached_quiz", "connect_signals", "forget_quizzes"]

EXPIRES_SECONDS = 60


def _key(quiz_id: int) -> str:
    return f"quizzes:quiz:v3:{quiz_id}"


def _version(quiz: Quiz) -> str:
    """A digest of every column the cached copy holds: equal copies, equal versions."""
    parts: list = [quiz.question_count]
    for row in (quiz, quiz.course, quiz.lesson):
        if row is not None:
            parts += [getattr(row, f.attname) for f in row._meta.concrete_fields]
    return hashlib.blake2b(repr(parts).encode(), digest_size=10).hexdigest()


def cached_quiz(quiz_id: int) -> Quiz | None:
    """The quiz with course, lesson, `question_count` and `version`, or None if there is
    none. `version` changes whenever anything the copy holds does: pages cache what they
    render of a quiz under it (templates/quizzes/intro.html)."""
    key = _key(quiz_id)
    quiz = cache.get(key)
    if quiz is None:
        quiz = (
            Quiz.objects.select_related("course", "lesson__course")
            .with_question_count()
            .filter(pk=quiz_id)
            .first()
        )
        if quiz is not None:
            quiz.version = _version(quiz)
            cache.set(key, quiz, EXPIRES_SECONDS)
    return quiz


def forget_quizzes(quiz_ids: Iterable[int]) -> None:
    keys = [_key(pk) for pk in quiz_ids]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _quiz_changed(sender, instance: Quiz, **kwargs) -> None:
    forget_quizzes([instance.pk])


def _question_changed(sender, instance: Question, **kwargs) -> None:
    forget_quizzes([instance.quiz_id])


def _course_changed(sender, instance: Course, **kwargs) -> None:
    forget_quizzes(
        Quiz.objects.filter(course_id=instance.pk).values_list("pk", flat=True)
    )


def _lesson_changed(sender, instance: Lesson, **kwargs) -> None:
    forget_quizzes(
        Quiz.objects.filter(lesson_id=instance.pk).values_list("pk", flat=True)
    )


def connect_signals() -> None:
    """Called once from QuizzesConfig.ready()."""
    for model, receiver in (
        (Quiz, _quiz_changed),
        (Question, _question_changed),
        (Course, _course_changed),
        (Lesson, _lesson_changed),
    ):
        uid = f"quizzes.cache.{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid)
