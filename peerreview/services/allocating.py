"""Register answers for peer review and hand out reviews: on submit, and at the deadline.

Allocation for a quiz runs under a lock on its `PeerReviewSetup` row, so concurrent
submits queue behind each other and every run sees the counts the previous one wrote;
each run does whatever is outstanding (it is idempotent: a second run with nothing new
writes nothing), so one run can serve the tasks of many submits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.utils import timezone

from quizzes.models import Attempt, Question, Response

from .. import allocation, nav, notices, terms
from ..models import PeerReviewSetup, ReviewAssignment, Submission, WaitingAttempt
from . import rows

__all__ = ["allocate_reviews", "peer_questions"]

TRADEOFF_KINDS = (
    Question.Kind.TRADEOFF_POSITION,
    Question.Kind.TRADEOFF_ALLOCATION,
)


def peer_questions(quiz_id: int):
    """A quiz's questions peers review: argument-scored tradeoff items with criteria."""
    return Question.objects.filter(
        quiz_id=quiz_id, kind__in=TRADEOFF_KINDS, data__scoring=2
    ).filter(
        Q(rubric__isnull=False) | Q(data__justification__has_key="rubric_criteria")
    )


def _fresh(quiz_id: int, attempt_ids: list[int] | None):
    """The finished, answered justifications of the quiz not yet under review (of the
    given attempts only, when named), oldest first."""
    responses = Response.objects.all()
    if attempt_ids is not None:
        responses = responses.filter(attempt_id__in=attempt_ids)
    return responses.filter(
        question__in=peer_questions(quiz_id),
        needs_manual=True,
        attempt__state__in=(Attempt.State.NEEDS_REVIEW, Attempt.State.GRADED),
    ).exclude(
        Exists(
            Submission.objects.filter(
                question_id=OuterRef("question_id"),
                author_id=OuterRef("attempt__student_id"),
            )
        )
    )


def _anything_waiting(quiz_id: int) -> bool:
    """Whether an attempt of the quiz waits to be registered: one cheap query, without
    the lock or a transaction. The run that took a waiting attempt allocated for its
    answers in the same transaction, so a task that finds none has nothing to do."""
    return WaitingAttempt.objects.filter(quiz_id=quiz_id).exists()


def _register(setup: PeerReviewSetup, attempt_ids: list[int] | None = None) -> int:
    """Make a Submission of every finished, answered justification not yet under review
    of the attempts waiting for the quiz and the named ones (or of the whole quiz, when
    none are named), whose author has peer review on (terms), in one INSERT ... SELECT."""
    quiz_id = setup.quiz_id
    if attempt_ids is not None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {WaitingAttempt._meta.db_table} WHERE quiz_id = %s"
                " RETURNING attempt_id",
                [quiz_id],
            )
            attempt_ids = sorted({*attempt_ids, *(row[0] for row in cursor)})
    else:
        WaitingAttempt.objects.filter(quiz_id=quiz_id).delete()
    select, params = (
        _fresh(quiz_id, attempt_ids)
        .alias(peer_on=terms.enabled_for_author(setup, OuterRef("attempt__student_id")))
        .filter(peer_on=True)
        .order_by("attempt__submitted_at", "id")
        .annotate(
            zero_assigned=Value(0),
            zero_to_give=Value(0),
            zero_done=Value(0),
            not_to_instructor=Value(False),
            of_quiz=Value(quiz_id),
        )
        .values_list(
            "id",
            "question_id",
            "of_quiz",
            "attempt__student_id",
            "attempt__submitted_at",
            "zero_assigned",
            "zero_to_give",
            "zero_done",
            "not_to_instructor",
        )
        .query.sql_with_params()
    )
    # A student's first finished attempt is the one reviewed (unique question+author).
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Submission._meta.db_table} (response_id, question_id,"
            " quiz_id, author_id, submitted_at, assigned, to_give, done, needs_instructor) "
            f"{select} ON CONFLICT DO NOTHING",
            params,
        )
        return cursor.rowcount


@dataclass
class Allocated:
    registered: int
    assigned: int


def _taken(question_id: int, users) -> dict[int, set[int]]:
    """The answers of the question each of `users` already reviews (or missed)."""
    taken: dict[int, set[int]] = {}
    for user, submission in ReviewAssignment.objects.filter(
        question_id=question_id, reviewer_id__in=users
    ).values_list("reviewer_id", "submission_id"):
        taken.setdefault(user, set()).add(submission)
    return taken


def _taken_and_own(
    question_id: int, needy: list[tuple[int, int, int, int]]
) -> tuple[dict[int, set[int]], list[tuple[int, int]]]:
    """In one read: the answers each needy reviewer already has, and (reviewer,
    answer) of the reviews of the needy's own answers (for the swap)."""
    authors = [author for _pk, author, _g, _got in needy]
    owns = [pk for pk, _a, _g, _got in needy]
    taken: dict[int, set[int]] = {}
    own_taken: list[tuple[int, int]] = []
    owned = set(owns)
    mine = set(authors)
    for user, submission in ReviewAssignment.objects.filter(
        Q(reviewer_id__in=authors) | Q(submission_id__in=owns), question_id=question_id
    ).values_list("reviewer_id", "submission_id"):
        if user in mine:
            taken.setdefault(user, set()).add(submission)
        if submission in owned:
            own_taken.append((user, submission))
    return taken, own_taken


def _write(
    question_id: int,
    pairs: list[tuple[int, int]],
    answers: dict[int, allocation.Answer],
    reviewers: list[allocation.Reviewer],
    by_user: dict[int, int],
    *,
    due: Callable[[int], datetime],
    now: datetime,
    round: int = 0,
) -> None:
    rows.insert_reviews(
        [(answer, user, answers[answer].author) for user, answer in pairs],
        question_id=question_id,
        due=due,
        now=now,
        round=round,
    )
    givers = {user for user, _a in pairs}
    rows.set_counts(
        assigned={answer: answers[answer].assigned for _u, answer in pairs},
        to_give={
            by_user[r.user]: r.to_give
            for r in reviewers
            if r.user in givers and r.user in by_user
        },
    )


# How many of the question's latest unwritten reviews a short reviewer may take one
# from: enough to find a fit, few enough that a submit's work does not grow with the
# cohort (read off `peer_review_open_idx`).
SWAP_WINDOW = 64


def _swap(
    question_id: int,
    short: list[allocation.Reviewer],
    under: dict[int, allocation.Answer],
    own_taken: list[tuple[int, int]],
    k: int,
    due: terms.Deadlines,
    now: datetime,
) -> list[int]:
    """Give reviewers left short an unwritten review of a peer, who reviews their answer
    instead (allocation.swap); returns the short reviewers served, once per review.

    Reads one bounded set (the latest unwritten reviews) and the deadlines of the peers
    it moves, and writes one UPDATE per short reviewer and one INSERT."""
    recent = list(
        ReviewAssignment.objects.filter(
            question_id=question_id, state=ReviewAssignment.State.ASSIGNED
        )
        .order_by("-id")
        .values_list("id", "reviewer_id", "submission_id", "author_id")[:SWAP_WINDOW]
    )
    # Only whether a peer already has a short reviewer's own answer matters to swap
    # (`own_taken`: (reviewer, answer) of the reviews of the needy's own answers, and
    # the reviews `plan` just wrote of them).
    owns = {r.position for r in short}
    taken: dict[int, set[int]] = {}
    for user, submission in own_taken:
        if submission in owns:
            taken.setdefault(user, set()).add(submission)
    for reviewer in short:
        taken[reviewer.user] = reviewer.taken
    open_pairs = [(user, answer, author) for _pk, user, answer, author in recent]
    moves = allocation.swap(short, under, open_pairs, taken, k)
    if not moves:
        return []
    # Follow each row through the moves (a row handed over may be handed on again):
    # (reviewer, answer) -> the existing row's id, or None for a row to create.
    handover: dict[tuple[int, int], int | None] = {
        (user, answer): pk for pk, user, answer, _author in recent
    }
    own = {r.user: r.position for r in short}
    for other, answer, reviewer in moves:
        handover[(reviewer, answer)] = handover.pop((other, answer))
        handover[(other, own[reviewer])] = None
    original = {pk: user for pk, user, _a, _au in recent}
    handed: dict[int, list[int]] = {}
    for (user, _answer), pk in handover.items():
        if pk is not None and original[pk] != user:
            handed.setdefault(user, []).append(pk)
    # The peers who now review a short reviewer's answer write it by their deadline.
    due.load({other for other, _a, _r in moves})
    for user, pks in handed.items():
        ReviewAssignment.objects.filter(
            pk__in=pks, state=ReviewAssignment.State.ASSIGNED
        ).update(reviewer_id=user, due_at=due(user))
    authors = {r.position: r.user for r in short}
    rows.insert_reviews(
        [
            (answer, user, authors[answer])
            for (user, answer), pk in handover.items()
            if pk is None
        ],
        question_id=question_id,
        due=due,
        now=now,
    )
    rows.set_counts(
        assigned={r.position: under[r.position].assigned for r in short},
        to_give={r.position: r.to_give for r in short},
    )
    return [reviewer for _o, _a, reviewer in moves]


def _under(
    question_id: int, needy: list[tuple[int, int, int, int]], k: int
) -> dict[int, allocation.Answer]:
    """The answers `plan` may give the needy reviewers (id, author, to_give, assigned):
    the least reviewed first, as many as they could take past their own and those they
    already have (each takes at most k and skips at most k + 1), and the needy's own
    answers still short (the swap reviews them). A bounded read off (question,
    assigned, id), whatever the cohort's size."""
    limit = len(needy) * (2 * k + 2) + k
    found = list(
        Submission.objects.filter(question_id=question_id, assigned__lt=k)
        .order_by("assigned", "id")
        .values_list("id", "author_id", "assigned")[:limit]
    )
    found += [(pk, author, got) for pk, author, _g, got in needy if got < k]
    return {pk: allocation.Answer(pk, author, count) for pk, author, count in found}


def allocate_reviews(
    *, quiz_id: int, attempt_ids: list[int] | None = None, now: datetime | None = None
) -> Allocated:
    """Register new answers of the quiz (those of the waiting attempts and
    `attempt_ids`, or all when none are named) and give every reviewer short of k
    reviews the least-reviewed peers' answers of the same question.

    A submit's task (attempts named) that finds no attempt of the quiz waiting returns
    after one query: an earlier run took its attempt (a burst of submits is served by
    the first run). An attempt named but not marked waiting (a task queued before the
    queue existed) is registered by a run that finds others waiting, or at the latest
    by the deadline sweep, which registers the whole quiz.
    """
    if attempt_ids is not None and not _anything_waiting(quiz_id):
        return Allocated(0, 0)
    return _allocate(quiz_id=quiz_id, attempt_ids=attempt_ids, now=now)


@transaction.atomic
def _allocate(
    *, quiz_id: int, attempt_ids: list[int] | None, now: datetime | None
) -> Allocated:
    now = now or timezone.now()
    setup = terms.setups_in_use().select_for_update().filter(quiz_id=quiz_id).first()
    if setup is None:
        return Allocated(0, 0)
    registered = _register(setup, attempt_ids)
    if attempt_ids is not None and not registered:
        # Another run took this submit's answers (and allocated for them) first.
        return Allocated(0, 0)
    k = setup.reviews_per_student
    assigned = 0
    waiting: dict[int, int] = {}
    if setup.deadline_swept_at is not None:
        # After the deadline sweep, answers still arriving (a late attempt) go to the
        # instructor, like every other answer short of reviews.
        Submission.objects.filter(
            question__quiz_id=quiz_id, assigned__lt=k, needs_instructor=False
        ).update(needs_instructor=True)
        return Allocated(registered, 0)
    # Every answer whose author still has reviews to get, by question, in one read.
    needy_by_question: dict[int, list[tuple[int, int, int, int]]] = {}
    for question_id, *row in (
        Submission.objects.filter(question__quiz_id=quiz_id, to_give__lt=k)
        .order_by("question_id", "submitted_at", "id")
        .values_list("question_id", "id", "author_id", "to_give", "assigned")
    ):
        needy_by_question.setdefault(question_id, []).append(tuple(row))
    # Each reviewer writes by their own deadline (their assignment's, or the quiz's).
    deadlines = terms.Deadlines(setup)
    deadlines.load({row[1] for rows_ in needy_by_question.values() for row in rows_})
    for question_id, needy in needy_by_question.items():
        under = _under(question_id, needy, k)
        taken, own_taken = _taken_and_own(question_id, needy)
        reviewers = [
            allocation.Reviewer(author, given, taken.get(author, set()), position=pk)
            for pk, author, given, _got in needy
        ]
        pairs = allocation.plan(reviewers, list(under.values()), k)
        if pairs:
            # Written before any swap, so the swap sees (and never repeats) them.
            _write(
                question_id,
                pairs,
                under,
                reviewers,
                {author: pk for pk, author, _g, _got in needy},
                due=deadlines,
                now=now,
            )
        short = [r for r in reviewers if r.to_give < k and r.position in under]
        moved = (
            _swap(
                question_id,
                short,
                under,
                own_taken + pairs,  # with the reviews just planned
                k,
                deadlines,
                now,
            )
            if short
            else []
        )
        assigned += len(pairs) + len(moved)
        for user in [user for user, _answer in pairs] + moved:
            waiting[user] = waiting.get(user, 0) + 1
    notices.reviews_waiting(quiz_id=quiz_id, users=list(waiting))
    if waiting:
        transaction.on_commit(lambda: nav.remember(list(waiting)))
    return Allocated(registered, assigned)
