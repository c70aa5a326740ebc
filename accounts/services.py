"""Writes on accounts: signing up a student and changing one's preferences."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
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
