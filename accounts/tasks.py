"""Celery tasks of accounts: thin wrappers that load ids and call a service, sending
e-mail away from the request."""

from __future__ import annotations

from celery import shared_task

from . import services
from .models import User

__all__ = ["send_password_reset_task", "send_verification_email_task"]


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_password_reset_task(email: str, domain: str, use_https: bool) -> int:
    """Send the reset link to the active accounts with this e-mail; returns how many."""
    return services.send_password_reset(email=email, domain=domain, use_https=use_https)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    # smtplib's errors are OSErrors: a mail server that is down is tried again later.
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=10,
)
def send_verification_email_task(user_id: int) -> str:
    """Mail the sign-up confirmation link, unless the address is confirmed already."""
    user = User.objects.filter(pk=user_id, email_verified_at__isnull=True).first()
    if user is None:
        return "nothing to send"
    services.mail_verification_link(user=user)
    return "sent"
