"""Define a student's attempts at a quiz and the response to each of its questions."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import coursework
from .questions import Question
from .quiz import Quiz
from .versions import QuestionVersion


class AttemptQuerySet(models.QuerySet):
    def finished(self):
        return self.exclude(state=Attempt.State.IN_PROGRESS)


class Attempt(models.Model):
    """One go at a quiz by one student; the server keeps its clock."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        NEEDS_REVIEW = "needs_review", _("Needs review")
        GRADED = "graded", _("Graded")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveIntegerField()
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.IN_PROGRESS
    )
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(
        max_digits=8, decimal_places=3, default=Decimal("0")
    )
    # The question and choice order this student sees, fixed when the attempt starts.
    layout = models.JSONField(default=dict, blank=True)
    # The quiz's certainty-based marking when the attempt started: changing the quiz
    # later neither asks a running attempt for certainties nor regrades it differently.
    certainty_based = models.BooleanField(default=False, db_default=False)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "student", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "student", "number"],
                name="quizzes_attempt_number_unique",
            ),
            models.UniqueConstraint(
                fields=["quiz", "student"],
                condition=models.Q(state="in_progress"),
                name="quizzes_attempt_one_in_progress",
            ),
            models.CheckConstraint(
                condition=models.Q(state="in_progress")
                | models.Q(submitted_at__isnull=False),
                name="quizzes_attempt_submitted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "submitted_at"]),
            # The grading queue reads attempts waiting for a person oldest first and
            # seeks to a page's key (teaching/queue.py): all of them, or one quiz's.
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(state="needs_review"),
                name="quizzes_attempt_review_order",
            ),
            models.Index(
                fields=["quiz", "submitted_at", "id"],
                condition=models.Q(state="needs_review"),
                name="quizzes_attempt_review_quiz",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} – {self.quiz} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.state != self.State.IN_PROGRESS

    @property
    def percent(self) -> Decimal | None:
        return coursework.percent_of(self.score, self.max_score)


class Response(models.Model):
    """A student's answer to one question of an attempt, and what it earned."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="responses"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="responses"
    )
    answer = models.JSONField(null=True, blank=True)
    # What the student wrote that is not yet a complete answer (an allocation short of
    # 100, an order half given), kept so it comes back on reload; `answer` then holds
    # only what can be graded (the justification). None once the answer is complete.
    draft = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)
    auto_score = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    manual_score = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    score = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(
        max_digits=8, decimal_places=3, default=Decimal("0")
    )
    feedback = models.JSONField(default=list, blank=True)
    # Certainty-based marking: how sure the student said they were (None: not said,
    # marked as the lowest), and the automatic points before CBM adjusted them (None
    # when CBM did not mark this answer). `auto_score` is the CBM mark, -6 to 3 times
    # the question's points.
    certainty = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=[
            (1, _("C=1 (unsure)")),
            (2, _("C=2 (mid)")),
            (3, _("C=3 (quite sure)")),
        ],
    )
    base_score = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    # What this answer was graded against: the question's text, choices and key when it
    # was last graded (quizzes/frozen.py), one stored copy shared by every response
    # graded against it. Later edits of the question leave it alone; only a regrade, an
    # instructor's explicit action, points it at the new version.
    graded_version = models.ForeignKey(
        QuestionVersion,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    needs_manual = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="graded_responses",
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    # A person's override of the whole question's score, with why. It wins over the
    # automatic and manual parts and survives a regrade (capped at the new maximum).
    override_score = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    override_reason = models.CharField(
        max_length=500, blank=True, default="", db_default=""
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    override_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="quizzes_response_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(override_score__isnull=True)
                | models.Q(override_score__gte=0),
                name="quizzes_response_override_nonnegative",
            ),
            models.CheckConstraint(
                condition=models.Q(certainty__isnull=True)
                | models.Q(certainty__in=[1, 2, 3]),
                name="quizzes_response_certainty_range",
            ),
        ]
        indexes = [
            models.Index(fields=["needs_manual", "graded_at"]),
            # The answers of an attempt still waiting for a person's score.
            models.Index(
                fields=["attempt"],
                condition=models.Q(
                    needs_manual=True,
                    manual_score__isnull=True,
                    override_score__isnull=True,
                ),
                name="quizzes_response_awaiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} – Q{self.question_id}"

    @property
    def awaiting_manual(self) -> bool:
        return (
            self.needs_manual
            and self.manual_score is None
            and self.override_score is None
        )

    @property
    def graded_question(self) -> dict | None:
        """The copy of the question this answer was graded against (None: not graded).

        Reads `graded_version`: select it with the response, or each row costs a query.
        """
        version = self.graded_version if self.graded_version_id else None
        return version.snapshot if version else None
