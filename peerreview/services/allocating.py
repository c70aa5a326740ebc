"""Register answers for peer review and hand out reviews: on submit, and at the deadline.

Allocation for a quiz runs under a lock on its `PeerReviewSetup` row, so concurrent
submits queue behind each other and every run sees the counts the previous one wrote;
each run does whatever is outstanding (it is idempotent: a second run with nothing new
writes nothing), so one run can serve the tasks of many submits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from quizzes.models import Attempt, Question, Response

from .. import allocation, nav, notices
from ..models import PeerReviewSetup, ReviewAssignment, Submission

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


def _register(quiz_id: int, attempt_ids: list[int] | None = None) -> int:
    """Make a Submission of every finished, answered justification not yet under review
    (of the given attempts only, when named: a submit's task looks at its own rows, not
    the whole quiz)."""
    responses = Response.objects.all()
    if attempt_ids is not None:
        responses = responses.filter(attempt_id__in=attempt_ids)
    fresh = (
        responses.filter(
            question__in=peer_questions(quiz_id),
            needs_manual=True,
            attempt__state__in=(Attempt.State.NEEDS_REVIEW, Attempt.State.GRADED),
        )
        .exclude(
            Exists(
                Submission.objects.filter(
                    question_id=OuterRef("question_id"),
                    author_id=OuterRef("attempt__student_id"),
                )
            )
        )
        .order_by("attempt__submitted_at", "id")
        .values_list(
            "id", "question_id", "attempt__student_id", "attempt__submitted_at"
        )
    )
    rows = [
        Submission(response_id=rid, question_id=qid, author_id=author, submitted_at=at)
        for rid, qid, author, at in fresh
    ]
    # A student's first finished attempt is the one reviewed (unique question+author).
    created = Submission.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


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
    due: datetime,
    now: datetime,
    round: int = 0,
) -> None:
    ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                submission_id=answer,
                question_id=question_id,
                reviewer_id=user,
                author_id=answers[answer].author,
                round=round,
                assigned_at=now,
                due_at=due,
            )
            for user, answer in pairs
        ]
    )
    changed = {answer for _u, answer in pairs}
    Submission.objects.bulk_update(
        [Submission(pk=a, assigned=answers[a].assigned) for a in changed], ["assigned"]
    )
    givers = {user for user, _a in pairs}
    Submission.objects.bulk_update(
        [
            Submission(pk=by_user[r.user], to_give=r.to_give)
            for r in reviewers
            if r.user in givers and r.user in by_user
        ],
        ["to_give"],
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
    due: datetime,
    now: datetime,
) -> list[int]:
    """Give reviewers left short an unwritten review of a peer, who reviews their answer
    instead (allocation.swap); returns the short reviewers served, once per review.

    Reads one bounded set (the latest unwritten reviews) and writes one UPDATE per
    short reviewer and one INSERT."""
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
    rows: dict[tuple[int, int], int | None] = {
        (user, answer): pk for pk, user, answer, _author in recent
    }
    own = {r.user: r.position for r in short}
    for other, answer, reviewer in moves:
        rows[(reviewer, answer)] = rows.pop((other, answer))
        rows[(other, own[reviewer])] = None
    original = {pk: user for pk, user, _a, _au in recent}
    handed: dict[int, list[int]] = {}
    for (user, _answer), pk in rows.items():
        if pk is not None and original[pk] != user:
            handed.setdefault(user, []).append(pk)
    for user, pks in handed.items():
        ReviewAssignment.objects.filter(
            pk__in=pks, state=ReviewAssignment.State.ASSIGNED
        ).update(reviewer_id=user)
    authors = {r.position: r.user for r in short}
    ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                submission_id=answer,
                question_id=question_id,
                reviewer_id=user,
                author_id=authors[answer],
                assigned_at=now,
                due_at=due,
            )
            for (user, answer), pk in rows.items()
            if pk is None
        ]
    )
    Submission.objects.bulk_update(
        [
            Submission(
                pk=r.position, to_give=r.to_give, assigned=under[r.position].assigned
            )
            for r in short
        ],
        ["to_give", "assigned"],
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


@transaction.atomic
def allocate_reviews(
    *, quiz_id: int, attempt_ids: list[int] | None = None, now: datetime | None = None
) -> Allocated:
    """Register new answers of the quiz (those of `attempt_ids`, or all) and give every
    reviewer short of k reviews the least-reviewed peers' answers of the same question."""
    now = now or timezone.now()
    setup = (
        PeerReviewSetup.objects.select_for_update()
        .filter(quiz_id=quiz_id, enabled=True)
        .first()
    )
    if setup is None:
        return Allocated(0, 0)
    registered = _register(quiz_id, attempt_ids)
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
                due=setup.review_deadline,
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
                setup.review_deadline,
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
