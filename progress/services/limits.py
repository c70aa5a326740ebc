"""The progress reports' batch sizes, lease and retry tiers, from settings (base.py)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def build_batch_size() -> int:
    return settings.PROGRESS_REPORT_BUILD_BATCH


def send_batch_size() -> int:
    return settings.PROGRESS_REPORT_SEND_BATCH


def send_lease() -> timedelta:
    """How long a run may hold claimed rows before another run takes them over."""
    return timedelta(seconds=settings.PROGRESS_REPORT_LEASE_SECONDS)


def extra_senders() -> int:
    """Other worker processes the weekly run asks to send beside it, when there is more
    than one batch: claims skip each other's rows, so they share the outbox."""
    return settings.PROGRESS_REPORT_EXTRA_SENDERS


def max_attempts() -> int:
    """Tries in the fast tier (doubling waits)."""
    return settings.PROGRESS_REPORT_MAX_ATTEMPTS


def slow_retries() -> int:
    """Further tries, one per slow_retry_every(), before a transient failure is final."""
    return settings.PROGRESS_REPORT_SLOW_RETRIES


def slow_retry_every() -> timedelta:
    return settings.PROGRESS_REPORT_SLOW_RETRY_EVERY
