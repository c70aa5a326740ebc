"""What a finished attempt may show its student now: the reads behind the one decision
(quizzes.rules.review_for) that the result page, the API and the progress e-mail take."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from courses.models import CohortMembership

from . import rules as quiz_rules
from . import selectors
from .models import Assignment, Attempt, Extension, Quiz


def review_of(
    *, attempt: Attempt, student, now: datetime | None = None
) -> tuple[quiz_rules.Review, quiz_rules.Rules]:
    """What this finished attempt may show its student now, by the quiz's review levels
    (quizzes.rules.review_for), with the rules in force: one round trip."""
    now = now or timezone.now()
    standing = selectors.standings_for(
        quizzes=[attempt.quiz], student=student, now=now
    )[attempt.quiz_id]
    review = quiz_rules.review_for(
        attempt.quiz.review_levels,
        standing["rules"],
        finished=attempt.is_finished,
        submitted_at=attempt.submitted_at,
        attempts_used=len(standing["attempts"]),
        in_progress=standing["in_progress"] is not None,
        now=now,
    )
    return review, standing["rules"]


def reviews_of_attempts(
    attempts: list[tuple[int, int, int, datetime | None]], *, now: datetime
) -> dict[int, quiz_rules.Review]:
    """What each attempt, given as (attempt id, student id, quiz id, submitted at), may
    show its student at `now`: the result page's decision (review_of), for a batch of
    students in five queries whatever their number (the progress e-mails)."""
    if not attempts:
        return {}
    student_ids = {student for _, student, _, _ in attempts}
    quiz_ids = {quiz for _, _, quiz, _ in attempts}
    quizzes = {q.pk: q for q in Quiz.objects.filter(pk__in=quiz_ids)}
    every_assignment = list(
        Assignment.objects.filter(quiz_id__in=quiz_ids).order_by("due_at", "pk")
    )
    members = set(
        CohortMembership.objects.filter(
            cohort_id__in={a.cohort_id for a in every_assignment},
            student_id__in=student_ids,
        ).values_list("cohort_id", "student_id")
    )
    extensions: dict[int, list[Extension]] = {}
    for ext in Extension.objects.filter(
        assignment__quiz_id__in=quiz_ids, student_id__in=student_ids
    ).order_by("-created_at"):
        extensions.setdefault(ext.student_id, []).append(ext)
    # Every attempt started by `now`, whatever its state: the count of attempts used and
    # whether one was still open then decide "after the last attempt".
    tries: dict[tuple[int, int], list[tuple]] = {}
    for row in Attempt.objects.filter(
        student_id__in=student_ids, quiz_id__in=quiz_ids, started_at__lt=now
    ).values_list("student_id", "quiz_id", "submitted_at"):
        tries.setdefault((row[0], row[1]), []).append(row[2])
    rules: dict[int, dict[int, quiz_rules.Rules]] = {}
    for student in student_ids:
        mine = [a for a in every_assignment if (a.cohort_id, student) in members]
        rules[student] = selectors.rules_from(
            list(quizzes.values()),
            mine,
            extensions.get(student, []),
            now,
            every_assignment,
        )
    reviews = {}
    for attempt_id, student, quiz_id, submitted_at in attempts:
        started = tries.get((student, quiz_id), [])
        reviews[attempt_id] = quiz_rules.review_for(
            quizzes[quiz_id].review_levels,
            rules[student][quiz_id],
            finished=submitted_at is not None and submitted_at <= now,
            submitted_at=submitted_at,
            attempts_used=len(started),
            in_progress=any(at is None or at > now for at in started),
            now=now,
        )
    return reviews
