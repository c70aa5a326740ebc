"""The grading queue's page: keyset (seek) paging, bounded counts, the filters' choices.

Nothing here reads every waiting answer. A page starts from the key of the last (or
first) answer of the page before and reads one more row than it shows, in the queue's
order (`selectors.grading_queue`: oldest submission first), which the partial indexes
`quizzes_attempt_review_order` / `_quiz` and `quizzes_response_awaiting` serve. An
answer scored between two pages neither shifts the next page (no skip) nor comes back
(no duplicate), as an OFFSET would. Counts stop at COUNT_LIMIT ("1,000+"), and the quiz
filter asks each quiz for its first waiting answer (LIMIT 1), not which ones do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Func, IntegerField, OuterRef, Q, Subquery

from courses.models import Cohort, CohortMembership
from quizzes.models import Quiz, Response

from .selectors import _awaiting, grading_queue

PAGE_SIZE = 25
COUNT_LIMIT = 1_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class QueueKey:
    """Where an answer stands in the queue's order (the order's four columns)."""

    submitted_at: datetime
    attempt_id: int
    position: int
    response_id: int

    @classmethod
    def of(cls, response: Response) -> QueueKey:
        return cls(
            response.attempt.submitted_at,
            response.attempt_id,
            response.question.position,
            response.pk,
        )

    @property
    def token(self) -> str:
        """The key in a URL: microseconds since the epoch and the three ids, exact."""
        micros = (self.submitted_at - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}.{self.attempt_id}.{self.position}.{self.response_id}"

    @classmethod
    def parse(cls, token: str) -> QueueKey:
        """The key of a token; ValueError for anything that is not one."""
        parts = token.split(".")
        if len(parts) != 4:
            raise ValueError(token)
        micros, attempt_id, position, response_id = (int(p) for p in parts)
        return cls(
            _EPOCH + timedelta(microseconds=micros), attempt_id, position, response_id
        )


def _beyond(key: QueueKey, op: str) -> Q:
    """Answers after (op "gt") or before ("lt") the key in the queue's order."""
    at, same_at = (
        f"attempt__submitted_at__{op}",
        {"attempt__submitted_at": key.submitted_at},
    )
    same_attempt = {**same_at, "attempt_id": key.attempt_id}
    same_question = {**same_attempt, "question__position": key.position}
    bound = "gte" if op == "gt" else "lte"
    # The first term lets PostgreSQL seek the index to the key; the rest is exact.
    return Q(**{f"attempt__submitted_at__{bound}": key.submitted_at}) & (
        Q(**{at: key.submitted_at})
        | Q(**same_at, **{f"attempt_id__{op}": key.attempt_id})
        | Q(**same_attempt, **{f"question__position__{op}": key.position})
        | Q(**same_question, **{f"pk__{op}": key.response_id})
    )


@dataclass
class QueuePage:
    """One page of the queue and the keys of the pages beside it."""

    items: list[Response] = field(default_factory=list)
    has_next: bool = False
    has_previous: bool = False

    @property
    def next_token(self) -> str:
        return QueueKey.of(self.items[-1]).token if self.has_next else ""

    @property
    def previous_token(self) -> str:
        return QueueKey.of(self.items[0]).token if self.has_previous else ""


def queue_page(
    queryset,
    *,
    after: QueueKey | None = None,
    before: QueueKey | None = None,
    size: int = PAGE_SIZE,
) -> QueuePage:
    """The page after `after`, before `before`, or the first (one query, two at most).

    A page before the first full one is the first page itself, so "previous" always
    lands on a full page.
    """
    if before is not None:
        rows = list(queryset.filter(_beyond(before, "lt")).reverse()[: size + 1])
        if len(rows) > size:
            return QueuePage(rows[:size][::-1], has_next=True, has_previous=True)
        after = None
    if after is not None:
        queryset = queryset.filter(_beyond(after, "gt"))
    rows = list(queryset[: size + 1])
    return QueuePage(rows[:size], has_next=len(rows) > size, has_previous=bool(after))


def mark_outside(items: list[Response]) -> list[Response]:
    """Set `outside_cohort` on a page's answers (one query): whether the student is in
    none of the cohorts of the quiz's course (the page's "No cohort" badge)."""
    if items:
        inside = set(
            CohortMembership.objects.filter(
                student_id__in={r.attempt.student_id for r in items},
                cohort__course_id__in={r.attempt.quiz.course_id for r in items},
            ).values_list("student_id", "cohort__course_id")
        )
        for item in items:
            key = (item.attempt.student_id, item.attempt.quiz.course_id)
            item.outside_cohort = key not in inside
    return items


def bounded_count(queryset) -> int:
    """How many rows, counting no further than COUNT_LIMIT + 1 ("more than")."""
    return queryset.order_by()[: COUNT_LIMIT + 1].count()


def _cardinality(queryset) -> Func:
    return Func(
        ArraySubquery(queryset.order_by().values("pk")[: COUNT_LIMIT + 1]),
        function="cardinality",
        output_field=IntegerField(),
    )


def queue_cohorts(user):
    """My cohorts for the queue's filter, each with how many answers wait (to 1,000+)."""
    pending = Response.objects.filter(_awaiting()).filter(
        attempt__student__cohort_memberships__cohort=OuterRef("pk"),
        attempt__quiz__course=OuterRef("course"),
    )
    return (
        Cohort.objects.taught_by(user)
        .select_related("course")
        .annotate(queue_count=_cardinality(pending))
        .order_by("course__title", "name", "pk")
    )


def queue_quizzes(*, user, cohort_id: int | None = None):
    """Quizzes with an answer waiting in my queue, by title.

    Each quiz asks for its first waiting answer (a scalar subquery with LIMIT 1, which
    PostgreSQL runs per quiz on the quiz's index; an EXISTS would become a semi-join
    over every waiting answer).
    """
    first_waiting = grading_queue(user=user, cohort_id=cohort_id).filter(
        attempt__quiz=OuterRef("pk")
    )
    return (
        Quiz.objects.annotate(first_waiting=Subquery(first_waiting.values("pk")[:1]))
        .filter(first_waiting__isnull=False)
        .select_related("course")
        .order_by("title", "pk")
    )


__all__ = [
    "COUNT_LIMIT",
    "QueueKey",
    "QueuePage",
    "bounded_count",
    "mark_outside",
    "queue_cohorts",
    "queue_page",
    "queue_quizzes",
]
