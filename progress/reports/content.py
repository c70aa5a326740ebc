"""What the templates show: a student's report and an instructor's digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .periods import Week


@dataclass(frozen=True)
class QuizResult:
    title: str
    grade: Decimal
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.grade - self.previous


def _percent(earned: Decimal, possible: Decimal) -> int:
    if not possible:
        return 0
    share = earned / possible * 100
    return max(0, min(100, int(share.quantize(Decimal("1")))))


@dataclass(frozen=True)
class Mastery:
    """A tradeoff's mastery from quizzes, and apart from practice (never graded)."""

    tradeoff: str
    earned: Decimal
    possible: Decimal
    practice_earned: Decimal = Decimal(0)
    practice_possible: Decimal = Decimal(0)
    practice_answers: int = 0
    # Absolute: the course's practice page on this tradeoff ("practise this").
    practice_url: str = ""

    @property
    def percent(self) -> int:
        return _percent(self.earned, self.possible)

    @property
    def rest(self) -> int:
        return 100 - self.percent

    @property
    def from_quizzes(self) -> bool:
        return bool(self.possible)

    @property
    def practised(self) -> bool:
        return bool(self.practice_possible)

    @property
    def practice_percent(self) -> int:
        return _percent(self.practice_earned, self.practice_possible)


@dataclass(frozen=True)
class Passage:
    url: str
    lesson_title: str
    paragraph: int | None
    questions_missed: int


@dataclass(frozen=True)
class DueItem:
    title: str
    due_at: datetime
    extended: bool


@dataclass
class StudentReport:
    name: str
    week: Week
    lessons_this_week: list[str]
    lessons_total: int
    quizzes: list[QuizResult]
    mastery: list[Mastery]
    review: list[Passage]
    due_soon: list[DueItem]
    overdue: list[DueItem]


@dataclass(frozen=True)
class AssignmentSummary:
    title: str
    due_at: datetime
    average: Decimal | None
    done: int
    late: int
    missing: int


@dataclass(frozen=True)
class StudentBehind:
    name: str
    email: str
    missing: list[str]
    late: list[str]


@dataclass(frozen=True)
class MissedQuestion:
    text: str
    missed: int
    answered: int
    url: str

    @property
    def percent(self) -> int:
        return round(self.missed * 100 / self.answered) if self.answered else 0


@dataclass
class CohortDigest:
    name: str
    course_title: str
    student_count: int
    lesson_count: int
    completion_percent: int
    completions_this_week: int
    assignments: list[AssignmentSummary]
    behind: list[StudentBehind]
    hardest: list[MissedQuestion]
    queue_count: int

    @property
    def completion_rest(self) -> int:
        return 100 - self.completion_percent


@dataclass
class InstructorDigest:
    name: str
    week: Week
    cohorts: list[CohortDigest]
