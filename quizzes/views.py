"""Student quiz pages: intro, start, result and history (the attempt itself: take_views).

Thin: who may see what is decided by selectors (owner scoping, review policy) and
presentation (what of a question a student may see); every write goes through services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.api import DomainError

from . import presentation, reviews, selectors, services
from .instructor import review as instructor_review
from .instructor.selectors import may_instruct
from .models import Attempt


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
    now = timezone.now()
    return render(
        request,
        "quizzes/intro.html",
        {
            "quiz": quiz,
            "standing": _standing(quiz, request.user, now),
            "question_count": quiz.question_count,
        },
    )


@login_required
def history(request, pk):
    """List my attempts of a quiz with their states and scores."""
    quiz = selectors.quiz_for_user(quiz_id=pk, user=request.user)
    now = timezone.now()
    return render(
        request,
        "quizzes/history.html",
        {"quiz": quiz, "standing": _standing(quiz, request.user, now)},
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


@login_required
def result(request, pk):
    """My result; feedback, explanations and the key only when the review policy allows.

    An instructor who teaches the student is sent to the instructor's view of the attempt.
    """
    try:
        attempt = selectors.attempt_for_owner(attempt_id=pk, user=request.user)
    except Http404:
        if not may_instruct(request.user):
            raise
        # A 404 unless the attempt is finished and its student one I teach.
        instructor_review.attempt_for_instructor(user=request.user, attempt_id=pk)
        return redirect("instructor:attempt", pk=pk)
    if not attempt.is_finished:
        return redirect(attempt)
    now = timezone.now()
    review, rules = reviews.review_of(attempt=attempt, student=request.user, now=now)
    payload = presentation.attempt_for_student(
        attempt, review=review.feedback, key=review.key
    )
    # The standing's round trip brings a grade override an instructor set.
    override = selectors.standings_for(
        quizzes=[attempt.quiz], student=request.user, now=now
    )[attempt.quiz_id]["override"]
    quiz = attempt.quiz
    passed = None
    if payload["percent"] is not None and attempt.state == Attempt.State.GRADED:
        passed = payload["percent"] >= float(quiz.pass_mark)
    return render(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "payload": payload,
            "review": review.feedback,
            "review_key": review.key,
            "review_closed": review.closed_for_student,
            "passed": passed,
            "grading": attempt.state == Attempt.State.SUBMITTED,
            "needs_review": attempt.state == Attempt.State.NEEDS_REVIEW,
            "review_opens_at": rules.closes_at,
            "override": override,
            "api_attempt_url": reverse("api-attempt-detail", kwargs={"pk": attempt.pk}),
        },
    )
