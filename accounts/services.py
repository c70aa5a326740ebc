"""Writes on accounts: signing up a student, verifying the address, preferences."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _

from .models import User, validate_timezone


def email_taken(email: str) -> bool:
    """Say whether an account already uses this e-mail, whatever its case."""
    return User.objects.filter(email__iexact=email.strip()).exists()


@transaction.atomic
def register_student(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    timezone: str = "UTC",
) -> User:
    """Create a student account; the role is always student, whatever the caller sends."""
    email = User.objects.normalize_email(email).strip()
    if email_taken(email):
        raise ValidationError(
            {"email": [_("An account with this e-mail already exists.")]}
        )
    validate_timezone(timezone)
    user = User(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        timezone=timezone,
        role=User.Role.STUDENT,
    )
    validate_password(password, user)
    user.set_password(password)
    # The case-insensitive unique constraint is the last word if two sign-ups race.
    user.save()
    # Sent by a worker, retried there: a slow or absent mail server never holds up or
    # fails the sign-up itself.
    from . import tasks

    transaction.on_commit(
        lambda: tasks.send_verification_email_task.delay(user.pk), robust=True
    )
    return user


logger = logging.getLogger(__name__)

_VERIFY_SALT = "accounts.verify-email"
VERIFY_MAX_AGE = timedelta(days=3)


def verification_token(user: User) -> str:
    """A signed token naming the user and the address it proves; it expires."""
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=_VERIFY_SALT)


def mail_verification_link(*, user: User) -> None:
    """Mail the link that proves the address; an SMTP failure raises (OSError)."""
    link = settings.SITE_URL.rstrip("/") + reverse(
        "accounts:verify_email", kwargs={"token": verification_token(user)}
    )
    body = render_to_string(
        "registration/verify_email.txt", {"user": user, "link": link}
    )
    send_mail(_("Confirm your e-mail address for Tradeoffs"), body, None, [user.email])


def send_verification_email(*, user: User) -> bool:
    """Mail the link now; False (and logged) when mail fails, so the page can say so
    and the student can ask again."""
    try:
        mail_verification_link(user=user)
    except OSError:
        logger.warning(
            "verification e-mail to user %s not sent", user.pk, exc_info=True
        )
        return False
    return True


@transaction.atomic
def verify_email(*, token: str) -> User:
    """Mark the address the token names as verified; idempotent.

    A token for an address the account no longer has, an unknown account, a forged or
    expired token: all a ValidationError with one message.
    """
    invalid = ValidationError(
        _("This confirmation link is invalid or has expired. Ask for a new one.")
    )
    try:
        data = signing.loads(
            token, salt=_VERIFY_SALT, max_age=VERIFY_MAX_AGE.total_seconds()
        )
    except signing.BadSignature as error:
        raise invalid from error
    user = User.objects.select_for_update().filter(pk=data.get("u")).first()
    if user is None or user.email.lower() != data.get("e"):
        raise invalid
    if user.email_verified_at is None:
        user.email_verified_at = django_timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


_PREFERENCE_FIELDS = ("first_name", "last_name", "timezone", "progress_emails")


@transaction.atomic
def update_preferences(
    *,
    user: User,
    first_name: str | None = None,
    last_name: str | None = None,
    timezone: str | None = None,
    progress_emails: bool | None = None,
) -> User:
    """Change the given name, time zone or e-mail preference; None leaves a field alone."""
    values = {
        "first_name": first_name.strip() if first_name is not None else None,
        "last_name": last_name.strip() if last_name is not None else None,
        "timezone": timezone,
        "progress_emails": progress_emails,
    }
    changed = [name for name in _PREFERENCE_FIELDS if values[name] is not None]
    if timezone is not None:
        validate_timezone(timezone)
    for name in changed:
        setattr(user, name, values[name])
    if changed:
        user.full_clean(
            exclude=[f.name for f in User._meta.fields if f.name not in changed]
        )
        user.save(update_fields=changed)
    return user


class ResetUnavailable(Exception):
    """The reset e-mail could not be queued (the task broker is unreachable)."""


def request_password_reset(*, email: str, domain: str, use_https: bool) -> None:
    """Queue the reset e-mail; the caller's work is the same whether the account exists.

    Looking the address up and sending happen in the worker, so the request's timing
    says nothing about the account. Raises ResetUnavailable if the queue is down.
    """
    from .tasks import send_password_reset_task

    try:
        send_password_reset_task.apply_async(
            (email, domain, use_https), retry=False, ignore_result=True
        )
    except Exception as error:  # noqa: BLE001 - any broker failure
        raise ResetUnavailable from error


def send_password_reset(*, email: str, domain: str, use_https: bool) -> int:
    """E-mail a reset link to each active account with a usable password and this
    address (Django's PasswordResetForm rules); returns how many were sent."""
    from django.conf import settings
    from django.contrib.auth.forms import PasswordResetForm

    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    form.save(
        domain_override=domain,
        use_https=use_https,
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.txt",
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    return len(users)
