"""Define the quiz and its queryset."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.collation import NATURAL
from courses.models import Course, Lesson

from ..rules import ReviewLevels


class QuizQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True, course__status=Course.Status.PUBLISHED)

    def with_question_count(self):
        """Annotate `question_count`: how many questions an attempt holds, a pool of
        questions counting once (quizzes.pools)."""
        return self.annotate(
            question_count=models.Count(
                "questions", filter=models.Q(questions__pool=""), distinct=True
            )
            + models.Count(
                "questions__pool", filter=~models.Q(questions__pool=""), distinct=True
            )
        )


class Quiz(models.Model):
    """A set of questions with the rules a student takes them under."""

    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", _("Highest grade")
        AVERAGE = "average", _("Average grade")
        FIRST = "first", _("First attempt")
        LAST = "last", _("Last attempt")

    class ReviewLevel(models.TextChoices):
        """What a finished attempt shows; one level per review time, as in Moodle."""

        SCORE = "score", _("Score only")
        FEEDBACK = "feedback", _("Score and feedback, without the answers")
        ANSWERS = "answers", _("Score, feedback, the answers and explanations")

    class Access(models.TextChoices):
        ASSIGNED_ONLY = "assigned_only", _("Assigned students only")
        ENROLLED = "enrolled", _("Open to all enrolled students")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="quizzes"
    )
    slug = models.SlugField(max_length=80)
    # Sorts as people read it: "Lesson 2" before "Lesson 10" (courses.collation).
    title = models.CharField(max_length=200, db_collation=NATURAL)
    instructions = models.TextField(blank=True)
    time_limit_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Empty for no time limit.")
    )
    attempts_allowed = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Empty for unlimited attempts.")
    )
    grading_method = models.CharField(
        max_length=16, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    pass_mark = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Percentage needed to pass."),
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_choices = models.BooleanField(default=True)
    # Moodle's review times: the first minutes after submitting, later while the quiz
    # is open to the student, and once it has closed or their last attempt is used.
    review_immediately = models.CharField(
        max_length=16,
        choices=ReviewLevel.choices,
        default=ReviewLevel.FEEDBACK,
        help_text=_("What a student sees in the two minutes after submitting."),
    )
    review_while_open = models.CharField(
        max_length=16,
        choices=ReviewLevel.choices,
        default=ReviewLevel.FEEDBACK,
        help_text=_("What a student sees later, while they may still take the quiz."),
    )
    review_after_close = models.CharField(
        max_length=16,
        choices=ReviewLevel.choices,
        default=ReviewLevel.ANSWERS,
        help_text=_(
            "What a student sees once the quiz has closed for them or they have used "
            "their last attempt."
        ),
    )
    access = models.CharField(
        max_length=16,
        choices=Access.choices,
        default=Access.ASSIGNED_ONLY,
        help_text=_(
            "Once the quiz is assigned to a cohort: whether students outside its "
            "assignments may take it too (under the strictest assignment's terms). "
            "An unassigned quiz is open to every signed-in student."
        ),
    )
    one_question_per_page = models.BooleanField(default=False)
    certainty_based_marking = models.BooleanField(
        _("certainty-based marking"),
        default=False,
        db_default=False,
        help_text=_(
            "Students also say how sure they are (1, 2 or 3) of each right-or-wrong "
            "answer, and marks follow Moodle's scale: right 1, 2 or 3, wrong 0, -2 or "
            "-6 times the question's points. Positions, allocations and essays never "
            "take a certainty. Attempts keep the setting they started with."
        ),
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["course", "lesson__position", "title"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.UniqueConstraint(
                fields=["course", "slug"], name="quizzes_quiz_slug_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=0, pass_mark__lte=100),
                name="quizzes_quiz_pass_mark_range",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="quizzes_quiz_closes_after_opens",
            ),
            models.CheckConstraint(
                condition=models.Q(attempts_allowed__isnull=True)
                | models.Q(attempts_allowed__gte=1),
                name="quizzes_quiz_attempts_allowed_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:intro", kwargs={"pk": self.pk})

    @property
    def review_levels(self):
        """The review levels as the pure rules take them."""
        return ReviewLevels(
            immediately=self.review_immediately,
            while_open=self.review_while_open,
            after_close=self.review_after_close,
        )

    def clean(self) -> None:
        if self.lesson_id and self.lesson.course_id != self.course_id:
            raise ValidationError(
                {"lesson": _("The lesson must belong to the quiz's course.")}
            )
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": _("The quiz must close after it opens.")}
            )
