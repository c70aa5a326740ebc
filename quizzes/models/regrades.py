"""A regrade run: the engine's record of a confirmed regrade after a key change."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .questions import Question
from .quiz import Quiz


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
