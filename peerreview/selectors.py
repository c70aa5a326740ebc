"""Shaped reads of peer review for the student's and the instructor's pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from courses.models import Course
from quizzes.grading import justification
from quizzes.instructing import CourseTeaching, taught_attempts
from quizzes.models import Question, Quiz

from . import terms
from .models import (
    CalibrationAttempt,
    CalibrationExample,
    Flag,
    PeerResult,
    PeerReviewSetup,
    ReviewAssignment,
    Submission,
)


def justification_parts(answer) -> list[tuple[str, str]]:
    """An answer's justification as (label, text) parts; nothing else of the answer (no
    name, no position) reaches a reviewer."""
    given = (answer or {}).get("justification") if isinstance(answer, dict) else None
    parts = justification.parts_of(given)
    if not parts and isinstance(given, str):
        return [("", given)]
    return [(str(justification.PART_LABELS[p]), parts[p]) for p in parts]


def review_queue(*, student) -> list[ReviewAssignment]:
    """My reviews, to write first, then written (3 queries whatever their number)."""
    return list(
        ReviewAssignment.objects.filter(reviewer=student)
        .exclude(state=ReviewAssignment.State.EXPIRED)
        .select_related("submission__question__quiz")
        .order_by("state", "due_at", "id")
    )


def my_submissions(*, student) -> list[Submission]:
    """My answers under review, with their result and the quiz's setup."""
    return list(
        Submission.objects.filter(author=student)
        .select_related("question__quiz__peer_review", "result")
        .order_by("-submitted_at")
    )


def review_for(*, reviewer, review_id: int) -> ReviewAssignment:
    """One review of mine, with the answer it is of (404 if not mine)."""
    return get_object_or_404(
        ReviewAssignment.objects.select_related(
            "submission__response", "submission__question__rubric"
        ),
        pk=review_id,
        reviewer=reviewer,
    )


def calibration_state(*, student, question_id: int):
    """The examples of a question, my attempts at them keyed by example id."""
    examples = list(
        CalibrationExample.objects.filter(question_id=question_id).select_related(
            "question__rubric"
        )
    )
    attempts = {
        a.example_id: a
        for a in CalibrationAttempt.objects.filter(
            student=student, example__in=examples
        )
    }
    return examples, attempts


def received_visible(submission: Submission, *, now: datetime | None = None) -> bool:
    """An author reads the reviews of their answer once their own reviews are written
    or the review deadline has passed."""
    now = now or timezone.now()
    setup = submission.question.quiz.peer_review
    deadline = terms.for_students(setup, [submission.author_id])[
        submission.author_id
    ].review_deadline
    if deadline <= now:
        return True
    return not ReviewAssignment.objects.filter(
        reviewer_id=submission.author_id,
        submission__question_id=submission.question_id,
        state=ReviewAssignment.State.ASSIGNED,
    ).exists()


def received_for(*, student, submission_id: int) -> Submission:
    """My answer under review with its written reviews, in order (404 if not mine)."""
    return get_object_or_404(
        Submission.objects.select_related(
            "question__quiz__peer_review", "question__rubric", "response", "result"
        ).prefetch_related(
            Prefetch(
                "reviews",
                queryset=ReviewAssignment.objects.filter(
                    state=ReviewAssignment.State.DONE
                ).order_by("submitted_at", "id"),
                to_attr="written",
            )
        ),
        pk=submission_id,
        author=student,
    )


def rubric_rows(criteria: list[dict], levels: list[int] | None) -> list[dict]:
    """Each criterion with the level chosen (label, points) for a template."""
    rows = []
    for index, criterion in enumerate(criteria):
        level = None
        if levels and index < len(levels):
            level = criterion["levels"][levels[index]]
        rows.append({"name": criterion["name"], "level": level})
    return rows


# The instructor's side ---------------------------------------------------------------


def _taught_quizzes(user):
    """The quizzes of courses I teach (every course for those who teach every cohort)."""
    from courses.models import teaches_every_cohort

    quizzes = Quiz.objects.all()
    if not teaches_every_cohort(user):
        quizzes = quizzes.filter(
            Q(course__in=Course.objects.filter(instructors=user).values("pk"))
            | Q(course__cohorts__instructors=user)
        )
    return quizzes


def quiz_for_instructor(*, user, quiz_id: int) -> Quiz:
    """A quiz of a course I teach (every course for those who teach every cohort)."""
    quizzes = _taught_quizzes(user).select_related("course", "peer_review").distinct()
    return get_object_or_404(quizzes, pk=quiz_id)


def example_for_instructor(*, user, example_id: int) -> CalibrationExample:
    """A calibration example of a quiz I teach, with its question and quiz (404 else)."""
    return get_object_or_404(
        CalibrationExample.objects.select_related(
            "question__quiz__course", "question__rubric"
        ).filter(question__quiz__in=_taught_quizzes(user).values("pk")),
        pk=example_id,
    )


def submissions_for_instructor(
    *, teaching: CourseTeaching, quiz_id: int
) -> QuerySet[Submission]:
    """The answers under review on the quiz of students I teach (`teaching` is what I
    teach on its course, read once for the page)."""
    return Submission.objects.filter(quiz_id=quiz_id).filter(
        teaching.students("author")
    )


def disagreement_list(
    *, teaching: CourseTeaching, quiz_id: int
) -> QuerySet[Submission]:
    """Answers under review, those waiting for me first, then the widest spread first,
    with their result (a fixed number of queries whatever the size; the order is
    `peer_submission_queue_idx`'s, so a page is read off the index)."""
    return (
        submissions_for_instructor(teaching=teaching, quiz_id=quiz_id)
        .select_related("author", "question__rubric", "result")
        .order_by(
            "-needs_instructor",
            F("spread").desc(nulls_last=True),
            "submitted_at",
            "id",
        )
    )


def submission_for_instructor(*, user, submission_id: int) -> Submission:
    """One answer under review of a student I teach, with every review and flag."""
    submission = get_object_or_404(
        Submission.objects.select_related(
            "author", "question__quiz", "question__rubric", "response", "result"
        ).prefetch_related(
            Prefetch(
                "reviews",
                queryset=ReviewAssignment.objects.select_related("reviewer")
                .prefetch_related("flags")
                .order_by("assigned_at", "id"),
            )
        ),
        pk=submission_id,
    )
    if not taught_attempts(user).filter(pk=submission.response.attempt_id).exists():
        raise Http404
    return submission


def open_flags(*, teaching: CourseTeaching, quiz_id: int) -> list[Flag]:
    """Flags raised on the quiz's answers and reviews, not yet dealt with (read from
    the flags, which are few, not from the quiz's answers)."""
    return list(
        Flag.objects.filter(resolved_at=None, review__submission__quiz_id=quiz_id)
        .filter(teaching.students("review__author"))
        .select_related("review__submission", "raised_by")
    )


@dataclass
class CriterionAgreement:
    name: str
    alpha: float | None


@dataclass
class QuestionAgreement:
    question: Question
    alpha: float | None
    criteria: list[CriterionAgreement] = field(default_factory=list)
    reviews: int = 0


def agreement_report(
    *, teaching: CourseTeaching, quiz_id: int
) -> list[QuestionAgreement]:
    """Krippendorff's alpha (interval, on the levels' points) per question and per
    criterion over the peer reviews of students I teach."""
    from . import agreement

    rows = list(
        ReviewAssignment.objects.filter(
            submission__quiz_id=quiz_id, state=ReviewAssignment.State.DONE
        )
        .filter(teaching.students("author"))
        .order_by()
        .values_list("submission__question_id", "submission_id", "levels")
    )
    questions = {
        q.pk: q
        for q in Question.objects.filter(
            pk__in={question for question, _s, _l in rows}
        ).select_related("rubric")
    }
    report = []
    for question_id, question in sorted(questions.items()):
        criteria = question.marking_criteria()
        units: dict[int, list[list[int]]] = {}
        for qid, submission, levels in rows:
            if qid == question_id:
                units.setdefault(submission, []).append(levels)
        per_criterion = []
        total_units = []
        for index, criterion in enumerate(criteria):
            points = [
                [float(criterion["levels"][lv[index]]["points"]) for lv in given]
                for given in units.values()
            ]
            per_criterion.append(
                CriterionAgreement(
                    criterion["name"], agreement.alpha(points, "interval")
                )
            )
        for given in units.values():
            total_units.append(
                [
                    sum(
                        float(c["levels"][lv[i]]["points"])
                        for i, c in enumerate(criteria)
                    )
                    for lv in given
                ]
            )
        report.append(
            QuestionAgreement(
                question=question,
                alpha=agreement.alpha(total_units, "interval"),
                criteria=per_criterion,
                reviews=sum(len(g) for g in units.values()),
            )
        )
    return report


def calibration_history(*, student) -> list[CalibrationAttempt]:
    """A reviewer's calibration over time: each example scored, oldest first."""
    return list(
        CalibrationAttempt.objects.filter(student=student)
        .select_related("example__question__quiz")
        .order_by("created_at", "id")
    )


def setup_for(quiz: Quiz) -> PeerReviewSetup | None:
    return PeerReviewSetup.objects.filter(quiz=quiz).first()


def result_of(submission: Submission) -> PeerResult | None:
    try:
        return submission.result
    except PeerResult.DoesNotExist:
        return None
