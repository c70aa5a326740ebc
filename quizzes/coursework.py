"""Coursework facts, defined once: done, late, missing or due; an assignment's grade; an
attempt's percent; a passage's URL; and the gradebook built from them.

Pure (plain rows in, no ORM), testable alone. The gradebook (teaching), the grades
export (analytics), the progress e-mails and the student's pages all call these; the
rows come from `quizzes.coursework_rows`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from django.urls import reverse

from . import rules as quiz_rules

_TENTH = Decimal("0.1")


class WorkStatus(StrEnum):
    """Where a student stands on one assignment."""

    DONE = "done"  # a finished attempt submitted by the effective due date
    LATE = "late"  # finished, but only after it
    MISSING = "missing"  # the due date has passed with nothing finished
    DUE = "due"  # still to do, and still on time
    EXCUSED = "excused"  # an instructor excused it: no grade, averages skip it


@dataclass(frozen=True)
class AssignmentRow:
    id: int
    quiz_id: int
    title: str
    grading_method: str
    opens_at: datetime
    due_at: datetime


@dataclass(frozen=True)
class StudentRow:
    id: int
    name: str
    email: str


@dataclass(frozen=True)
class ExtensionRow:
    assignment_id: int
    student_id: int
    terms: quiz_rules.ExtensionTerms


@dataclass(frozen=True)
class AttemptRow:
    student_id: int
    quiz_id: int
    number: int
    state: str  # Attempt.State values
    submitted_at: datetime | None
    score: Decimal | None
    max_score: Decimal


@dataclass(frozen=True)
class OverrideRow:
    """A grade set by hand on one assignment for one student (GradeOverride)."""

    assignment_id: int
    student_id: int
    grade: Decimal | None
    excused: bool
    reason: str
    set_at: datetime

    @classmethod
    def of(cls, override) -> OverrideRow:
        """The row of a GradeOverride (or anything with its attributes)."""
        return cls(
            assignment_id=override.assignment_id,
            student_id=override.student_id,
            grade=override.grade,
            excused=override.excused,
            reason=override.reason,
            set_at=override.set_at,
        )


@dataclass
class Cell:
    assignment_id: int
    student_id: int
    due_at: datetime
    extended: bool
    status: WorkStatus
    grade: Decimal | None  # the grade that counts: the override's, if there is one
    needs_review: bool
    attempts: int
    computed: Decimal | None = None  # from the attempts, by the grading method
    override: OverrideRow | None = None

    @property
    def excused(self) -> bool:
        return self.override is not None and self.override.excused


@dataclass
class Column:
    assignment: AssignmentRow
    average: Decimal | None = None


@dataclass
class Row:
    student: StudentRow
    cells: list[Cell] = field(default_factory=list)
    average: Decimal | None = None


@dataclass
class Gradebook:
    columns: list[Column]
    rows: list[Row]


def effective_due(
    due_at: datetime, extensions: list[quiz_rules.ExtensionTerms], now: datetime
) -> datetime:
    """The due date after the most lenient active extension (rules.combine decides)."""
    combined = quiz_rules.combine(
        quiz_rules.Rules(), quiz_rules.Rules(due_at=due_at), extensions, now
    )
    return combined.due_at or due_at


def work_status(
    *, due_at: datetime, submitted: list[datetime], now: datetime
) -> WorkStatus:
    """Done, late, missing or due, from the finished attempts' submission times."""
    if any(moment <= due_at for moment in submitted):
        return WorkStatus.DONE
    if submitted:
        return WorkStatus.LATE
    if now > due_at:
        return WorkStatus.MISSING
    return WorkStatus.DUE


def percent_of(score: Decimal | None, max_score: Decimal | None) -> Decimal | None:
    """An attempt's percentage to a tenth, None until it has a score: the one definition
    (`Attempt.percent`, the gradebook, the exports and the e-mails all come here)."""
    if score is None or not max_score:
        return None
    return (score / max_score * 100).quantize(_TENTH)


def attempt_percent(row: AttemptRow) -> Decimal | None:
    """The attempt row's percentage (`percent_of`)."""
    return percent_of(row.score, row.max_score)


def passage_url(course_slug: str | None, lesson_slug: str | None, paragraph) -> str:
    """A lesson passage's site-relative URL, as Question.passage_url builds it."""
    if not course_slug or not lesson_slug:
        return ""
    url = reverse(
        "courses:lesson", kwargs={"course_slug": course_slug, "slug": lesson_slug}
    )
    return f"{url}#p{paragraph}" if paragraph else url


def grade_of(method: str, attempts: list[AttemptRow]) -> Decimal | None:
    """The grade by the quiz's grading method, over graded attempts only."""
    graded = [
        (a.number, attempt_percent(a))
        for a in attempts
        if a.state == "graded" and attempt_percent(a) is not None
    ]
    return quiz_rules.combine_grades(method, graded)


def assignment_grade(
    method: str, attempts: list[AttemptRow], override: OverrideRow | None
) -> Decimal | None:
    """The grade that counts on an assignment: the override's, else the attempts'.

    Every page, export, e-mail and API reads an assignment's grade through here, so an
    override (or "excused", which has no grade) is honoured everywhere alike.
    """
    if override is not None:
        return None if override.excused else override.grade
    return grade_of(method, attempts)


def mean(values: list[Decimal | None]) -> Decimal | None:
    """The mean of the values given, to a tenth; None when there are none."""
    present = [v for v in values if v is not None]
    return mean_of(sum(present, Decimal(0)), len(present))


def mean_of(total: Decimal, count: int) -> Decimal | None:
    """The mean from a sum and a count (values added up chunk by chunk), to a tenth."""
    if not count:
        return None
    return (total / count).quantize(_TENTH)


def cell_for(
    *,
    assignment: AssignmentRow,
    student_id: int,
    extensions: list[quiz_rules.ExtensionTerms],
    attempts: list[AttemptRow],
    now: datetime,
    override: OverrideRow | None = None,
) -> Cell:
    """One student's standing on one assignment, the override (if any) honoured."""
    due_at = effective_due(assignment.due_at, extensions, now)
    finished = [a for a in attempts if a.state != "in_progress"]
    status = work_status(
        due_at=due_at,
        submitted=[a.submitted_at for a in finished if a.submitted_at],
        now=now,
    )
    if override is not None and override.excused:
        status = WorkStatus.EXCUSED
    return Cell(
        assignment_id=assignment.id,
        student_id=student_id,
        due_at=due_at,
        extended=any(e.active(now) for e in extensions),
        status=status,
        grade=assignment_grade(assignment.grading_method, attempts, override),
        needs_review=any(a.state in ("needs_review", "submitted") for a in attempts),
        attempts=len(finished),
        computed=grade_of(assignment.grading_method, attempts),
        override=override,
    )


def build_gradebook(
    *,
    students: list[StudentRow],
    assignments: list[AssignmentRow],
    extensions: list[ExtensionRow],
    attempts: list[AttemptRow],
    now: datetime,
    overrides: Iterable[OverrideRow] = (),
) -> Gradebook:
    """Students x assignments with grades, statuses and averages over graded cells.

    Averages skip cells with no grade, excused ones included.
    """
    by_cell = {(o.assignment_id, o.student_id): o for o in overrides}
    terms: dict[tuple[int, int], list[quiz_rules.ExtensionTerms]] = {}
    for ext in extensions:
        terms.setdefault((ext.assignment_id, ext.student_id), []).append(ext.terms)
    tries: dict[tuple[int, int], list[AttemptRow]] = {}
    for attempt in attempts:
        tries.setdefault((attempt.quiz_id, attempt.student_id), []).append(attempt)
    rows = []
    for student in students:
        row = Row(student=student)
        for assignment in assignments:
            row.cells.append(
                cell_for(
                    assignment=assignment,
                    student_id=student.id,
                    extensions=terms.get((assignment.id, student.id), []),
                    attempts=tries.get((assignment.quiz_id, student.id), []),
                    now=now,
                    override=by_cell.get((assignment.id, student.id)),
                )
            )
        row.average = mean([c.grade for c in row.cells])
        rows.append(row)
    columns = [
        Column(
            assignment=assignment,
            average=mean([row.cells[index].grade for row in rows]),
        )
        for index, assignment in enumerate(assignments)
    ]
    return Gradebook(columns=columns, rows=rows)
