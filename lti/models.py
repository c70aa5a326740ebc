"""What the tool keeps beside django-lti's records: links to our accounts, cohorts and
quizzes, single-use launch values, and the outbox of scores for LMS gradebooks."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lti_tool.models import LtiContext, LtiRegistration, LtiResourceLink, LtiUser


class UsedLaunchValue(models.Model):
    """A launch's nonce or state, stored once: a second launch with it is a replay."""

    class Kind(models.TextChoices):
        NONCE = "nonce", _("Nonce")
        STATE = "state", _("State")

    issuer = models.CharField(max_length=255)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = models.CharField(max_length=255)
    # Rows past this can be deleted: the token they came with has expired by then.
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "value"], name="lti_used_launch_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.value}"


class ContextCohort(models.Model):
    """The cohort that mirrors one LMS context (course section) on one course of ours."""

    context = models.OneToOneField(
        LtiContext, on_delete=models.CASCADE, related_name="tradeoffs_cohort"
    )
    cohort = models.OneToOneField(
        "courses.Cohort", on_delete=models.CASCADE, related_name="lti_context"
    )
    synced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.cohort)


class LinkedResource(models.Model):
    """What an LMS resource link opens here: a quiz or a lesson, and its grade column."""

    resource_link = models.OneToOneField(
        LtiResourceLink, on_delete=models.CASCADE, related_name="tradeoffs_target"
    )
    quiz = models.ForeignKey(
        "quizzes.Quiz", null=True, blank=True, on_delete=models.CASCADE
    )
    lesson = models.ForeignKey(
        "courses.Lesson", null=True, blank=True, on_delete=models.CASCADE
    )
    # The AGS line item the LMS gave this link (empty: the LMS keeps no grade for it).
    lineitem_url = models.URLField(max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quiz__isnull=False, lesson__isnull=True)
                | models.Q(quiz__isnull=True, lesson__isnull=False),
                name="lti_linked_resource_one_target",
            )
        ]

    def __str__(self) -> str:
        return str(self.quiz or self.lesson)


class ScoreQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(
            state__in=[Score.State.PENDING, Score.State.SENDING],
            next_attempt_at__lte=now,
        ).order_by("next_attempt_at", "pk")


class Score(models.Model):
    """A grade to send to an LMS gradebook: written in the grading transaction, sent by
    a task, marked after. The newest row per (line item, user) is the only one sent."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SUPERSEDED = "superseded", _("Replaced by a newer score")
        FAILED = "failed", _("Refused by the LMS")

    registration = models.ForeignKey(LtiRegistration, on_delete=models.CASCADE)
    lti_user = models.ForeignKey(LtiUser, on_delete=models.CASCADE)
    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE)
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE)
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    lineitem_url = models.URLField(max_length=1000)
    score_given = models.DecimalField(max_digits=8, decimal_places=3, null=True)
    score_maximum = models.DecimalField(max_digits=8, decimal_places=3)
    # The moment the grade changed; the LMS keeps the score with the latest timestamp.
    timestamp = models.DateTimeField()
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    http_status = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Pending: not before this. Sending: the lease ends then (its sender died).
    next_attempt_at = models.DateTimeField(default=timezone.now)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["state", "next_attempt_at"],
                name="lti_score_due",
                condition=models.Q(state__in=["pending", "sending"]),
            ),
            models.Index(fields=["lineitem_url", "lti_user"], name="lti_score_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.score_given}/{self.score_maximum}"


def _invite_token() -> str:
    return secrets.token_urlsafe(24)


def _invite_expiry():
    return timezone.now() + timedelta(days=7)


class RegistrationInvite(models.Model):
    """A one-time dynamic-registration link an admin hands to an LMS admin."""

    token = models.CharField(max_length=64, unique=True, default=_invite_token)
    note = models.CharField(
        _("for"), max_length=200, blank=True, help_text=_("Which LMS, whose admin.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(default=_invite_expiry)
    used_at = models.DateTimeField(null=True, blank=True, editable=False)
    registration = models.ForeignKey(
        LtiRegistration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
    )

    class Meta:
        verbose_name = _("LTI registration link")
        verbose_name_plural = _("LTI registration links")

    def __str__(self) -> str:
        return self.note or self.token[:8]

    def get_absolute_url(self) -> str:
        return reverse("lti:register", kwargs={"token": self.token})
