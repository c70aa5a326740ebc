"""The student's result page: score, feedback and the key as the review policy allows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from . import calibration_chart, presentation, reviews, selectors
from .instructing import attempt_for_instructor, may_instruct
from .models import Attempt


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
        attempt_for_instructor(user=request.user, attempt_id=pk)
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
    cbm = payload["cbm"]
    chart = (
        calibration_chart.calibration_svg(cbm["levels"], element_id="calibration-chart")
        if cbm and cbm["levels"]
        else ""
    )
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
            "cbm": cbm,
            "calibration_chart": chart,
            "api_attempt_url": reverse("api-attempt-detail", kwargs={"pk": attempt.pk}),
        },
    )
