"""A regrade run: the engine's record of a confirmed regrade after a key change."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .attempts import Attempt
from .questions import Question
from .quiz import Quiz


class RegradeRun(models.Model):
    """A confirmed regrade after a key change: who, why, and how many scores moved.

    Each moved score is a `RegradeRunChange` row: a run over 100,000 attempts moves
    tens of thousands, which the run writes a chunk at a time and pages read in pages.
    """

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="regrades")
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=500)
    # How many change rows the run wrote: pages show it without counting them.
    changed = models.PositiveIntegerField(default=0)
    notified = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Regrade of {self.quiz} on {self.created_at:%Y-%m-%d}"


class RegradeRunChange(models.Model):
    """One attempt whose score a regrade moved: old and new, as the run found them.

    Rows of a run are read in id order, which is the order the run locked the
    attempts in (each student's together, by name).
    """

    run = models.ForeignKey(
        RegradeRun, on_delete=models.CASCADE, related_name="changes"
    )
    # Kept when the attempt or its student is deleted later: the run's history stands.
    attempt = models.ForeignKey(
        Attempt, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    number = models.PositiveIntegerField()
    old = models.DecimalField(max_digits=8, decimal_places=3, null=True)
    new = models.DecimalField(max_digits=8, decimal_places=3, null=True)
    old_max = models.DecimalField(max_digits=8, decimal_places=3)
    new_max = models.DecimalField(max_digits=8, decimal_places=3)
    old_state = models.CharField(max_length=16)
    new_state = models.CharField(max_length=16)
    # The one question's score, when the run regraded a single question.
    question_old = models.DecimalField(max_digits=8, decimal_places=3, null=True)
    question_new = models.DecimalField(max_digits=8, decimal_places=3, null=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Attempt {self.attempt_id}: {self.old} -> {self.new}"
