"""Stream CSV exports to files: cohort grades and quiz responses, rows read in chunks.

Rows come from one server-side cursor per export (`iterator(chunk_size=...)`), are
written as they arrive and forgotten, so memory stays flat however many students a
cohort has. A cohort-grades export is five queries whatever its size: read the job,
claim it (counting its rows), read the assignments with their extensions, the cursor,
finish. An export running longer than PROGRESS_SECONDS adds one progress write per
PROGRESS_SECONDS, so a poller still sees it move.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import itertools
import json
import logging
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CohortMembership

from .. import rules as quiz_rules
from ..instructor import tables
from ..instructor.selectors import override_rows
from ..models import (
    Assignment,
    Attempt,
    Choice,
    ExportJob,
    GradeOverride,
    Question,
    Response,
)

__all__ = ["export_path", "run_export", "download_name"]

logger = logging.getLogger(__name__)

# Rows fetched per round trip of the server-side cursor: the most held in memory.
CHUNK_SIZE = 500
# At most one progress write per this many seconds: a fast export writes none.
PROGRESS_SECONDS = 2.0
# Monotonic, so a clock change cannot stall or flood the progress writes.
_clock = time.monotonic


def export_path(file_name: str) -> Path:
    """Where an export's finished file lives."""
    return Path(settings.EXPORTS_ROOT) / file_name


def download_name(job: ExportJob) -> str:
    """The file name offered to the browser: what it is and when it was made."""
    stamp = timezone.localtime(job.finished_at or job.created_at).strftime("%Y%m%d")
    if job.kind == ExportJob.Kind.COHORT_GRADES:
        return f"grades-cohort-{job.cohort_id}-{stamp}.csv"
    return f"responses-quiz-{job.quiz_id}-{stamp}.csv"


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> object:
    """Defuse text a spreadsheet would run as a formula; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _name_order(prefix: str = "") -> list[str]:
    return [
        f"{prefix}last_name",
        f"{prefix}first_name",
        f"{prefix}email",
        f"{prefix}id",
    ]


class CohortGrades:
    """One row per student of a cohort; a grade and a status column per assignment."""

    def __init__(self, job: ExportJob, now: datetime):
        self.cohort_id = job.cohort_id
        self.now = now
        self.assignments: list[Assignment] = []
        self.extensions: dict[tuple[int, int], list[quiz_rules.ExtensionTerms]] = (
            defaultdict(list)
        )
        self.overrides: dict[tuple[int, int], tables.OverrideRow] = {}

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
        # The grade that counts, as every page decides it (tables.assignment_grade).
        grade = tables.assignment_grade(
            assignment.quiz.grading_method,
            [
                tables.AttemptRow(
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

    def rows(self) -> Iterator[list[str]]:
        users = get_user_model().objects.filter(
            cohort_memberships__cohort_id=self.cohort_id
        )
        fields = ["id", "last_name", "first_name", "email"]
        quiz_ids = [a.quiz_id for a in self.assignments]
        if quiz_ids:
            # One LEFT JOIN row per finished attempt on an assigned quiz (or one empty
            # row for a student who has none), sorted so a student's rows are adjacent.
            users = users.annotate(
                done=FilteredRelation(
                    "attempts",
                    condition=Q(attempts__quiz_id__in=quiz_ids)
                    & ~Q(attempts__state=Attempt.State.IN_PROGRESS),
                )
            )
            fields += [
                "done__quiz_id",
                "done__number",
                "done__state",
                "done__score",
                "done__max_score",
                "done__submitted_at",
            ]
        stream = (
            users.order_by(*_name_order(), "done__quiz_id", "done__number")
            if quiz_ids
            else users.order_by(*_name_order())
        )
        records = stream.values(*fields).iterator(chunk_size=CHUNK_SIZE)
        for student_id, group in itertools.groupby(records, key=lambda r: r["id"]):
            group = list(group)
            first = group[0]
            by_quiz: dict[int, list[dict]] = defaultdict(list)
            for record in group:
                if record.get("done__quiz_id") is not None:
                    by_quiz[record["done__quiz_id"]].append(
                        {
                            "number": record["done__number"],
                            "state": record["done__state"],
                            "score": record["done__score"],
                            "max_score": record["done__max_score"],
                            "submitted_at": record["done__submitted_at"],
                        }
                    )
            row = [first["last_name"], first["first_name"], first["email"]]
            for assignment in self.assignments:
                row += self._cells(
                    assignment, student_id, by_quiz.get(assignment.quiz_id, [])
                )
            yield row


def _answer_text(kind: str, answer, choice_texts: dict[int, str]) -> str:
    """A response's answer in words an instructor can read in a spreadsheet."""
    if answer is None:
        return ""
    if isinstance(answer, dict):
        if kind in Question.CHOICE_KINDS:
            picks = answer.get("choices", [answer.get("choice")])
            if isinstance(picks, list):
                return "; ".join(choice_texts.get(p, str(p)) for p in picks)
        if kind in (Question.Kind.SHORT_ANSWER, Question.Kind.ESSAY):
            return str(answer.get("text", ""))
    return json.dumps(answer, ensure_ascii=False, sort_keys=True)


def _decimal_text(value) -> str:
    return "" if value is None else str(value)


class QuizResponses:
    """One row per response of a finished attempt, for students the requester teaches."""

    def __init__(self, job: ExportJob, now: datetime):
        self.quiz = job.quiz
        self.user = job.requested_by
        self.choice_texts: dict[int, str] = {}

    def prepare(self) -> None:
        """Read the quiz's choice texts, to write answers in words."""
        self.choice_texts = dict(
            Choice.objects.filter(question__quiz=self.quiz).values_list("id", "text")
        )

    def _queryset(self):
        qs = Response.objects.filter(attempt__quiz=self.quiz).exclude(
            attempt__state=Attempt.State.IN_PROGRESS
        )
        if not self.user.is_staff:
            # Only students in a cohort of this course that the requester teaches.
            taught = CohortMembership.objects.filter(
                student_id=OuterRef("attempt__student_id"),
                cohort__course_id=self.quiz.course_id,
                cohort__instructors=self.user,
            )
            qs = qs.filter(Exists(taught))
        return qs

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
        ]

    def rows(self) -> Iterator[list[str]]:
        states = dict(Attempt.State.choices)
        records = (
            self._queryset()
            .order_by(
                *_name_order("attempt__student__"),
                "attempt__number",
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
                "question__name",
                "question__prompt",
                "question__kind",
                "answer",
                "score",
                "max_score",
                "needs_manual",
                "manual_score",
            )
            .iterator(chunk_size=CHUNK_SIZE)
        )
        for (
            last,
            first,
            email,
            number,
            state,
            submitted_at,
            position,
            name,
            prompt,
            kind,
            answer,
            score,
            max_score,
            needs_manual,
            manual_score,
        ) in records:
            yield [
                last,
                first,
                email,
                number,
                states.get(state, state),
                submitted_at.isoformat() if submitted_at else "",
                position,
                name or prompt[:80],
                kind,
                _answer_text(kind, answer, self.choice_texts),
                _decimal_text(score),
                _decimal_text(max_score),
                _("yes") if needs_manual and manual_score is None else "",
            ]


EXPORTERS = {
    ExportJob.Kind.COHORT_GRADES: CohortGrades,
    ExportJob.Kind.QUIZ_RESPONSES: QuizResponses,
}


class _Superseded(Exception):
    """The job was claimed by another run while this one was writing."""


def _stale_parts(job_id: int) -> list[Path]:
    return list(Path(settings.EXPORTS_ROOT).glob(f".export-{job_id}-*.part"))


def _claim_prefix(job_id: int, claim: str) -> str:
    # Hashed: a Celery task id is the caller's text and must not shape a path.
    return f".export-{job_id}-{hashlib.sha256(claim.encode()).hexdigest()[:16]}-"


def _may_claim(job: ExportJob, claim: str) -> bool:
    """Whether this claim may take the job as read: not done, nor running elsewhere."""
    if job.state == ExportJob.State.DONE:
        return False
    if job.state == ExportJob.State.RUNNING:
        # While running, file_name is the part file of the run that claimed it. Only a
        # redelivery of that run's own message (its worker was lost: acks_late with
        # reject_on_worker_lost) may start it over; a duplicate message leaves a live
        # run alone. A running job with no part recorded predates claims: take it.
        return not job.file_name or job.file_name.startswith(
            _claim_prefix(job.pk, claim)
        )
    return True


def _count_of(queryset: QuerySet) -> Subquery:
    """COUNT(*) of a queryset as a scalar subquery (a plain function, so no GROUP BY)."""
    return Subquery(
        queryset.order_by()
        .annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("n")
    )


def run_export(
    *,
    job_id: int,
    claim: str = "",
    progress_seconds: float = PROGRESS_SECONDS,
    now: datetime | None = None,
) -> ExportJob | None:
    """Write an export's CSV to a temp file, then rename it into place; safe to repeat.

    `claim` names the caller (the Celery task id): a job left running under the same
    claim was lost with its worker and starts over with a fresh temp file, so a
    half-written file is never what gets downloaded. A done job, or one running under
    another claim, is left alone.
    """
    now = now or timezone.now()
    job = (
        ExportJob.objects.select_related("quiz", "requested_by")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        return None
    claim = claim or uuid.uuid4().hex
    if not _may_claim(job, claim):
        return job
    exporter = EXPORTERS[job.kind](job, now)
    root = Path(settings.EXPORTS_ROOT)
    temp = root / f"{_claim_prefix(job.pk, claim)}{uuid.uuid4().hex}.part"
    # Compare-and-swap on the state and part file just read, instead of a row lock: of
    # two workers that read the same row, one update matches and the other's finds
    # the row changed. The row count is stored with the claim, for the progress bar.
    claimed = ExportJob.objects.filter(
        pk=job.pk, state=job.state, file_name=job.file_name
    ).update(
        state=ExportJob.State.RUNNING,
        rows_done=0,
        rows_total=_count_of(exporter.counted()),
        error="",
        file_name=temp.name,
        finished_at=None,
    )
    if not claimed:
        return ExportJob.objects.filter(pk=job_id).first()
    if job.state == ExportJob.State.RUNNING:
        # Its worker died mid-write: the half file is worthless; start again at row 0.
        logger.warning("restarting export %s left running", job_id)
        for part in _stale_parts(job_id):
            part.unlink(missing_ok=True)
    # Every later write is fenced by the part file, so a run that lost its claim
    # cannot overwrite the state of the run that took it over.
    mine = ExportJob.objects.filter(
        pk=job.pk, state=ExportJob.State.RUNNING, file_name=temp.name
    )
    final_name = f"export-{job.pk}.csv"
    done = 0
    try:
        exporter.prepare()
        root.mkdir(parents=True, exist_ok=True)
        with open(temp, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([_cell(value) for value in exporter.header()])
            reported = _clock()
            for row in exporter.rows():
                writer.writerow([_cell(value) for value in row])
                done += 1
                if _clock() - reported >= progress_seconds:
                    if not mine.update(rows_done=done):
                        raise _Superseded
                    reported = _clock()
        os.replace(temp, root / final_name)
    except _Superseded:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        logger.warning("export %s was claimed by another run; stopping", job_id)
        return ExportJob.objects.filter(pk=job_id).first()
    except Exception as exc:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        mine.update(
            state=ExportJob.State.FAILED,
            error=str(exc)[:2000],
            file_name="",
            finished_at=timezone.now(),
        )
        raise
    finished_at = timezone.now()
    # Rows may have joined since the count; the file is the truth.
    finished = mine.update(
        state=ExportJob.State.DONE,
        rows_done=done,
        rows_total=done,
        file_name=final_name,
        finished_at=finished_at,
    )
    if not finished:
        # Taken over after the rename: the file in place is complete either way.
        logger.warning("export %s was claimed by another run at the end", job_id)
        return ExportJob.objects.filter(pk=job_id).first()
    job.state = ExportJob.State.DONE
    job.rows_done = job.rows_total = done
    job.error = ""
    job.file_name = final_name
    job.finished_at = finished_at
    return job
