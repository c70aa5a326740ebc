"""Celery tasks of accounts: the password-reset e-mail, sent away from the request."""

from __future__ import annotations

from celery import shared_task

__all__ = ["send_password_reset_task"]


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_password_reset_task(email: str, domain: str, use_https: bool) -> int:
    """Send the reset link to the active accounts with this e-mail; returns how many."""
    from . import services

    return services.send_password_reset(email=email, domain=domain, use_https=use_https)
