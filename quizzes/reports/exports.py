"""Stream CSV exports to files: cohort grades and quiz responses, rows read in chunks.

Rows come from one server-side cursor per export (`iterator(chunk_size=...)`), are
written as they arrive and forgotten, so memory stays flat however many students a
cohort has, and the number of queries does not grow with them (apart from the progress
update written every PROGRESS_EVERY rows).
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import json
import logging
import os
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, FilteredRelation, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CohortMembership

from .. import rules as quiz_rules
from ..models import (
    Assignment,
    Attempt,
    Choice,
    ExportJob,
    Extension,
    Question,
    Response,
)

__all__ = ["export_path", "run_export", "download_name"]

logger = logging.getLogger(__name__)

# Rows fetched per round trip of the server-side cursor: the most held in memory.
CHUNK_SIZE = 500
PROGRESS_EVERY = 250
_PERCENT = Decimal("0.1")


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


def _percent(score, max_score) -> Decimal | None:
    # The same figure Attempt.percent shows, without building model instances.
    if score is None or not max_score:
        return None
    return (Decimal(score) / Decimal(max_score) * 100).quantize(_PERCENT)


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
        self.cohort = job.cohort
        self.now = now
        self.assignments = list(
            Assignment.objects.filter(cohort=self.cohort)
            .select_related("quiz")
            .order_by("due_at", "id")
        )
        self.extensions: dict[tuple[int, int], list[quiz_rules.ExtensionTerms]] = (
            defaultdict(list)
        )
        for ext in _extension_values(self.assignments):
            self.extensions[(ext["assignment_id"], ext["student_id"])].append(
                quiz_rules.ExtensionTerms(
                    due_at=ext["due_at"],
                    extra_minutes=ext["extra_minutes"],
                    extra_attempts=ext["extra_attempts"],
                    expires_at=ext["expires_at"],
                )
            )

    def count(self) -> int:
        return CohortMembership.objects.filter(cohort=self.cohort).count()

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
        due = self._due(assignment, student_id)
        if not attempts:
            return ["", _("missing") if self.now > due else ""]
        graded = [
            (a["number"], _percent(a["score"], a["max_score"]))
            for a in attempts
            if a["state"] == Attempt.State.GRADED and a["max_score"]
        ]
        grade = quiz_rules.combine_grades(assignment.quiz.grading_method, graded)
        marks = []
        if min(a["submitted_at"] for a in attempts) > due:
            marks.append(_("late"))
        if grade is None:
            marks.append(_("awaiting grading"))
        return ["" if grade is None else str(grade), "; ".join(marks)]

    def rows(self) -> Iterator[list[str]]:
        users = get_user_model().objects.filter(cohort_memberships__cohort=self.cohort)
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


def _extension_values(assignments: list[Assignment]):
    """Every extension on these assignments, as plain values (one query)."""
    if not assignments:
        return []
    return Extension.objects.filter(assignment__in=[a.pk for a in assignments]).values(
        "assignment_id",
        "student_id",
        "due_at",
        "extra_minutes",
        "extra_attempts",
        "expires_at",
    )


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

    def count(self) -> int:
        return self._queryset().count()

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


def _stale_parts(job_id: int) -> list[Path]:
    return list(Path(settings.EXPORTS_ROOT).glob(f".export-{job_id}-*.part"))


@transaction.atomic
def _claim(job_id: int) -> ExportJob | None:
    """Lock the job and mark it running from row 0; None if there is nothing to do."""
    job = (
        ExportJob.objects.select_for_update(of=("self",))
        .select_related("cohort", "quiz", "requested_by")
        .filter(pk=job_id)
        .first()
    )
    if job is None or job.state == ExportJob.State.DONE:
        return None
    if job.state == ExportJob.State.RUNNING:
        # A worker died mid-write: its half file is worthless; start again from row 0.
        logger.warning("restarting export %s left running", job_id)
        for part in _stale_parts(job_id):
            part.unlink(missing_ok=True)
    job.state = ExportJob.State.RUNNING
    job.rows_done = 0
    job.error = ""
    job.file_name = ""
    job.finished_at = None
    job.save(update_fields=["state", "rows_done", "error", "file_name", "finished_at"])
    return job


def run_export(
    *, job_id: int, progress_every: int = PROGRESS_EVERY, now: datetime | None = None
) -> ExportJob | None:
    """Write an export's CSV to a temp file, then rename it into place; safe to repeat.

    A done job is left alone. A job found running (its worker crashed) starts over with
    a fresh temp file, so a half-written file is never what gets downloaded.
    """
    now = now or timezone.now()
    job = _claim(job_id)
    if job is None:
        return ExportJob.objects.filter(pk=job_id).first()
    root = Path(settings.EXPORTS_ROOT)
    final_name = f"export-{job.pk}.csv"
    temp = root / f".export-{job.pk}-{uuid.uuid4().hex}.part"
    done = 0
    try:
        exporter = EXPORTERS[job.kind](job, now)
        ExportJob.objects.filter(pk=job.pk).update(rows_total=exporter.count())
        root.mkdir(parents=True, exist_ok=True)
        with open(temp, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([_cell(value) for value in exporter.header()])
            for row in exporter.rows():
                writer.writerow([_cell(value) for value in row])
                done += 1
                if done % progress_every == 0:
                    ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
        os.replace(temp, root / final_name)
    except Exception as exc:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.RUNNING).update(
            state=ExportJob.State.FAILED,
            error=str(exc)[:2000],
            finished_at=timezone.now(),
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE,
        rows_done=done,
        # Rows may have joined since the count; the file is the truth.
        rows_total=done,
        file_name=final_name,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job
