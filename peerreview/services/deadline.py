"""The review deadline: reviews not written expire and are given out again, and what
no one is left for goes to the instructor (run by `tasks.sweep_review_deadlines`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from .. import allocation, terms
from ..models import ReviewAssignment, Submission
from .allocating import _register, _taken, _write, peer_questions

__all__ = ["sweep_deadline"]


@transaction.atomic
def sweep_deadline(*, quiz_id: int, now: datetime | None = None) -> dict:
    """At the review deadline (and after each grace period): expire reviews not written,
    give answers short of k reviews to students who finished theirs, and what no one is
    left for to the instructor. Idempotent: nothing is due twice."""
    now = now or timezone.now()
    setup = (
        terms.setups_in_use()
        .select_for_update()
        .filter(quiz_id=quiz_id, review_deadline__lte=now)
        .first()
    )
    if setup is None:
        return {"expired": 0, "reassigned": 0, "to_instructor": 0}
    _register(setup)
    k = setup.reviews_per_student
    late = ReviewAssignment.objects.filter(
        submission__question__quiz_id=quiz_id,
        state=ReviewAssignment.State.ASSIGNED,
        due_at__lte=now,
    )
    expired_rows = list(late.values_list("id", "submission_id", "round"))
    expired = late.update(state=ReviewAssignment.State.EXPIRED)
    lost: dict[int, int] = {}
    retried: set[int] = set()
    for _pk, submission, round_ in expired_rows:
        lost[submission] = lost.get(submission, 0) + 1
        if round_ > 0:
            retried.add(submission)
    for submission, count in lost.items():
        Submission.objects.filter(pk=submission).update(assigned=F("assigned") - count)
    # Answers a reassigned reviewer also missed go to the instructor, not round again.
    to_instructor = Submission.objects.filter(pk__in=retried).update(
        needs_instructor=True
    )
    reassigned = 0
    due = now + timedelta(hours=setup.grace_hours)
    for question_id in peer_questions(quiz_id).values_list("id", flat=True):
        short = {
            pk: allocation.Answer(pk, author, count)
            for pk, author, count in Submission.objects.filter(
                question_id=question_id, assigned__lt=k, needs_instructor=False
            ).values_list("id", "author_id", "assigned")
        }
        if not short:
            continue
        # Those who wrote every review they had (and were given some) are reliable.
        open_ = ReviewAssignment.objects.filter(
            reviewer_id=OuterRef("author_id"),
            submission__question_id=question_id,
            state__in=(ReviewAssignment.State.ASSIGNED, ReviewAssignment.State.EXPIRED),
        )
        finished = list(
            Submission.objects.filter(question_id=question_id, done__gte=0)
            .filter(~Exists(open_))
            .filter(
                Exists(
                    ReviewAssignment.objects.filter(
                        reviewer_id=OuterRef("author_id"),
                        submission__question_id=question_id,
                        state=ReviewAssignment.State.DONE,
                    )
                )
            )
            .values_list("id", "author_id", "to_give")
        )
        taken = _taken(question_id, [author for _pk, author, _g in finished])
        reviewers = [
            allocation.Reviewer(author, given, taken.get(author, set()))
            for _pk, author, given in finished
        ]
        pairs, stuck = allocation.reassign(list(short.values()), reviewers, k)
        if pairs:
            _write(
                question_id,
                pairs,
                short,
                reviewers,
                {author: pk for pk, author, _g in finished},
                due=lambda _reviewer: due,
                now=now,
                round=1,
            )
            reassigned += len(pairs)
        to_instructor += Submission.objects.filter(pk__in=stuck).update(
            needs_instructor=True
        )
    setup.deadline_swept_at = now
    setup.save(update_fields=["deadline_swept_at"])
    return {
        "expired": expired,
        "reassigned": reassigned,
        "to_instructor": to_instructor,
    }
