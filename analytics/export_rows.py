"""The rows of each CSV export: cohort grades and quiz responses, read in chunks.

Memory stays flat however many students a cohort has: rows come CHUNK_SIZE at a time.
Cohort grades are one query where Django has server-side cursors: PostgreSQL runs it
at once (outside a transaction the cursor is declared WITH HOLD, so its result is kept
on the server when the statement commits, and no query stays open on a read replica)
and hands over CHUNK_SIZE rows per fetch. Behind a transaction-mode pooler (PgBouncer,
DISABLE_SERVER_SIDE_CURSORS) no cursor may outlive a transaction, so the students come
a page of CHUNK_SIZE per ordinary query, each page read after the last student of the
one before (keyset pagination). Quiz responses read the attempt ids in file order,
then the responses of a chunk of them per query. `exports` writes the rows.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from courses.models import CohortMembership, teaches_every_cohort
from quizzes import coursework
from quizzes import rules as quiz_rules
from quizzes.coursework_rows import override_rows
from quizzes.models import (
    Assignment,
    Attempt,
    GradeOverride,
    Question,
    Response,
)

from .models import ExportJob
from .readable import QuestionText, answer_text, justification_text

# Rows fetched per query: about the most held in memory at once.
CHUNK_SIZE = 500


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _name_order(prefix: str = "") -> list[str]:
    return [
        f"{prefix}last_name",
        f"{prefix}first_name",
        f"{prefix}email",
        f"{prefix}id",
    ]


# The attempt columns a grade needs, and the LEFT JOIN's names for them.
_ATTEMPT_KEYS = ("number", "state", "score", "max_score", "submitted_at")
_ATTEMPT_COLUMNS = ("quiz_id", *_ATTEMPT_KEYS)


def _student_id(record: dict) -> int:
    return record["id"]


def _after(record: dict) -> Q:
    """Students after this one in _name_order(): the row comparison spelled out."""
    later = Q()
    same = Q()
    for name in _name_order():
        later |= same & Q(**{f"{name}__gt": record[name]})
        same &= Q(**{name: record[name]})
    return later


def server_side_cursors(alias: str) -> bool:
    """Whether `.iterator()` on this database streams from a server-side cursor.

    Not behind a transaction-mode pooler (DISABLE_SERVER_SIDE_CURSORS): there the
    driver would read the whole result at once, so callers read pages instead.
    """
    db = connections[alias]
    return db.vendor == "postgresql" and not db.settings_dict.get(
        "DISABLE_SERVER_SIDE_CURSORS"
    )


class CohortGrades:
    """One row per student of a cohort; a grade and a status column per assignment."""

    def __init__(self, job: ExportJob, now: datetime):
        self.cohort_id = job.cohort_id
        self.now = now
        self.assignments: list[Assignment] = []
        self.extensions: dict[tuple[int, int], list[quiz_rules.ExtensionTerms]] = (
            defaultdict(list)
        )
        self.overrides: dict[tuple[int, int], coursework.OverrideRow] = {}

    def counted(self) -> QuerySet:
        """One row per line the file will have (bar the header)."""
        return CohortMembership.objects.filter(cohort_id=self.cohort_id)

    def prepare(self) -> None:
        """Read the assignments with every extension on them, then the overrides."""
        self.overrides = {
            (row.assignment_id, row.student_id): row
            for row in override_rows(
                GradeOverride.objects.filter(assignment__cohort_id=self.cohort_id)
            )
        }
        # LEFT JOIN: an assignment comes back once per extension (or once with NULLs),
        # its copies adjacent because `id` ends the ordering.
        rows = (
            Assignment.objects.filter(cohort_id=self.cohort_id)
            .select_related("quiz")
            .annotate(
                ext_student_id=F("extensions__student_id"),
                ext_due_at=F("extensions__due_at"),
                ext_extra_minutes=F("extensions__extra_minutes"),
                ext_extra_attempts=F("extensions__extra_attempts"),
                ext_expires_at=F("extensions__expires_at"),
            )
            .order_by("due_at", "id")
        )
        for row in rows:
            if not self.assignments or self.assignments[-1].pk != row.pk:
                self.assignments.append(row)
            if row.ext_student_id is not None:
                self.extensions[(row.pk, row.ext_student_id)].append(
                    quiz_rules.ExtensionTerms(
                        due_at=row.ext_due_at,
                        extra_minutes=row.ext_extra_minutes,
                        extra_attempts=row.ext_extra_attempts,
                        expires_at=row.ext_expires_at,
                    )
                )

    def header(self) -> list[str]:
        columns = [_("Last name"), _("First name"), _("E-mail")]
        for assignment in self.assignments:
            title = assignment.quiz.title
            columns += [title, _("%(quiz)s status") % {"quiz": title}]
        return columns

    def _due(self, assignment: Assignment, student_id: int) -> datetime:
        terms = self.extensions.get((assignment.pk, student_id))
        if not terms:
            return assignment.due_at
        quiz = assignment.quiz
        rules = quiz_rules.combine(
            quiz_rules.Rules(opens_at=quiz.opens_at, closes_at=quiz.closes_at),
            quiz_rules.Rules(opens_at=assignment.opens_at, due_at=assignment.due_at),
            terms,
            self.now,
        )
        return rules.due_at or assignment.due_at

    def _cells(self, assignment: Assignment, student_id: int, attempts) -> list[str]:
        override = self.overrides.get((assignment.pk, student_id))
        if override is not None and override.excused:
            return ["", _("excused")]
        due = self._due(assignment, student_id)
        # The grade that counts, as every page decides it (coursework.assignment_grade).
        grade = coursework.assignment_grade(
            assignment.quiz.grading_method,
            [
                coursework.AttemptRow(
                    student_id=student_id, quiz_id=assignment.quiz_id, **attempt
                )
                for attempt in attempts
            ],
            override,
        )
        if not attempts:
            return [
                "" if grade is None else str(grade),
                _("missing") if self.now > due and grade is None else "",
            ]
        marks = [_("grade overridden")] if override is not None else []
        if min(a["submitted_at"] for a in attempts) > due:
            marks.append(_("late"))
        if grade is None:
            marks.append(_("awaiting grading"))
        return ["" if grade is None else str(grade), "; ".join(marks)]

    def _stream(self) -> QuerySet:
        """The cohort's students, each with one LEFT JOIN row per finished attempt on
        an assigned quiz (or one empty row if none), a student's rows adjacent."""
        users = get_user_model().objects.filter(
            cohort_memberships__cohort_id=self.cohort_id
        )
        quiz_ids = [a.quiz_id for a in self.assignments]
        if not quiz_ids:
            return users.order_by(*_name_order())
        return users.annotate(
            done=FilteredRelation(
                "attempts",
                condition=Q(attempts__quiz_id__in=quiz_ids)
                & ~Q(attempts__state=Attempt.State.IN_PROGRESS),
            )
        ).order_by(*_name_order(), "done__quiz_id", "done__number")

    def _fields(self) -> list[str]:
        fields = ["id", "last_name", "first_name", "email"]
        if self.assignments:
            fields += [f"done__{name}" for name in _ATTEMPT_COLUMNS]
        return fields

    def rows(self) -> Iterator[list[str]]:
        stream = self._stream()
        if server_side_cursors(stream.db):
            # One query; the server hands over CHUNK_SIZE rows per round trip.
            records = stream.values(*self._fields()).iterator(chunk_size=CHUNK_SIZE)
            for student_id, group in itertools.groupby(records, key=_student_id):
                yield self._row(student_id, list(group))
            return
        yield from self._keyset_rows(stream)

    def _keyset_rows(self, stream: QuerySet) -> Iterator[list[str]]:
        """The rows a page of CHUNK_SIZE students per ordinary query, each page read
        after the last student of the one before (no ids read first, no cursor)."""
        members = get_user_model().objects.filter(
            cohort_memberships__cohort_id=self.cohort_id
        )
        after: dict | None = None
        while True:
            page = members if after is None else members.filter(_after(after))
            # One student more than the page: whether another page follows, without
            # a query that comes back empty. Their rows are read again with that page.
            ids = page.order_by(*_name_order()).values("id")[: CHUNK_SIZE + 1]
            records = stream.filter(id__in=ids).values(*self._fields())
            students = 0
            for student_id, group in itertools.groupby(records, key=_student_id):
                students += 1
                if students > CHUNK_SIZE:
                    break
                group = list(group)
                after = group[0]
                yield self._row(student_id, group)
            if students <= CHUNK_SIZE:
                return

    def _row(self, student_id: int, group: list[dict]) -> list[str]:
        first = group[0]
        by_quiz: dict[int, list[dict]] = defaultdict(list)
        for record in group:
            if record.get("done__quiz_id") is not None:
                by_quiz[record["done__quiz_id"]].append(
                    {name: record[f"done__{name}"] for name in _ATTEMPT_KEYS}
                )
        row = [first["last_name"], first["first_name"], first["email"]]
        for assignment in self.assignments:
            row += self._cells(
                assignment, student_id, by_quiz.get(assignment.quiz_id, [])
            )
        return row


def _decimal_text(value) -> str:
    return "" if value is None else str(value)


class QuizResponses:
    """One row per response of a finished attempt, for students the requester teaches."""

    def __init__(self, job: ExportJob, now: datetime):
        self.quiz = job.quiz
        self.user = job.requested_by
        self.questions: dict[int, tuple[str, QuestionText]] = {}

    def prepare(self) -> None:
        """Read the quiz's questions and choice texts in one query, to write answers
        in words (a LEFT JOIN: one row per choice, or one per question without any)."""
        rows = Question.objects.filter(quiz=self.quiz).values_list(
            "id", "kind", "prompt", "data", "choices__id", "choices__text"
        )
        for qid, kind, prompt, data, choice_id, choice_text in rows:
            if qid not in self.questions:
                self.questions[qid] = (prompt, QuestionText(kind, data or {}))
            if choice_id is not None:
                self.questions[qid][1].choices[choice_id] = choice_text

    def _attempts(self) -> QuerySet:
        """The finished attempts of students the requester teaches, in file order."""
        qs = Attempt.objects.filter(quiz=self.quiz).exclude(
            state=Attempt.State.IN_PROGRESS
        )
        if not teaches_every_cohort(self.user):
            # Only students in a cohort of this course that the requester teaches.
            taught = CohortMembership.objects.filter(
                student_id=OuterRef("student_id"),
                cohort__course_id=self.quiz.course_id,
                cohort__instructors=self.user,
            )
            qs = qs.filter(Exists(taught))
        return qs.order_by(*_name_order("student__"), "number", "id")

    def _queryset(self):
        return Response.objects.filter(attempt__in=self._attempts().values("id"))

    def counted(self) -> QuerySet:
        """One row per line the file will have (bar the header)."""
        return self._queryset()

    def header(self) -> list[str]:
        return [
            _("Last name"),
            _("First name"),
            _("E-mail"),
            _("Attempt"),
            _("State"),
            _("Submitted at"),
            _("Question"),
            _("Question text"),
            _("Kind"),
            _("Answer"),
            _("Score"),
            _("Max score"),
            _("Needs grading"),
            _("Justification"),
        ]

    def rows(self) -> Iterator[list[str]]:
        attempt_ids = list(self._attempts().values_list("id", flat=True))
        # About CHUNK_SIZE responses per query: one per question of each attempt.
        per_chunk = max(1, CHUNK_SIZE // max(1, len(self.questions)))
        for chunk in _chunks(attempt_ids, per_chunk):
            yield from self._chunk_rows(chunk)

    def _chunk_rows(self, attempt_ids: list[int]) -> Iterator[list[str]]:
        states = dict(Attempt.State.choices)
        records = (
            Response.objects.filter(attempt_id__in=attempt_ids)
            .order_by(
                *_name_order("attempt__student__"),
                "attempt__number",
                "attempt_id",
                "question__position",
                "question_id",
            )
            .values_list(
                "attempt__student__last_name",
                "attempt__student__first_name",
                "attempt__student__email",
                "attempt__number",
                "attempt__state",
                "attempt__submitted_at",
                "question__position",
                "question_id",
                "question__kind",
                "answer",
                "score",
                "max_score",
                "needs_manual",
                "manual_score",
            )
        )
        for (
            last,
            first,
            email,
            number,
            state,
            submitted_at,
            position,
            question_id,
            kind,
            answer,
            score,
            max_score,
            needs_manual,
            manual_score,
        ) in records:
            prompt, question = self.questions.get(question_id, ("", QuestionText(kind)))
            yield [
                last,
                first,
                email,
                number,
                states.get(state, state),
                submitted_at.isoformat() if submitted_at else "",
                position,
                prompt,
                kind,
                answer_text(answer, question),
                _decimal_text(score),
                _decimal_text(max_score),
                _("yes") if needs_manual and manual_score is None else "",
                justification_text(answer),
            ]
