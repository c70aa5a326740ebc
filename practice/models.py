"""Cards, practice sets, their items and review logs: practice that never counts."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Tradeoff
from quizzes.models import Question


class Card(models.Model):
    """One student's memory of one question, as FSRS schedules it."""

    class State(models.IntegerChoices):
        # fsrs.State's values.
        LEARNING = 1, _("Learning")
        REVIEW = 2, _("Review")
        RELEARNING = 3, _("Relearning")

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_cards",
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="practice_cards"
    )
    state = models.PositiveSmallIntegerField(
        choices=State.choices, default=State.LEARNING
    )
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["student", "due"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "question"], name="practice_card_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=[1, 2, 3]),
                name="practice_card_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["student", "due"])]

    def __str__(self) -> str:
        return f"{self.student} / question {self.question_id}"


class PracticeSet(models.Model):
    """A student's practice of one course on one day, optionally on one tradeoff.

    The questions are chosen once, when the set starts, so a reload asks the same ones;
    `layout` holds the order of each question's choices and items, as an attempt's does.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_sets",
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="practice_sets"
    )
    day = models.DateField()
    # CASCADE, not SET_NULL: a focused set turned unfocused could clash with the day's
    # own set under the unique constraint below.
    focus = models.ForeignKey(
        Tradeoff,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The tradeoff a 'practise this' link asked for, if any."),
    )
    layout = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "course", "day", "focus"],
                name="practice_set_once_a_day",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} practises {self.course} on {self.day}"

    def get_absolute_url(self) -> str:
        return reverse("practice:set", kwargs={"pk": self.pk})


class PracticeItem(models.Model):
    """One question of a set and, once answered, what the answer earned."""

    practice_set = models.ForeignKey(
        PracticeSet, on_delete=models.CASCADE, related_name="items"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="practice_items"
    )
    position = models.PositiveSmallIntegerField()
    answer = models.JSONField(null=True, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    feedback = models.JSONField(default=list, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["practice_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice_set", "position"], name="practice_item_position"
            ),
            models.UniqueConstraint(
                fields=["practice_set", "question"], name="practice_item_question"
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True)
                | models.Q(score__isnull=False, max_score__isnull=False),
                name="practice_item_answered_has_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice_set} #{self.position}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class ReviewLog(models.Model):
    """One review of a card (fsrs.ReviewLog): exactly one per answered item."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="logs")
    item = models.OneToOneField(
        PracticeItem, on_delete=models.CASCADE, related_name="review_log"
    )
    rating = models.PositiveSmallIntegerField()
    reviewed_at = models.DateTimeField()
    # The card's due date before and after, for reading a history back.
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField()

    class Meta:
        ordering = ["card", "reviewed_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=4),
                name="practice_reviewlog_rating_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.card} rated {self.rating} at {self.reviewed_at:%Y-%m-%d %H:%M}"
