"""Celery tasks of analytics: refresh quiz statistics (debounced), write CSV exports.

Celery finds them here (`analytics.tasks`) by autodiscovery; the engine never imports them.
"""

from __future__ import annotations

import functools
import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, transaction

from quizzes.models import Quiz

from .models import QuizStatistics

__all__ = [
    "refresh_quiz_statistics_task",
    "queue_statistics_refresh",
    "run_export_task",
    "schedule_statistics_refresh",
]

logger = logging.getLogger(__name__)

# A burst of gradings within this many seconds triggers one statistics refresh.
STATS_REFRESH_COUNTDOWN = 30
# The debounce key outlives the countdown so a late worker does not let a second
# refresh in; the task clears it when it starts, so nothing graded after that is missed.
_DEBOUNCE_TTL = STATS_REFRESH_COUNTDOWN * 10


def _debounce_key(quiz_id: int) -> str:
    return f"tradeoffs:reports:stats-refresh:{quiz_id}"


@functools.cache
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url)


def _uses_redis() -> bool:
    return str(settings.CELERY_BROKER_URL).startswith(("redis://", "rediss://"))


def _claim_debounce(key: str, seconds: int) -> bool:
    """Set the key unless it exists; True for the caller that set it."""
    # The broker's Redis is shared by every web and worker process, unlike a local
    # cache; the zero-setup run (memory broker) falls back on Django's cache.
    if _uses_redis():
        return bool(
            _redis(settings.CELERY_BROKER_URL).set(key, "1", nx=True, ex=seconds)
        )
    return cache.add(key, "1", seconds)


def _release_debounce(key: str) -> None:
    if _uses_redis():
        _redis(settings.CELERY_BROKER_URL).delete(key)
    else:
        cache.delete(key)


def queue_statistics_refresh(quiz_id: int) -> bool:
    """Queue one refresh now unless one is already queued; True if this call queued it."""
    key = _debounce_key(quiz_id)
    if not _claim_debounce(key, _DEBOUNCE_TTL):
        return False
    try:
        refresh_quiz_statistics_task.apply_async(
            args=[quiz_id], countdown=STATS_REFRESH_COUNTDOWN
        )
    except Exception:
        # No message left: free the key so the next grading can try again.
        _release_debounce(key)
        raise
    return True


def schedule_statistics_refresh(quiz_id: int) -> None:
    """Queue one statistics refresh for a quiz shortly after the current commit.

    Gradings of the same quiz within the countdown share that one refresh.
    """
    transaction.on_commit(functools.partial(queue_statistics_refresh, quiz_id))


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def refresh_quiz_statistics_task(quiz_id: int) -> dict[str, int] | None:
    """Recompute a quiz's first- and all-attempt statistics; running it twice is harmless."""
    from . import services

    # Cleared before reading, so a grading that lands during this run queues another.
    _release_debounce(_debounce_key(quiz_id))
    if not Quiz.objects.filter(pk=quiz_id).exists():
        return None
    return {
        which: services.refresh_quiz_statistics(
            quiz_id=quiz_id, which=which
        ).attempt_count
        for which in QuizStatistics.Which.values
    }


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def run_export_task(self, job_id: int) -> str | None:
    """Write one export's file; a done job is left alone, a crashed one starts over."""
    from . import exports

    # A redelivery (worker lost) or retry keeps the task id, so it may take back the
    # job its earlier delivery left running; another message may not.
    job = exports.run_export(job_id=job_id, claim=self.request.id or "")
    return job.state if job else None


# Messages queued before these tasks moved from quizzes.reports carry the old names; a
# worker of this release still takes them, so no export or refresh queued across the
# upgrade is dropped as an unregistered task. Remove after the next release.
@shared_task(name="quizzes.reports.tasks.refresh_quiz_statistics_task", acks_late=True)
def legacy_refresh_quiz_statistics_task(quiz_id: int) -> dict[str, int] | None:
    """The statistics refresh, under its name before the split."""
    return refresh_quiz_statistics_task(quiz_id)


@shared_task(
    name="quizzes.reports.tasks.run_export_task",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def legacy_run_export_task(self, job_id: int) -> str | None:
    """The export, under its name before the split (same claim by task id)."""
    from . import exports

    job = exports.run_export(job_id=job_id, claim=self.request.id or "")
    return job.state if job else None
