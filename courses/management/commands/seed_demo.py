"""Create the demo logins, cohort and enrollments; safe to run again."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from courses.models import Cohort, CohortMembership, Course, Enrollment

DEMO_COURSE_SLUG = "global-migration"
DEMO_COHORT_NAME = "Demo cohort"
DEFAULT_PASSWORD = "tradeoffs-demo"


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    role: str
    is_admin: bool = False


DEMO_USERS = (
    DemoUser("admin@tradeoffs.local", "Ada", "Admin", "instructor", is_admin=True),
    DemoUser("instructor@tradeoffs.local", "Ines", "Instructor", "instructor"),
    DemoUser("student@tradeoffs.local", "Sam", "Student", "student"),
    DemoUser("student2@tradeoffs.local", "Sasha", "Student", "student"),
)


@transaction.atomic
def seed_demo(*, password: str) -> tuple[dict[str, object], Cohort | None]:
    """Create or refresh the demo users and, when the course exists, its demo cohort."""
    user_model = get_user_model()
    users = {}
    for demo in DEMO_USERS:
        # The e-mail constraint is case-insensitive, so look up the same way.
        user = user_model.objects.filter(email__iexact=demo.email).first()
        if user is None:
            user = user_model(email=demo.email)
        user.first_name = demo.first_name
        user.last_name = demo.last_name
        user.role = demo.role
        user.is_active = True
        user.is_staff = demo.is_admin
        user.is_superuser = demo.is_admin
        # Demo addresses receive no mail: count them as confirmed so students can start.
        user.email_verified_at = user.email_verified_at or timezone.now()
        # Reset every run so the printed logins always work.
        user.set_password(password)
        user.save()
        users[demo.email] = user

    course = Course.objects.filter(slug=DEMO_COURSE_SLUG).first()
    if course is None:
        return users, None

    instructor = users["instructor@tradeoffs.local"]
    students = [users["student@tradeoffs.local"], users["student2@tradeoffs.local"]]
    cohort, _ = Cohort.objects.get_or_create(course=course, name=DEMO_COHORT_NAME)
    cohort.instructors.add(instructor)
    # The demo instructor also marks the work of students who enrol alone.
    course.instructors.add(instructor)
    for student in students:
        CohortMembership.objects.get_or_create(cohort=cohort, student=student)
        Enrollment.objects.get_or_create(user=student, course=course)
    return users, cohort


class Command(BaseCommand):
    help = (
        "Create demo users (admin, instructor, two students) and a demo cohort on the "
        f"'{DEMO_COURSE_SLUG}' course. Idempotent. Refuses to run with DEBUG off "
        "unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password for every demo user (default: {DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (e.g. on a staging server).",
        )

    def handle(self, *args, password: str, force: bool, **options):
        if not settings.DEBUG and not force:
            # Well-known demo passwords on a production site would be an open door.
            raise CommandError(
                "DEBUG is off: this looks like a production site, so demo users with "
                "known passwords are not created. Pass --force to do it anyway.",
                returncode=1,
            )
        if not password:
            raise CommandError("--password must not be empty.", returncode=1)

        users, cohort = seed_demo(password=password)

        if cohort is None:
            self.stdout.write(
                self.style.WARNING(
                    f"Note: no course with slug '{DEMO_COURSE_SLUG}' "
                    "(run `manage.py load_course` first); skipped the demo cohort."
                )
            )
        else:
            self.stdout.write(
                f"Cohort '{cohort.name}' on '{cohort.course.title}': 1 instructor, "
                f"{cohort.memberships.count()} students enrolled."
            )

        self.stdout.write(self.style.SUCCESS("Demo logins (e-mail / password):"))
        width = max(len(email) for email in users)
        for demo in DEMO_USERS:
            label = "admin (staff, superuser)" if demo.is_admin else demo.role
            self.stdout.write(f"  {demo.email:<{width}}  {password}   {label}")
