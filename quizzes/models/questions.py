"""Define questions, with their type's data, and the options of choice questions."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from courses.models import Lesson, Tradeoff

from .quiz import Quiz
from .rubrics import Rubric


class TextFormat(models.TextChoices):
    """How a text is written, as Moodle names its formats; see quizzes/textformats.py."""

    MARKDOWN = "markdown", _("Markdown")
    HTML = "html", _("HTML")
    PLAIN = "plain", _("Plain text")
    MOODLE = "moodle", _("Moodle auto-format")


def _format_field(help_text=""):
    return models.CharField(
        max_length=8,
        choices=TextFormat.choices,
        default=TextFormat.MARKDOWN,
        help_text=help_text,
    )


class QuestionTag(models.Model):
    """A tag on questions, as Moodle's question tags (GIFT `[tag:…]`, XML `<tags>`)."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """One question; `data` holds what its type needs beyond choices (see quizzes/grading)."""

    class Kind(models.TextChoices):
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_RESPONSE = "multiple_response", _("Multiple response")
        TRUE_FALSE = "true_false", _("True / false")
        SHORT_ANSWER = "short_answer", _("Short answer")
        NUMERIC = "numeric", _("Numeric")
        ORDERING = "ordering", _("Ordering")
        MATCHING = "matching", _("Matching")
        TRADEOFF_ALLOCATION = "tradeoff_allocation", _("Tradeoff allocation")
        TRADEOFF_POSITION = "tradeoff_position", _("Tradeoff position")
        ESSAY = "essay", _("Essay")

    class Level(models.TextChoices):
        """What the question asks of the student, by Bloom's revised taxonomy."""

        REMEMBER = "remember", _("Remember")
        UNDERSTAND = "understand", _("Understand")
        APPLY = "apply", _("Apply")
        ANALYSE = "analyse", _("Analyse")
        EVALUATE = "evaluate", _("Evaluate")
        CREATE = "create", _("Create")

    CHOICE_KINDS = frozenset(
        {Kind.SINGLE_CHOICE, Kind.MULTIPLE_RESPONSE, Kind.TRUE_FALSE}
    )
    # Mastery of a tradeoff counts these levels, not recall.
    APPLY_AND_ABOVE = frozenset(
        {Level.APPLY, Level.ANALYSE, Level.EVALUATE, Level.CREATE}
    )

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    name = models.CharField(max_length=200, blank=True)
    prompt = models.TextField()
    prompt_format = _format_field()
    idnumber = models.CharField(
        _("ID number"),
        max_length=100,
        blank=True,
        help_text=_("Moodle's ID number: unique among the questions of a course."),
    )
    tags = models.ManyToManyField(QuestionTag, related_name="questions", blank=True)
    points = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(0)],
    )
    explanation = models.TextField(blank=True, help_text=_("Shown at review."))
    explanation_format = _format_field()
    lesson = models.ForeignKey(
        Lesson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text=_("The lesson whose passage this question tests."),
    )
    paragraph = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The paragraph anchor it tests: 3 for #p3.")
    )
    tradeoffs = models.ManyToManyField(Tradeoff, related_name="questions", blank=True)
    data = models.JSONField(default=dict, blank=True)
    cognitive_level = models.CharField(
        max_length=12,
        choices=Level.choices,
        default=Level.UNDERSTAND,
        help_text=_("What it asks of the student (Bloom): recall up to evaluation."),
    )
    rubric = models.ForeignKey(
        Rubric,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        help_text=_(
            "The criteria a person marks the essay or the justification against; "
            "when set, they replace any criteria written in the data."
        ),
    )
    pool = models.CharField(
        max_length=80,
        blank=True,
        help_text=_(
            "Questions of a quiz that share a pool fill one slot: each attempt draws "
            "one of them, like Moodle's random question from a category."
        ),
    )

    class Meta:
        ordering = ["quiz", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points__gte=0),
                name="quizzes_question_points_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return self.name or Truncator(self.prompt).words(12)

    def clean(self) -> None:
        from .. import grading

        if self.idnumber and self.quiz_id:
            clash = (
                Question.objects.filter(
                    quiz__course_id=self.quiz.course_id, idnumber=self.idnumber
                )
                .exclude(pk=self.pk)
                .exists()
            )
            if clash:
                raise ValidationError(
                    {
                        "idnumber": _(
                            "Another question of this course has the ID number %(id)s."
                        )
                        % {"id": self.idnumber}
                    }
                )

        try:
            grading.validate_data(
                self.kind,
                self.data or {},
                points=float(self.points) if self.points is not None else None,
            )
        except grading.InvalidKey as exc:
            raise ValidationError({"data": str(exc)}) from exc
        if self.rubric_id:
            self._check_rubric()
        if (
            self.paragraph
            and self.lesson_id
            and self.paragraph > self.lesson.paragraph_count
        ):
            raise ValidationError(
                {
                    "paragraph": _("That lesson has only %(n)s paragraphs.")
                    % {"n": self.lesson.paragraph_count}
                }
            )

    def _check_rubric(self) -> None:
        data = self.data or {}
        if self.kind == self.Kind.ESSAY:
            most = float(self.points or 0)
        elif "justification" in data:
            most = float(data["justification"].get("points", 0))
        else:
            raise ValidationError(
                {"rubric": _("Only an essay or a justification is marked by rubric.")}
            )
        if self.rubric.points > most + 1e-9:
            raise ValidationError(
                {
                    "rubric": _(
                        "The rubric's top levels add up to %(total)g, more than the "
                        "%(most)g points a person marks here."
                    )
                    % {"total": self.rubric.points, "most": most}
                }
            )

    def marking_criteria(self) -> list[dict]:
        """The criteria a person marks this question against: its rubric's, or those
        written in its data (docs/question-data.md)."""
        from .. import grading

        if self.rubric_id:
            return list(self.rubric.criteria)
        return grading.criteria_of(self.kind, self.data or {})

    @property
    def is_choice_kind(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def passage_url(self) -> str:
        if not self.lesson_id:
            return ""
        anchor = f"#p{self.paragraph}" if self.paragraph else ""
        return self.lesson.get_absolute_url() + anchor


class Choice(models.Model):
    """An option of a choice question, with its credit and the feedback it earns."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()
    text_format = _format_field()
    credit = models.DecimalField(
        max_digits=6,
        decimal_places=5,
        default=Decimal("0"),
        validators=[MinValueValidator(-1), MaxValueValidator(1)],
        help_text=_("Fraction of the question's points, from -1 to 1."),
    )
    feedback = models.TextField(blank=True)
    feedback_format = _format_field()
    feedback_gains = models.TextField(blank=True, help_text=_("What this view gains."))
    feedback_costs = models.TextField(blank=True, help_text=_("What it costs."))
    feedback_objection = models.TextField(
        blank=True, help_text=_("The strongest objection to it.")
    )

    class Meta:
        ordering = ["question", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credit__gte=-1, credit__lte=1),
                name="quizzes_choice_credit_range",
            )
        ]

    def __str__(self) -> str:
        return Truncator(self.text).words(10)
