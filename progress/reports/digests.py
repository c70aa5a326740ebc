"""Build a cohort's digest from its students a part at a time: pure, no ORM.

A cohort of 100,000 students cannot be held at once to write its instructor's digest,
so the selectors hand its facts over in parts (`CohortFacts` for some of its students)
and each part is reduced to a `DigestTally` of sums and counts; tallies of parts add
up to the tally of the whole cohort, which `finish_cohort_digest` turns into the
digest. The students behind are kept: the e-mail names each of them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from quizzes import coursework

from .builders import HARDEST_QUESTIONS, absolute
from .content import AssignmentSummary, CohortDigest, MissedQuestion, StudentBehind
from .facts import CohortFacts, QuestionInfo, ResponseRow
from .periods import Week


@dataclass
class ColumnTally:
    """One assignment over the students seen so far."""

    grade_total: Decimal = Decimal(0)
    graded: int = 0
    done: int = 0
    late: int = 0
    missing: int = 0


@dataclass
class DigestTally:
    """Sums and counts of a cohort's digest over the students seen so far."""

    columns: list[ColumnTally]
    students: int = 0
    lessons_done: int = 0
    completions_this_week: int = 0
    queue_count: int = 0
    behind: list[StudentBehind] = field(default_factory=list)
    # Per question: students whose latest answer missed it, and who answered it.
    missed: Counter = field(default_factory=Counter)
    answered: Counter = field(default_factory=Counter)

    @classmethod
    def empty(cls, assignments: int) -> DigestTally:
        return cls(columns=[ColumnTally() for _ in range(assignments)])

    def add(self, other: DigestTally) -> None:
        """Add the tally of other students (of the same cohort and assignments)."""
        for mine, theirs in zip(self.columns, other.columns, strict=True):
            mine.grade_total += theirs.grade_total
            mine.graded += theirs.graded
            mine.done += theirs.done
            mine.late += theirs.late
            mine.missing += theirs.missing
        self.students += other.students
        self.lessons_done += other.lessons_done
        self.completions_this_week += other.completions_this_week
        self.queue_count += other.queue_count
        self.behind += other.behind
        self.missed.update(other.missed)
        self.answered.update(other.answered)


def question_tally(responses: list[ResponseRow]) -> tuple[Counter, Counter]:
    """Per question: how many students' latest answer missed it, how many answered it."""
    latest: dict[tuple[int, int], ResponseRow] = {}
    for row in sorted(responses, key=lambda r: r.submitted_at):
        latest[(row.student_id, row.question_id)] = row
    missed: Counter = Counter()
    answered: Counter = Counter()
    for (_, question_id), row in latest.items():
        answered[question_id] += 1
        if row.score < row.max_score:
            missed[question_id] += 1
    return missed, answered


def rank_hardest(
    missed: Counter,
    answered: Counter,
    questions: dict[int, QuestionInfo],
    site_url: str,
    limit: int = HARDEST_QUESTIONS,
) -> list[MissedQuestion]:
    """The questions most students missed, most missed first."""
    ranked = sorted(
        (q for q in missed if missed[q] and q in questions),
        key=lambda q: (-missed[q], -missed[q] / answered[q], q),
    )[:limit]
    return [
        MissedQuestion(
            text=questions[q].text,
            missed=missed[q],
            answered=answered[q],
            url=absolute(site_url, questions[q].passage_url),
        )
        for q in ranked
    ]


def hardest_questions(
    responses: list[ResponseRow],
    questions: dict[int, QuestionInfo],
    site_url: str,
    limit: int = HARDEST_QUESTIONS,
) -> list[MissedQuestion]:
    """The questions most students missed on their latest answer, most missed first."""
    missed, answered = question_tally(responses)
    return rank_hardest(missed, answered, questions, site_url, limit)


def tally_cohort(facts: CohortFacts, *, week: Week) -> DigestTally:
    """The digest's sums and counts over the students of `facts` (all or a part)."""
    attempts = [
        a for a in facts.attempts if a.submitted_at is None or a.submitted_at < week.end
    ]
    book = coursework.build_gradebook(
        students=facts.students,
        assignments=facts.assignments,
        extensions=facts.extensions,
        attempts=attempts,
        now=week.end,
        overrides=[o for o in facts.overrides if o.set_at < week.end],
    )
    tally = DigestTally.empty(len(facts.assignments))
    titles = {c.assignment.id: c.assignment.title for c in book.columns}
    for row in book.rows:
        missing, late = [], []
        for column, cell in zip(tally.columns, row.cells, strict=True):
            if cell.grade is not None:
                column.grade_total += cell.grade
                column.graded += 1
            if cell.status == coursework.WorkStatus.DONE:
                column.done += 1
            elif cell.status == coursework.WorkStatus.LATE:
                column.late += 1
                late.append(titles[cell.assignment_id])
            elif cell.status == coursework.WorkStatus.MISSING:
                column.missing += 1
                missing.append(titles[cell.assignment_id])
        if missing or late:
            tally.behind.append(
                StudentBehind(row.student.name, row.student.email, missing, late)
            )
    tally.students = len(facts.students)
    tally.lessons_done = sum(
        min(facts.completions.get(s.id, 0), facts.lesson_count) for s in facts.students
    )
    tally.completions_this_week = facts.completions_this_week
    tally.queue_count = facts.queue_count
    tally.missed, tally.answered = question_tally(
        [r for r in facts.responses if r.submitted_at < week.end]
    )
    return tally


def finish_cohort_digest(
    facts: CohortFacts,
    tally: DigestTally,
    *,
    questions: dict[int, QuestionInfo],
    site_url: str,
) -> CohortDigest:
    """The digest of a cohort (`facts` for its name, lessons and assignments) from the
    tally of all its students."""
    possible = tally.students * facts.lesson_count
    return CohortDigest(
        name=facts.name,
        course_title=facts.course_title,
        student_count=tally.students,
        lesson_count=facts.lesson_count,
        completion_percent=round(tally.lessons_done * 100 / possible)
        if possible
        else 0,
        completions_this_week=tally.completions_this_week,
        assignments=[
            AssignmentSummary(
                title=assignment.title,
                due_at=assignment.due_at,
                average=coursework.mean_of(column.grade_total, column.graded),
                done=column.done,
                late=column.late,
                missing=column.missing,
            )
            for assignment, column in zip(facts.assignments, tally.columns, strict=True)
        ],
        behind=tally.behind,
        hardest=rank_hardest(tally.missed, tally.answered, questions, site_url),
        queue_count=tally.queue_count,
    )


def build_cohort_digest(
    facts: CohortFacts,
    *,
    week: Week,
    questions: dict[int, QuestionInfo],
    site_url: str,
) -> CohortDigest:
    """One cohort's week for its instructor: completion, grades, who is behind, what is hard."""
    return finish_cohort_digest(
        facts,
        tally_cohort(facts, week=week),
        questions=questions,
        site_url=site_url,
    )
