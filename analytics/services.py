"""Write use cases of reports: store quiz statistics, request CSV exports."""

from __future__ import annotations

import dataclasses
import functools
import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Cohort
from quizzes import selectors as quiz_selectors
from quizzes.models import Question, Quiz

from . import aggregates, moments, moodle_weights, selectors
from . import statistics as qstats
from .models import ExportJob, QuizStatistics

__all__ = ["refresh_quiz_statistics", "request_export", "statistics_data", "sums_data"]

logger = logging.getLogger(__name__)

WHICH = tuple(QuizStatistics.Which.values)


def _question_label(question: Question) -> str:
    # Whole words only: a label cut mid-word ("Which countr") misleads.
    return str(question)


def statistics_data(matrix: selectors.QuizMatrix) -> dict:
    """Turn a quiz's score matrix into the JSON stored on QuizStatistics.

    The list-based path, kept as the reference the database sums are tested against
    (tests/analytics/test_statistics_sums.py); the refresh uses `sums_data`.
    """
    return _data(
        questions=matrix.questions,
        per_question=qstats.question_stats(matrix.matrix, max_marks=matrix.max_marks),
        test=qstats.test_stats(matrix.matrix, max_marks=matrix.max_marks),
        intended=moodle_weights.intended_weights(matrix.max_marks),
        effective=moodle_weights.effective_weights(
            {
                qid: [float(row.scores.get(qid, 0.0)) for row in matrix.matrix]
                for qid in matrix.max_marks
            }
        ),
        choice_counts={
            qid: qstats.choice_counts(picks)
            for qid, picks in matrix.answers.choices.items()
        },
        answers=matrix.answers,
    )


def sums_data(summed: aggregates.QuizSums) -> dict:
    """The same JSON from the sums PostgreSQL adds up: no row per attempt in Python."""
    n = summed.totals.n
    return _data(
        questions=summed.questions,
        per_question=moments.question_stats_from_sums(
            n, summed.sums, max_marks=summed.max_marks
        ),
        test=moments.test_stats_from_sums(
            summed.totals, summed.sums, max_marks=summed.max_marks
        ),
        intended=moodle_weights.intended_weights(summed.max_marks),
        effective=moments.effective_weights_from_sums(n, summed.sums),
        choice_counts=summed.choice_counts,
        answers=summed.answers,
    )


def _data(
    *, questions, per_question, test, intended, effective, choice_counts, answers
) -> dict:
    entries = []
    for question in questions:
        guess = moodle_weights.random_guess_score(
            question.kind,
            credits=[float(c.credit) for c in question.choices.all()]
            if question.is_choice_kind
            else (),
            data=question.data,
        )
        entry = {
            **dataclasses.asdict(per_question[question.id]),
            "position": question.position,
            "label": _question_label(question),
            "kind": question.kind,
            "intended_weight": intended.get(question.id),
            "effective_weight": effective.get(question.id),
            "random_guess_score": None if guess is None else 100 * guess,
        }
        if question.id in choice_counts:
            counts = choice_counts[question.id]
            entry["choices"] = [
                {
                    "id": choice.id,
                    "text": choice.text,
                    "credit": float(choice.credit),
                    "count": counts.get(choice.id, 0),
                }
                for choice in question.choices.all()
            ]
        if question.id in answers.positions:
            entry["positions"] = dataclasses.asdict(
                qstats.position_distribution(answers.positions[question.id])
            )
            entry["scale"] = [
                (question.data or {}).get("left", ""),
                (question.data or {}).get("right", ""),
            ]
        if question.id in answers.allocations:
            values = (question.data or {}).get("values", [])
            entry["allocations"] = [
                {"value": value, **dataclasses.asdict(qstats.position_distribution(v))}
                for value, v in zip(
                    values, answers.allocations[question.id], strict=True
                )
            ]
        entries.append(entry)
    return {"questions": entries, "test": dataclasses.asdict(test)}


@transaction.atomic
def refresh_quiz_statistics(
    *, quiz_id: int, which: str, now: datetime | None = None
) -> QuizStatistics:
    """Recompute one quiz's statistics over first or all attempts and store them."""
    if which not in WHICH:
        raise ValidationError({"which": _("Choose first or all attempts.")})
    quiz = quiz_selectors.quiz_with_questions(quiz_id=quiz_id)
    summed = aggregates.quiz_sums(
        quiz=quiz,
        which=which,
        max_marks={q.id: selectors.question_max(q) for q in quiz.questions.all()},
    )
    # INSERT ... ON CONFLICT DO UPDATE: two refreshes racing on a new quiz both succeed.
    (stats,) = QuizStatistics.objects.bulk_create(
        [
            QuizStatistics(
                quiz_id=quiz_id,
                which=which,
                attempt_count=summed.totals.n,
                data=sums_data(summed),
                computed_at=now or timezone.now(),
            )
        ],
        update_conflicts=True,
        unique_fields=["quiz", "which"],
        update_fields=["attempt_count", "data", "computed_at"],
    )
    return stats


@transaction.atomic
def request_export(
    *,
    user,
    kind: str,
    cohort: Cohort | None = None,
    quiz: Quiz | None = None,
) -> ExportJob:
    """Record an export job and queue the task that writes its file after commit."""
    if kind == ExportJob.Kind.COHORT_GRADES:
        if cohort is None or quiz is not None:
            raise ValidationError({"cohort": _("A grades export needs one cohort.")})
    elif kind == ExportJob.Kind.QUIZ_RESPONSES:
        if quiz is None or cohort is not None:
            raise ValidationError({"quiz": _("A responses export needs one quiz.")})
    else:
        raise ValidationError({"kind": _("Unknown export kind.")})
    job = ExportJob.objects.create(
        kind=kind, requested_by=user, cohort=cohort, quiz=quiz
    )
    transaction.on_commit(functools.partial(_queue_export, job))
    return job


def _queue_export(job: ExportJob) -> None:
    """Send the export's task; if the broker is down, fail the job now with a reason.

    A job whose message was never sent would stay pending forever. Marked failed, it
    says why at once, and the instructor asks again once the service is back.
    """
    from .tasks import run_export_task  # lazy: tasks call services, not the reverse

    try:
        run_export_task.apply_async((job.pk,), retry=False, ignore_result=True)
    except Exception:  # noqa: BLE001 - any broker failure
        logger.warning("Could not queue export %s: broker unreachable", job.pk)
        job.state = ExportJob.State.FAILED
        job.error = _(
            "The export could not be started because the background task service is "
            "unavailable. Please request it again in a few minutes."
        )
        job.finished_at = timezone.now()
        ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.PENDING).update(
            state=job.state, error=job.error, finished_at=job.finished_at
        )
