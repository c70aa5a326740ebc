"""Stream CSV exports to files: cohort grades and quiz responses, rows read in chunks.

Rows come in chunks of CHUNK_SIZE (export_rows), are written as they arrive and
forgotten, so memory stays flat however many students a cohort has. A cohort-grades
export is six queries: read the job, claim it (counting its rows), the overrides, the
assignments with their extensions, the rows (one server-side cursor), finish. Behind a
transaction-mode pooler the rows are one query per CHUNK_SIZE students instead, so each
further CHUNK_SIZE students add one. An export running longer than PROGRESS_SECONDS
adds one progress write per PROGRESS_SECONDS, so a poller still sees it move.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import logging
import os
import re
import time
import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import (
    F,
    Func,
    IntegerField,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from core.replica import replica_reads

from .export_rows import CohortGrades, QuizResponses
from .models import ExportJob

__all__ = ["export_path", "run_export", "download_name"]

logger = logging.getLogger(__name__)

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


# A spreadsheet runs a cell starting with one of = + - @ tab CR as a formula (CSV
# injection). A cell is also at risk after a separator inside the text: the file is
# written with commas, but a spreadsheet set to a semicolon locale splits an unquoted
# "a;=cmd()" into "a" and "=cmd()", and a re-export with the other separator splits on
# commas. So every start of a field that either separator could make (optionally after
# spaces or an opening quote) gets the apostrophe spreadsheets read as "text".
_FORMULA_AT = re.compile(r"(^|[;,])([ \"']*)(?=[=+\-@\t\r])")


def _cell(value) -> object:
    """Defuse text a spreadsheet would run as a formula, however its separator splits
    it; numbers pass unchanged."""
    if isinstance(value, str):
        return _FORMULA_AT.sub(r"\1\2'", value)
    return value


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
        root.mkdir(parents=True, exist_ok=True)
        # The rows may come from a read replica (core/replica.py); the job's own
        # state is read and written on the primary.
        with replica_reads(), open(temp, "w", newline="", encoding="utf-8") as handle:
            exporter.prepare()
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
