"""The platform's users: e-mail is the login, a role says what they do."""

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    """Refuse a name that is not an IANA time zone."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a known time zone."), params={"value": value}
        )


class UserManager(DjangoUserManager):
    """Create users by e-mail; look them up by e-mail whatever its case."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).strip(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        # An admin made on the command line owns the address it was given.
        extra_fields.setdefault("email_verified_at", timezone.now())
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A student or an instructor; admins are staff of either role."""

    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        INSTRUCTOR = "instructor", _("Instructor")

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)
    progress_emails = models.BooleanField(
        _("weekly progress e-mails"),
        default=True,
        help_text=_("Send me a weekly progress report."),
    )
    email_verified_at = models.DateTimeField(
        _("e-mail verified at"),
        null=True,
        blank=True,
        help_text=_("Empty until the owner follows the link sent at sign-up."),
    )
    # Read with the user on every page (the header's link to their peer reviews), so
    # the link costs no round trip of its own; set by peerreview.nav, never unset. The
    # database default lets code that predates the column (a migration's historical
    # models, the old release during a deploy) still create users.
    peer_review_link = models.BooleanField(
        _("peer-review link"),
        default=False,
        db_default=False,
        help_text=_("Whether the site's header links to the user's peer reviews."),
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_(
                    "A user with this e-mail address already exists."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["student", "instructor"]),
                name="accounts_user_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email.split("@")[0]

    @property
    def is_instructor(self) -> bool:
        return self.role == self.Role.INSTRUCTOR

    @property
    def is_verified(self) -> bool:
        """Whether the owner proved the e-mail address is theirs (needed to take quizzes)."""
        return self.email_verified_at is not None

    @property
    def is_student(self) -> bool:
        return self.role == self.Role.STUDENT
