"""Quizzes, their questions and choices, students' attempts and responses, assignments."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Cohort

from .attempts import Attempt, AttemptQuerySet, Response
from .questions import Choice, Question
from .quiz import Quiz, QuizQuerySet

__all__ = [
    "Assignment",
    "Attempt",
    "AttemptQuerySet",
    "Choice",
    "ExportJob",
    "Extension",
    "Question",
    "Quiz",
    "QuizQuerySet",
    "QuizStatistics",
    "RegradeRun",
    "Response",
]


class Assignment(models.Model):
    """A quiz set for one cohort, with its own dates and optional limits."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="assignments"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="assignments")
    opens_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    attempts_allowed = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Empty to use the quiz's limit.")
    )
    time_limit_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Empty to use the quiz's limit.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "quiz"], name="quizzes_assignment_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(due_at__gt=models.F("opens_at")),
                name="quizzes_assignment_due_after_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} for {self.cohort}"


class Extension(models.Model):
    """More time, attempts or a later due date for one student on one assignment."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="extensions"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extensions"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    extra_minutes = models.PositiveIntegerField(default=0)
    extra_attempts = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=300)
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("After this the extension no longer applies."),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "student", "-created_at"]

    def __str__(self) -> str:
        return f"Extension for {self.student} on {self.assignment}"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.expires_at is None or self.expires_at > now


class QuizStatistics(models.Model):
    """Cached question statistics of a quiz, recomputed by a Celery task after grading."""

    class Which(models.TextChoices):
        FIRST = "first", _("First attempts")
        ALL = "all", _("All attempts")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="statistics")
    which = models.CharField(max_length=8, choices=Which.choices, default=Which.FIRST)
    attempt_count = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "quiz statistics"
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "which"], name="quizzes_stats_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Statistics of {self.quiz} ({self.which})"


class ExportJob(models.Model):
    """A CSV export run by Celery, streamed to a file only its requester may download."""

    class Kind(models.TextChoices):
        COHORT_GRADES = "cohort_grades", _("Cohort grades")
        QUIZ_RESPONSES = "quiz_responses", _("Quiz responses")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=24, choices=Kind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, null=True, blank=True)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, null=True, blank=True)
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.PENDING
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} export #{self.pk}"

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 100 if self.state == self.State.DONE else 0
        return min(100, int(self.rows_done * 100 / self.rows_total))


class RegradeRun(models.Model):
    """A confirmed regrade after a key change: who, why, and each score that moved."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="regrades")
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=500)
    changes = models.JSONField(
        default=list, help_text=_("[{attempt, student, old, new}]")
    )
    notified = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Regrade of {self.quiz} on {self.created_at:%Y-%m-%d}"
