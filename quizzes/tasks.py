"""Celery tasks of the quizzes app: thin wrappers that load ids and call a service."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services
from .models import Attempt

logger = logging.getLogger(__name__)

# An attempt left `submitted` this long has lost its grading message; the sweep re-queues it.
STALE_AFTER = timedelta(minutes=2)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
)
def grade_attempt_task(self, attempt_id: int) -> str | None:
    """Grade one attempt, and others of its quiz waiting for grading (a batch); safe to
    run twice (a graded attempt is left alone)."""
    state, _graded = services.grade_submitted(attempt_id=attempt_id)
    return state


@shared_task(acks_late=True)
def sweep_attempts(stale_after_seconds: float | None = None) -> dict[str, int]:
    """Close attempts past their deadline and re-queue attempts whose grading was lost."""
    now = timezone.now()
    stale_after = (
        STALE_AFTER
        if stale_after_seconds is None
        else timedelta(seconds=stale_after_seconds)
    )
    expired = list(
        Attempt.objects.filter(
            state=Attempt.State.IN_PROGRESS, deadline__lt=now
        ).values_list("pk", flat=True)[:500]
    )
    for attempt_id in expired:
        services.close_expired_attempt(attempt_id=attempt_id, now=now)
    stale = list(
        Attempt.objects.filter(
            state=Attempt.State.SUBMITTED, submitted_at__lte=now - stale_after
        ).values_list("pk", flat=True)[:500]
    )
    for attempt_id in stale:
        grade_attempt_task.delay(attempt_id)
    if expired or stale:
        logger.info(
            "sweep closed %s expired attempts, re-queued %s", len(expired), len(stale)
        )
    return {"closed": len(expired), "requeued": len(stale)}
