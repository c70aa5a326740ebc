"""Peer review's terms for one student on one quiz: the quiz's setup, overridden by the
student's assignment of the quiz where it says otherwise (issue 17: "per quiz, or per
assignment"). The assignment in force is the latest-due one of the student's cohorts,
as for the quiz's dates (quizzes.selectors.rules_from)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from quizzes.models import Assignment

from .models import PeerReviewSetup

__all__ = [
    "Deadlines",
    "Terms",
    "enabled_for_author",
    "for_students",
    "resolve",
    "setups_in_use",
]


@dataclass(frozen=True)
class Terms:
    enabled: bool
    review_deadline: datetime
    scores_count: bool
    reviews_per_student: int


def resolve(setup: PeerReviewSetup, assignment: Assignment | None) -> Terms:
    """The quiz's setup, each setting the assignment gives replacing the quiz's."""

    def pick(mine, quiz):
        return quiz if assignment is None or mine is None else mine

    return Terms(
        enabled=pick(assignment and assignment.peer_review, setup.enabled),
        review_deadline=pick(
            assignment and assignment.peer_review_deadline, setup.review_deadline
        ),
        scores_count=pick(
            assignment and assignment.peer_scores_count, setup.scores_count
        ),
        reviews_per_student=setup.reviews_per_student,
    )


def _in_force(quiz_id: int, student):
    """The student's assignments of the quiz, the one in force first."""
    return Assignment.objects.filter(
        quiz_id=quiz_id, cohort__memberships__student_id=student
    ).order_by("-due_at", "-pk")


def enabled_for_author(setup: PeerReviewSetup, student_ref: OuterRef):
    """An expression: whether peer review is on for the student `student_ref` names
    (for a registration's INSERT ... SELECT)."""
    return Coalesce(
        Subquery(_in_force(setup.quiz_id, student_ref).values("peer_review")[:1]),
        Value(setup.enabled),
    )


def for_students(setup: PeerReviewSetup, students) -> dict[int, Terms]:
    """Each student's terms, in one query."""
    in_force: dict[int, Assignment] = {}
    for assignment in (
        Assignment.objects.filter(
            quiz_id=setup.quiz_id, cohort__memberships__student_id__in=list(students)
        )
        .annotate(member=F("cohort__memberships__student_id"))
        .order_by("due_at", "pk")
    ):
        in_force[assignment.member] = assignment  # the latest due wins
    return {student: resolve(setup, in_force.get(student)) for student in students}


def setups_in_use():
    """The setups of quizzes with peer review on for someone: on for the quiz, or on
    for one of its assignments."""
    return PeerReviewSetup.objects.filter(
        Q(enabled=True)
        | Exists(
            Assignment.objects.filter(quiz_id=OuterRef("quiz_id"), peer_review=True)
        )
    )


class Deadlines:
    """The review deadline of each reviewer (their terms), read for many at once."""

    def __init__(self, setup: PeerReviewSetup):
        self.setup = setup
        self.known: dict[int, datetime] = {}

    def load(self, users) -> None:
        missing = [user for user in users if user not in self.known]
        if missing:
            for user, terms in for_students(self.setup, missing).items():
                self.known[user] = terms.review_deadline

    def __call__(self, user: int) -> datetime:
        return self.known.get(user, self.setup.review_deadline)
