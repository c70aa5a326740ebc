"""Celery tasks of peer review: thin, idempotent, safe to run twice or at once."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import notices, services, terms
from .models import ReviewAssignment


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def allocate_reviews(quiz_id: int, attempt_ids: list[int] | None = None) -> dict:
    """Register the new answers (of the attempts named, or the whole quiz's) and hand
    out reviews; a repeat does nothing."""
    done = services.allocate_reviews(quiz_id=quiz_id, attempt_ids=attempt_ids)
    return {"registered": done.registered, "assigned": done.assigned}


@shared_task(acks_late=True)
def sweep_review_deadlines() -> dict:
    """At each quiz's review deadline (and each grace period after), give out again the
    reviews not written; run by beat every few minutes."""
    now = timezone.now()
    overdue = ReviewAssignment.objects.filter(
        submission__question__quiz_id=OuterRef("quiz_id"),
        state=ReviewAssignment.State.ASSIGNED,
        due_at__lte=now,
    )
    quiz_ids = list(
        terms.setups_in_use()
        .filter(review_deadline__lte=now)
        .filter(Q(deadline_swept_at__isnull=True) | Exists(overdue))
        .values_list("quiz_id", flat=True)[:200]
    )
    totals = {"quizzes": len(quiz_ids), "expired": 0, "reassigned": 0}
    for quiz_id in quiz_ids:
        swept = services.sweep_deadline(quiz_id=quiz_id, now=now)
        totals["expired"] += swept["expired"]
        totals["reassigned"] += swept["reassigned"]
    notices.send_due_notices()
    return totals


@shared_task(acks_late=True)
def send_peer_notices() -> dict:
    """Send the peer-review e-mails that are due."""
    return notices.send_due_notices()


@shared_task
def noop() -> None:
    """Nothing: the bench's yardstick for what a task costs on this worker."""
