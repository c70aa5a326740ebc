"""Define rubrics: named criteria with levels worth points, reused across questions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Rubric(models.Model):
    """Criteria with levels that a person (an instructor, later a calibrated peer) marks
    an essay or a tradeoff justification against; one rubric serves many questions.

    `criteria` has the shape of docs/question-data.md's `rubric_criteria`, checked by
    quizzes.grading.rubrics: a list of {"name", "levels": [{"label", "points",
    "description"}]}.
    """

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(
        blank=True, help_text=_("Shown with the question: what the marker looks for.")
    )
    criteria = models.JSONField(
        default=list,
        help_text=_(
            'A list of criteria: {"name": "...", "levels": [{"label": "...", '
            '"points": 1, "description": "..."}]}.'
        ),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .. import grading

        try:
            grading.rubrics.check_criteria(self.criteria, None)
        except grading.InvalidKey as exc:
            raise ValidationError({"criteria": str(exc)}) from exc

    @property
    def points(self) -> float:
        """What the top level of every criterion adds up to."""
        return sum(
            max(float(level["points"]) for level in criterion["levels"])
            for criterion in self.criteria
        )
