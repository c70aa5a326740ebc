"""Define peer review: a quiz's setup, calibration, the answers under review, reviews,
their result and flags."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.models import Attempt, Question, Quiz, Response


class PeerReviewSetup(models.Model):
    """Peer review of a quiz's justifications: on or off, how many reviews each student
    gives, until when, and whether the peer score counts or only advises the instructor.

    The row is also the lock that serialises allocation for the quiz (services.allocate).
    """

    quiz = models.OneToOneField(
        Quiz, on_delete=models.CASCADE, related_name="peer_review"
    )
    enabled = models.BooleanField(default=True)
    reviews_per_student = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    review_deadline = models.DateTimeField(
        help_text=_("Reviews not written by then are given to others or to you.")
    )
    scores_count = models.BooleanField(
        default=False,
        help_text=_(
            "On: the peer score is the justification's score. Off: it only advises "
            "you, and you score the justification in the grading queue."
        ),
    )
    grace_hours = models.PositiveSmallIntegerField(
        default=48,
        help_text=_("How long a reviewer given a missed review has to write it."),
    )
    deadline_swept_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reviews_per_student__gte=1)
                & models.Q(reviews_per_student__lte=10),
                name="peer_setup_reviews_range",
            )
        ]

    def __str__(self) -> str:
        return f"Peer review of {self.quiz}"


class WaitingAttempt(models.Model):
    """A scored attempt of a quiz with peer review whose answers wait to be registered:
    written by the grading receiver in the grading transaction, taken (deleted) by the
    next allocation run of the quiz, which registers every waiting attempt at once. A
    burst of submits is served by one run; the later tasks find no row and stop."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+")
    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"Attempt {self.attempt_id} waits for peer review"


class CalibrationExample(models.Model):
    """A justification the instructor scored with the rubric, for students to calibrate
    on: the level chosen per criterion and why."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="calibration_examples"
    )
    position = models.PositiveSmallIntegerField(default=0)
    justification = models.JSONField(
        help_text=_("The five parts: value, gains, costs, objection, evidence.")
    )
    levels = models.JSONField(
        help_text=_("The instructor's level per criterion: a list of level indexes.")
    )
    reasons = models.JSONField(
        default=list, blank=True, help_text=_("Why, per criterion: a list of texts.")
    )

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return f"Calibration example {self.position} of {self.question}"

    def clean(self) -> None:
        from . import scoring

        try:
            scoring.check_levels(self.question.marking_criteria(), self.levels)
        except ValueError as exc:
            raise ValidationError({"levels": str(exc)}) from exc


class CalibrationAttempt(models.Model):
    """A student's scoring of one calibration example, and how far it was off."""

    example = models.ForeignKey(
        CalibrationExample, on_delete=models.CASCADE, related_name="attempts"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calibration_attempts",
    )
    levels = models.JSONField()
    # Mean distance to the instructor's levels, each criterion's as a share of its
    # range: 0 is the instructor's scoring, 1 the opposite end everywhere.
    error = models.FloatField(
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["example", "student"], name="peer_calibration_once"
            ),
            models.CheckConstraint(
                condition=models.Q(error__gte=0) & models.Q(error__lte=1),
                name="peer_calibration_error_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} on {self.example}"


class Submission(models.Model):
    """An answer under peer review: one student's justification of one question.

    `assigned` counts the reviews of it in force (assigned or done, not expired) and
    `to_give` the reviews its author was given to write; allocation keeps both under
    the setup's lock, so they never drift from the assignment rows.

    `quiz`, `spread` and `open_flags` copy what the instructor's list filters and sorts
    on (the question's quiz, the result's spread, the unresolved flags on its reviews),
    written by the services that change them in the same transaction, so the list's
    first page is one read down `peer_submission_queue_idx`, whatever the quiz's size.
    """

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, related_name="peer_submission"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="peer_submissions"
    )
    # The question's quiz (the queue index leads with it).
    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    submitted_at = models.DateTimeField()
    assigned = models.PositiveIntegerField(default=0)
    to_give = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # The deadline passed with too few reviews and no one left to give it to.
    needs_instructor = models.BooleanField(default=False)
    # The result's spread; null while the answer has no result.
    spread = models.FloatField(null=True, blank=True)
    # Flags raised on its reviews (of the answer or of a review) not yet resolved.
    open_flags = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["question", "submitted_at", "id"]
        constraints = [
            # One answer per student and question: a later attempt's is not reviewed.
            models.UniqueConstraint(
                fields=["question", "author"], name="peer_submission_once"
            ),
        ]
        indexes = [
            models.Index(fields=["question", "assigned", "id"]),
            models.Index(fields=["question", "to_give", "submitted_at"]),
            # The instructor's list: waiting for the instructor, widest spread first.
            models.Index(
                F("quiz"),
                F("needs_instructor").desc(),
                F("spread").desc(nulls_last=True),
                F("submitted_at"),
                F("id"),
                name="peer_submission_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk} to {self.question_id}"


class ReviewAssignment(models.Model):
    """One review one student is to write of one peer's answer, and what they wrote."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("To write")
        DONE = "done", _("Written")
        EXPIRED = "expired", _("Missed the deadline")

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="reviews"
    )
    # The answer's question, copied so allocation reads a question's reviews off an
    # index instead of joining every answer of it.
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_reviews"
    )
    # The answer's author, copied so the database itself refuses a self review.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.ASSIGNED
    )
    # 0: allocated on submit; 1: given out again at the deadline.
    round = models.PositiveSmallIntegerField(default=0)
    assigned_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    levels = models.JSONField(null=True, blank=True)
    comment = models.TextField(blank=True)
    # The reviewer's calibration weight when the review was written.
    weight = models.FloatField(default=1.0)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer"], name="peer_review_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(reviewer=models.F("author")),
                name="peer_review_not_own",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="done")
                | models.Q(levels__isnull=False, submitted_at__isnull=False),
                name="peer_review_done_has_levels",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "state"]),
            # A question's unwritten reviews, latest first (allocation's swap).
            models.Index(
                fields=["question", "state", "-id"], name="peer_review_open_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.pk} of answer {self.submission_id}"


class PeerResult(models.Model):
    """The peer score of an answer: the weighted median level per criterion, how far
    the reviewers disagreed, and the instructor's override with its reason."""

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="result"
    )
    levels = models.JSONField(default=list)
    points = models.DecimalField(max_digits=8, decimal_places=3, default=0)
    # Disagreement: the mean over criteria of the reviewers' range of levels, each as
    # a share of the criterion's range (0: all agree; 1: top and bottom both given).
    spread = models.FloatField(default=0.0)
    reviews = models.PositiveIntegerField(default=0)
    complete = models.BooleanField(default=False)
    override_levels = models.JSONField(null=True, blank=True)
    override_points = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    override_reason = models.CharField(max_length=500, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    override_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["-spread", "submission"])]

    def __str__(self) -> str:
        return f"Peer result of answer {self.submission_id}"

    @property
    def final_levels(self) -> list:
        return self.override_levels if self.override_levels is not None else self.levels


class Flag(models.Model):
    """A student's report of an abusive answer (as its reviewer) or review (as the
    answer's author), for the instructor."""

    class Target(models.TextChoices):
        ANSWER = "answer", _("Answer")
        REVIEW = "review", _("Review")

    review = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="flags"
    )
    target = models.CharField(max_length=8, choices=Target.choices)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "target", "raised_by"], name="peer_flag_once"
            )
        ]

    def __str__(self) -> str:
        return f"Flag on {self.get_target_display()} of review {self.review_id}"


class PeerNotice(models.Model):
    """An e-mail peer review owes a student, written before it is sent (an outbox row,
    as progress's reports are): (user, kind, key) is unique, so a repeated allocation or
    review announces nothing twice, and a row marked sent is never sent again."""

    class Kind(models.TextChoices):
        WAITING = "waiting", _("Reviews waiting")
        REVIEWED = "reviewed", _("Answer reviewed")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent: the student turned e-mails off")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "key"], name="peer_notice_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(state="pending"),
                name="peer_notice_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user}"
