"""What the admin and the user do to the outbox: resend failed rows, unsubscribe."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts import services as account_services

from ..models import ProgressReport


@transaction.atomic
def resend_reports(*, report_ids: list[int]) -> int:
    """Put failed rows back in the queue with a fresh count of attempts."""
    return ProgressReport.objects.filter(
        pk__in=report_ids, state=ProgressReport.State.FAILED
    ).update(
        state=ProgressReport.State.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
    )


@transaction.atomic
def unsubscribe(*, user) -> None:
    """Turn progress e-mails off and cancel the user's reports not yet sent."""
    account_services.update_preferences(user=user, progress_emails=False)
    ProgressReport.objects.filter(user=user, state=ProgressReport.State.PENDING).update(
        state=ProgressReport.State.FAILED,
        last_error="Cancelled: the user unsubscribed before it was sent.",
    )
