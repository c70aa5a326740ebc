"""Progress-report outbox: one row per (user, week, kind), written before it is sent."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The states of rows still to send: the send queue index holds exactly these rows.
QUEUED_STATES = ["pending", "sending"]


class ProgressReportQuerySet(models.QuerySet):
    def due(self, now: datetime) -> "ProgressReportQuerySet":
        """Rows to send at `now`, in claim order: read off the queue index, unsorted."""
        return self.filter(state__in=QUEUED_STATES, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "pk"
        )


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

    # No index of its own: progress_report_unique starts with user and serves lookups
    # by user, and one index fewer is one write fewer for every row built or sent.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="progress_reports",
        db_index=False,
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

    objects = ProgressReportQuerySet.as_manager()

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
            # The send queue in claim order, holding only rows still to send: a claim
            # reads its batch off the index instead of sorting every due row, and sent
            # weeks do not make it slower.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(state__in=QUEUED_STATES),
                name="progress_report_queue_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user} ({self.period:%G-W%V})"
