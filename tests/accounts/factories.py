"""Factories for users: students by default, instructors and staff on request."""

import factory
from django.utils import timezone

from accounts.models import User

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A student with a usable password (DEFAULT_PASSWORD) and a verified address
    (`email_verified_at=None` makes one fresh from sign-up)."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"student{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Student{n}")
    last_name = "Example"
    role = User.Role.STUDENT
    password = factory.django.Password(DEFAULT_PASSWORD)
    email_verified_at = factory.LazyFunction(timezone.now)


class InstructorFactory(UserFactory):
    """An instructor (not staff)."""

    email = factory.Sequence(lambda n: f"instructor{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Instructor{n}")
    role = User.Role.INSTRUCTOR


class StaffFactory(UserFactory):
    """A staff superuser who may see drafts and use the admin."""

    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Staff{n}")
    is_staff = True
    is_superuser = True
