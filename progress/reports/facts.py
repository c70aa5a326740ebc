"""The rows the selectors hand over: everything a report or digest is built from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from quizzes import coursework
from quizzes.rules import ExtensionTerms


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    text: str
    passage_url: str  # site-relative; empty when the question names no lesson
    lesson_title: str
    paragraph: int | None
    tradeoff_ids: tuple[int, ...] = ()
    # At apply level or above (Bloom): only these count towards mastery of a tradeoff.
    applied: bool = True
    # The course of the question's quiz: where "practise this" leads.
    course_slug: str = ""


@dataclass(frozen=True)
class ResponseRow:
    student_id: int
    question_id: int
    score: Decimal
    max_score: Decimal
    submitted_at: datetime
    # Whether the quiz's review options let the student see this answer's marks and
    # feedback when the report is written (quizzes.rules.review_for).
    reviewable: bool = True


@dataclass(frozen=True)
class QuizInfo:
    id: int
    title: str
    grading_method: str


@dataclass
class StudentFacts:
    """Everything one student's report is built from."""

    user_id: int
    name: str
    lessons_this_week: list[str] = field(default_factory=list)
    lessons_total: int = 0
    quizzes: dict[int, QuizInfo] = field(default_factory=dict)
    attempts: list[coursework.AttemptRow] = field(default_factory=list)
    responses: list[ResponseRow] = field(default_factory=list)
    assignments: list[coursework.AssignmentRow] = field(default_factory=list)
    extensions: dict[int, list[ExtensionTerms]] = field(default_factory=dict)
    # Grade overrides by assignment id.
    overrides: dict[int, coursework.OverrideRow] = field(default_factory=dict)
    # Practice answers (practice app): shown apart, never part of a grade.
    practice: list[ResponseRow] = field(default_factory=list)


@dataclass
class CohortFacts:
    """Everything one cohort's section of a digest is built from."""

    cohort_id: int
    name: str
    course_title: str
    lesson_count: int
    students: list[coursework.StudentRow] = field(default_factory=list)
    completions: dict[int, int] = field(default_factory=dict)
    completions_this_week: int = 0
    assignments: list[coursework.AssignmentRow] = field(default_factory=list)
    extensions: list[coursework.ExtensionRow] = field(default_factory=list)
    attempts: list[coursework.AttemptRow] = field(default_factory=list)
    responses: list[ResponseRow] = field(default_factory=list)
    queue_count: int = 0
    overrides: list[coursework.OverrideRow] = field(default_factory=list)
    course_id: int = 0
