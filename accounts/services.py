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
