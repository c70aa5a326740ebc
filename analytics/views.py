"""Report pages for instructors: statistics, regrade, CSV exports and their downloads."""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.replica import primary_reads, reads_from_replica
from quizzes import certainty
from quizzes.instructing import may_instruct
from quizzes.services import regrading

from . import exports, flags, selectors, services
from .models import ExportJob, QuizStatistics

# Below this many graded attempts, item statistics and reliability are mostly noise
# (Moodle's documentation and the psychometric texts it cites ask for far more).
MEANINGFUL_ATTEMPTS = flags.MEANINGFUL_ATTEMPTS


def _which(value: str | None) -> str:
    return value if value in QuizStatistics.Which.values else QuizStatistics.Which.FIRST


def _require_teacher(user) -> None:
    # Students never see the reports area, not even an empty one.
    if not may_instruct(user):
        raise Http404


def _with_bins(distribution: dict, caption: str) -> dict:
    edges, counts = distribution["edges"], distribution["counts"]
    bins = [
        {"low": edges[i], "high": edges[i + 1], "count": count}
        for i, count in enumerate(counts)
    ]
    return {**distribution, "bins": bins, "caption": caption}


def _shaped_questions(questions: list[dict], *, tentative: bool = False) -> list[dict]:
    """Add table-ready bins and captions to the stored distributions, and each
    question's revision flags (analytics/flags.py)."""
    shaped = []
    for question in questions:
        question = dict(question)
        question["flags"] = flags.flags_for(question, tentative=tentative)
        if "positions" in question:
            left, right = question.get("scale", ["", ""])
            question["positions"] = _with_bins(
                question["positions"],
                _("Positions (0 = %(left)s, 100 = %(right)s)")
                % {"left": left, "right": right},
            )
        if "allocations" in question:
            question["allocations"] = [
                _with_bins(a, _("Points given to %(value)s") % {"value": a["value"]})
                for a in question["allocations"]
            ]
        shaped.append(question)
    return shaped


@login_required
@reads_from_replica
def index(request):
    """List the quizzes and cohorts this instructor may report on, and their exports."""
    _require_teacher(request.user)
    return render(
        request,
        "reports/index.html",
        {
            "quizzes": selectors.reportable_quizzes(request.user).order_by(
                "course__title", "title"
            ),
            "cohorts": selectors.reportable_cohorts(request.user),
            "exports": selectors.recent_exports(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@reads_from_replica
def quiz_statistics(request, pk):
    """Show a quiz's stored statistics (computing them if none yet); POST recomputes."""
    quiz = selectors.quiz_for_instructor(quiz_id=pk, user=request.user)
    which = _which(request.POST.get("which") or request.GET.get("which"))
    if request.method == "POST":
        services.refresh_quiz_statistics(quiz_id=quiz.pk, which=which)
        messages.success(request, _("Statistics recomputed."))
        url = reverse("reports:quiz-statistics", kwargs={"pk": quiz.pk})
        return redirect(f"{url}?which={which}")
    stats = selectors.stored_statistics(quiz=quiz, which=which)
    if stats is None:
        # The replica may not have replayed a row a refresh just stored: ask the
        # primary before computing them again (a pass over every attempt, then a write).
        with primary_reads():
            stats = selectors.stored_statistics(quiz=quiz, which=which)
    if stats is None:
        # A cache miss: fill it now rather than show an empty page.
        stats = services.refresh_quiz_statistics(quiz_id=quiz.pk, which=which)
    questions = _shaped_questions(
        stats.data.get("questions", []),
        tentative=stats.attempt_count < MEANINGFUL_ATTEMPTS,
    )
    return render(
        request,
        "reports/statistics.html",
        {
            "quiz": quiz,
            "stats": stats,
            "which": which,
            "which_choices": QuizStatistics.Which.choices,
            "questions": questions,
            "flagged": [q for q in questions if q["flags"]],
            "test": stats.data.get("test", {}),
            "too_few": stats.attempt_count < MEANINGFUL_ATTEMPTS,
            "facility_max": flags.FACILITY_MAX,
            "discrimination_min": flags.DISCRIMINATION_MIN,
            "meaningful_attempts": MEANINGFUL_ATTEMPTS,
            # Read live (two queries), not stored with the statistics.
            "cbm": certainty.class_summary(quiz_id=quiz.pk, which=which),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def regrade(request, pk):
    """Show what a regrade would change (dry run); POST with a reason applies it."""
    quiz = selectors.quiz_for_instructor(quiz_id=pk, user=request.user)
    questions = list(quiz.questions.order_by("position", "id"))
    question_id = request.POST.get("question") or request.GET.get("question")
    question = None
    if question_id:
        question = next((q for q in questions if str(q.pk) == question_id), None)
        if question is None:
            raise Http404
    errors = []
    if request.method == "POST":
        try:
            run = regrading.regrade(
                quiz=quiz,
                question=question,
                user=request.user,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _(
                    "Regraded: %(changed)s attempts changed, %(notified)s students "
                    "notified."
                )
                % {"changed": run.changed, "notified": run.notified},
            )
            return redirect("reports:quiz-regrade", pk=quiz.pk)
    changes, hidden = selectors.only_visible(
        regrading.preview_regrade(quiz=quiz, question=question),
        quiz=quiz,
        user=request.user,
    )
    return render(
        request,
        "reports/regrade.html",
        {
            "quiz": quiz,
            "questions": questions,
            "question": question,
            "changes": changes,
            "hidden_changes": hidden,
            "errors": errors,
            "reason": request.POST.get("reason", ""),
            "runs": quiz.regrades.select_related("performed_by", "question")[:5],
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def export_quiz_responses(request, pk):
    """Queue a CSV of every response to a quiz, then show its progress."""
    quiz = selectors.quiz_for_instructor(quiz_id=pk, user=request.user)
    job = services.request_export(
        user=request.user, kind=ExportJob.Kind.QUIZ_RESPONSES, quiz=quiz
    )
    return redirect("reports:export-detail", pk=job.pk)


@login_required
@require_POST
def export_cohort_grades(request, pk):
    """Queue a CSV of a cohort's grades, then show its progress."""
    cohort = selectors.cohort_for_instructor(cohort_id=pk, user=request.user)
    job = services.request_export(
        user=request.user, kind=ExportJob.Kind.COHORT_GRADES, cohort=cohort
    )
    return redirect("reports:export-detail", pk=job.pk)


@login_required
@reads_from_replica
def export_detail(request, pk):
    """Show an export's progress to the user who asked for it."""
    job = selectors.export_for_requester(job_id=pk, user=request.user)
    return render(request, "reports/export_detail.html", {"job": job})


@login_required
def export_download(request, pk):
    """Stream a finished export's file; anyone but its requester gets a 404.

    `?bom=1` puts a UTF-8 byte order mark first: Excel needs it to read the file as
    UTF-8 rather than the local code page (accents and "→" turn to mojibake).
    """
    job = selectors.export_for_requester(job_id=pk, user=request.user)
    if job.state != ExportJob.State.DONE or not job.file_name:
        raise Http404
    path = exports.export_path(job.file_name)
    try:
        handle = open(path, "rb")  # FileResponse closes it
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = exports.download_name(job)
    if request.GET.get("bom") != "1":
        return FileResponse(
            handle,
            as_attachment=True,
            filename=name,
            content_type="text/csv; charset=utf-8",
        )
    response = StreamingHttpResponse(
        _with_bom(handle), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _with_bom(handle) -> Iterator[bytes]:
    """The file's bytes after a UTF-8 BOM, read in blocks so memory stays flat."""
    with handle:
        yield codecs.BOM_UTF8
        yield from iter(lambda: handle.read(FileResponse.block_size), b"")
