"""What the analytics keep: cached question statistics and CSV export jobs.

Both tables were created by the quizzes app and keep its names (`db_table`); the models
moved here with state-only migrations (analytics 0001, quizzes 0008).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Cohort
from quizzes.models import Quiz


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
        db_table = "quizzes_quizstatistics"
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
        db_table = "quizzes_exportjob"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} export #{self.pk}"

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 100 if self.state == self.State.DONE else 0
        return min(100, int(self.rows_done * 100 / self.rows_total))
