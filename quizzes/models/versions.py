"""Define the versions of a question that responses were graded against."""

from django.db import models
from django.utils import timezone

from .questions import Question


class QuestionVersion(models.Model):
    """A question's text, choices and key as responses were graded against it.

    Stored once per distinct copy (`digest`, quizzes/frozen.py) and shared by every
    response graded against it (`Response.graded_version`), so grading writes a key
    per response, not the copy; an edit of the question makes a new version at the
    next grading or regrade and leaves the old one to the responses that hold it.
    """

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="versions"
    )
    digest = models.CharField(max_length=64, editable=False)
    snapshot = models.JSONField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "digest"], name="question_version_digest_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question} @ {self.digest[:10]}"
