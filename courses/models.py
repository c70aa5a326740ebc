"""Courses, their lessons, the tradeoffs they teach, cohorts and each student's progress."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import join_codes
from .join_codes import JOIN_CODE_LENGTH, JOIN_CODE_PATTERN
from .rendering import reading_minutes, render_lesson_body


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Course.Status.PUBLISHED)


class Course(models.Model):
    """A course: an ordered set of lessons on one source text."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The course's own instructors grade work from students who are in none of its
    # cohorts (a student who enrolled alone), so every justification reaches someone.
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="taught_courses",
        blank=True,
        help_text=_(
            "They grade the work of enrolled students who are in none of the "
            "course's cohorts."
        ),
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published"]),
                name="courses_course_status_valid",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:course", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Tradeoff(models.Model):
    """A named pair of competing values, e.g. Security <-> Human rights."""

    slug = models.SlugField(max_length=80, unique=True)
    left_value = models.CharField(max_length=80)
    right_value = models.CharField(max_length=80)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["left_value", "right_value"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.left_value} ↔ {self.right_value}"


class LessonQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True, course__status=Course.Status.PUBLISHED)


class Lesson(models.Model):
    """One section of a course's text, with what a student should take from it."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveIntegerField(default=0)
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    body = models.TextField(
        help_text=_("Markdown. Each paragraph gets an anchor #p1, #p2...")
    )
    body_html = models.TextField(editable=False, blank=True)
    paragraph_count = models.PositiveIntegerField(editable=False, default=0)
    objectives = models.JSONField(
        default=list, blank=True, help_text=_("Learning objectives, one string each.")
    )
    estimated_minutes = models.PositiveIntegerField(
        default=1, help_text=_("Reading time, counted from the body's words on save.")
    )
    published = models.BooleanField(default=True)
    tradeoffs = models.ManyToManyField(Tradeoff, related_name="lessons", blank=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "slug"], name="courses_lesson_slug_unique"
            ),
            models.UniqueConstraint(
                fields=["course", "position"],
                name="courses_lesson_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The rendered body is derived data, kept beside its source so pages never re-render.
        self.body_html, self.paragraph_count = render_lesson_body(self.body)
        self.estimated_minutes = reading_minutes(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "courses:lesson",
            kwargs={"course_slug": self.course.slug, "slug": self.slug},
        )

    def clean(self) -> None:
        if not isinstance(self.objectives, list) or not all(
            isinstance(item, str) and item.strip() for item in self.objectives
        ):
            raise ValidationError(
                {"objectives": _("Give a list of non-empty sentences.")}
            )

    def paragraph_url(self, paragraph: int) -> str:
        return f"{self.get_absolute_url()}#p{paragraph}"


class Enrollment(models.Model):
    """A student taking a course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="enrollments"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="courses_enrollment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"


class LessonCompletion(models.Model):
    """A student has finished a lesson; written once, however often they click."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_completions",
    )
    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="courses_lessoncompletion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.lesson}"


TEACH_ALL_COHORTS = "courses.teach_all_cohorts"


def teaches_every_cohort(user) -> bool:
    """Whether the user has instructor powers over every cohort: superusers, and staff
    given the permission (or a group holding it). Being staff alone grants nothing."""
    if not (user.is_authenticated and user.is_active):
        return False
    # Only staff are asked: has_perm costs queries, and every student request comes here.
    return user.is_superuser or (user.is_staff and user.has_perm(TEACH_ALL_COHORTS))


class CohortQuerySet(models.QuerySet):
    def taught_by(self, user):
        """Cohorts this user may manage: their own, or all of them for those who teach
        every cohort (teaches_every_cohort)."""
        if teaches_every_cohort(user):
            return self
        return self.filter(instructors=user)


class Cohort(models.Model):
    """A class section of one course: its instructors and its students."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=120)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="taught_cohorts", blank=True
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CohortMembership",
        related_name="cohorts",
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Students join with this code (courses.join_codes); empty means joining is off.
    join_code = models.CharField(
        max_length=JOIN_CODE_LENGTH,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )
    # Raised by every write that may change one of the cohort's grades (a grade, an
    # override, an assignment, a member; quizzes.gradebook_cache): what was worked out
    # from the grades under an older value is stale.
    grades_version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["course", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "name"], name="courses_cohort_name_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(join_code__isnull=True)
                | models.Q(join_code__regex=JOIN_CODE_PATTERN),
                name="courses_cohort_join_code_format",
            ),
        ]
        permissions = [
            ("teach_all_cohorts", "Can teach every cohort (staff accounts only)")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.course})"

    @property
    def join_code_display(self) -> str:
        """The code in two halves for reading aloud, e.g. ABCDE-FGHJK."""
        return join_codes.display(self.join_code) if self.join_code else ""


class CohortMembership(models.Model):
    """A student's place in a cohort, with the date they joined."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="memberships"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cohort_memberships",
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cohort", "student"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "student"], name="courses_cohortmembership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.cohort}"
