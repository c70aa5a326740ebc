"""Quizzes, their questions and choices, students' attempts and responses, assignments.

Call sites import from the package: `from quizzes.models import Attempt`. What lives where:

- `quiz`: `Quiz` and its queryset (`Quiz.objects.published()`).
- `questions`: `Question` and the `Choice` options of choice questions.
- `versions`: `QuestionVersion`, a question as responses were graded against it.
- `rubrics`: `Rubric`, criteria with levels that many questions share.
- `attempts`: `Attempt` and its queryset, and each question's `Response`.
- `assignments`: `Assignment` of a quiz to a cohort, and a student's `Extension`.
- `regrades`: `RegradeRun`, the record of a confirmed regrade, and its
  `RegradeRunChange` rows (its pages are analytics').
- `overrides`: `GradeOverride` of an assignment's grade and the `GradeAudit` trail.
"""

# Imported in the order the models were declared when they shared one module: the
# app registry, and with it reverse relations and cascade-delete order, follows it.
# isort: off
from .quiz import Quiz, QuizQuerySet
from .rubrics import Rubric
from .questions import Choice, Question, QuestionTag, TextFormat
from .versions import QuestionVersion
from .attempts import Attempt, AttemptQuerySet, Response
from .assignments import Assignment, Extension
from .regrades import RegradeRun, RegradeRunChange
from .overrides import GradeAudit, GradeOverride
# isort: on

__all__ = [
    "Assignment",
    "Attempt",
    "AttemptQuerySet",
    "Choice",
    "Extension",
    "GradeAudit",
    "GradeOverride",
    "Question",
    "Quiz",
    "QuizQuerySet",
    "QuestionTag",
    "QuestionVersion",
    "RegradeRun",
    "RegradeRunChange",
    "Response",
    "TextFormat",
    "Rubric",
]
