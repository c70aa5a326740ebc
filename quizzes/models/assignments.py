"""Define assignments of a quiz to a cohort and the extensions granted on them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Cohort

from .quiz import Quiz


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
    # Peer review for this cohort (the peerreview app reads them): each empty field
    # keeps the quiz's peer-review setting.
    peer_review = models.BooleanField(
        null=True, blank=True, help_text=_("Empty to use the quiz's peer review.")
    )
    peer_review_deadline = models.DateTimeField(
        null=True, blank=True, help_text=_("Empty to use the quiz's review deadline.")
    )
    peer_scores_count = models.BooleanField(
        null=True, blank=True, help_text=_("Empty to use the quiz's setting.")
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
