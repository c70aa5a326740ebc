"""Student quiz pages: intro, start and history (an attempt: take_views, result_views).

Thin: who may see what is decided by selectors (owner scoping, review policy) and
presentation (what of a question a student may see); every write goes through services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError

from . import attempt_table, selectors, services


def _standing(quiz, user, now) -> dict:
    standing = selectors.standings_for(quizzes=[quiz], student=user, now=now)[quiz.pk]
    rules = standing["rules"]
    standing["not_open_yet"] = bool(rules.opens_at and now < rules.opens_at)
    standing["closed"] = bool(rules.closes_at and now >= rules.closes_at)
    standing["not_assigned"] = rules.outside_assignment
    standing["unverified"] = not user.is_verified
    standing["can_start"] = standing["in_progress"] is not None or (
        not rules.outside_assignment
        and not standing["unverified"]
        and not standing["not_open_yet"]
        and not standing["closed"]
        and standing["attempts_left"] != 0
    )
    return standing


@login_required
def intro(request, pk):
    """Show a quiz's instructions, the rules in force for me and my attempts."""
    quiz = selectors.quiz_for_user(quiz_id=pk, user=request.user)
    standing = _standing(quiz, request.user, timezone.now())
    return render(
        request,
        "quizzes/intro.html",
        {
            "quiz": quiz,
            "standing": standing,
            "attempt_rows": attempt_table.attempt_rows(standing["attempts"]),
            "question_count": quiz.question_count,
            "quiz_version": quiz.version,
        },
    )


@login_required
def history(request, pk):
    """List my attempts of a quiz with their states and scores."""
    quiz = selectors.quiz_for_user(quiz_id=pk, user=request.user)
    standing = _standing(quiz, request.user, timezone.now())
    return render(
        request,
        "quizzes/history.html",
        {
            "quiz": quiz,
            "standing": standing,
            "attempt_rows": attempt_table.attempt_rows(standing["attempts"]),
        },
    )


@require_POST
@login_required
def start(request, pk):
    """Start an attempt (or go back to the one in progress)."""
    quiz = selectors.quiz_for_user(quiz_id=pk, user=request.user)
    try:
        attempt, created = services.start_attempt(quiz=quiz, student=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(quiz)
    if not created:
        messages.info(request, _("You have an attempt in progress: carry on."))
    return redirect(attempt)
