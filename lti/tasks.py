"""Celery tasks for LTI: thin, idempotent, safe to run twice or at once."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from .passback import services


@shared_task(name="lti.tasks.send_scores")
def send_scores() -> dict:
    """Send every due score to its LMS; schedule itself again for the next retry."""
    result = services.send_due_scores()
    if result.next_retry_in is not None:
        send_scores.apply_async(countdown=result.next_retry_in)
    return asdict(result)


@shared_task(name="lti.tasks.sync_rosters")
def sync_rosters() -> dict:
    """Nightly: bring every mirrored cohort in line with its LMS roster (NRPS)."""
    from . import roster

    return roster.sync_all()


@shared_task(name="lti.tasks.forget_used_launch_values")
def forget_used_launch_values() -> int:
    """Nightly: drop spent nonces and states whose tokens have long expired."""
    from django.utils import timezone

    from .models import UsedLaunchValue

    deleted, _rows = UsedLaunchValue.objects.filter(
        expires_at__lt=timezone.now()
    ).delete()
    return deleted
