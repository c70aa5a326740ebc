"""Progress-report outbox: one row per (user, week, kind), written before it is sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProgressReport(models.Model):
    """A rendered weekly report waiting to be sent, being sent, sent or failed."""

    class Kind(models.TextChoices):
        STUDENT = "student", _("Student report")
        INSTRUCTOR = "instructor", _("Instructor digest")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    period = models.DateField(
        _("period"), help_text=_("The Monday (UTC) the reported week starts on.")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(
        default=0, help_text=_("How many times sending was tried.")
    )
    last_error = models.TextField(blank=True)
    subject = models.CharField(max_length=255)
    text_body = models.TextField()
    html_body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Pending: not to be tried before this. Sending: the lease ends then, and a run that
    # finds the row still `sending` afterwards takes it over (its sender crashed).
    next_attempt_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period", "kind"], name="progress_report_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["student", "instructor"]),
                name="progress_report_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "sending", "sent", "failed"]),
                name="progress_report_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(period__iso_week_day=1),
                name="progress_report_period_is_monday",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                name="progress_report_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["state", "next_attempt_at"], name="progress_report_due_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user} ({self.period:%G-W%V})"
