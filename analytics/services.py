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
from quizzes.models import Question, Quiz

from . import moodle_weights, selectors
from . import statistics as qstats
from .models import ExportJob, QuizStatistics

__all__ = ["refresh_quiz_statistics", "request_export", "statistics_data"]

logger = logging.getLogger(__name__)

WHICH = tuple(QuizStatistics.Which.values)


def _question_label(question: Question) -> str:
    # Whole words only: a label cut mid-word ("Which countr") misleads.
    return str(question)


def statistics_data(matrix: selectors.QuizMatrix) -> dict:
    """Turn a quiz's score matrix into the JSON stored on QuizStatistics."""
    per_question = qstats.question_stats(matrix.matrix, max_marks=matrix.max_marks)
    test = qstats.test_stats(matrix.matrix, max_marks=matrix.max_marks)
    intended = moodle_weights.intended_weights(matrix.max_marks)
    effective = moodle_weights.effective_weights(
        {
            qid: [float(row.scores.get(qid, 0.0)) for row in matrix.matrix]
            for qid in matrix.max_marks
        }
    )
    questions = []
    for question in matrix.questions:
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
        if question.id in matrix.answers.choices:
            choices = list(question.choices.all())
            counts = qstats.choice_counts(
                matrix.answers.choices[question.id], choices=[c.id for c in choices]
            )
            entry["choices"] = [
                {
                    "id": choice.id,
                    "text": choice.text,
                    "credit": float(choice.credit),
                    "count": counts.get(choice.id, 0),
                }
                for choice in choices
            ]
        if question.id in matrix.answers.positions:
            entry["positions"] = dataclasses.asdict(
                qstats.position_distribution(matrix.answers.positions[question.id])
            )
            entry["scale"] = [
                (question.data or {}).get("left", ""),
                (question.data or {}).get("right", ""),
            ]
        if question.id in matrix.answers.allocations:
            values = (question.data or {}).get("values", [])
            entry["allocations"] = [
                {"value": value, **dataclasses.asdict(qstats.position_distribution(v))}
                for value, v in zip(
                    values, matrix.answers.allocations[question.id], strict=True
                )
            ]
        questions.append(entry)
    return {"questions": questions, "test": dataclasses.asdict(test)}


@transaction.atomic
def refresh_quiz_statistics(
    *, quiz_id: int, which: str, now: datetime | None = None
) -> QuizStatistics:
    """Recompute one quiz's statistics over first or all attempts and store them."""
    if which not in WHICH:
        raise ValidationError({"which": _("Choose first or all attempts.")})
    matrix = selectors.quiz_matrix(quiz_id=quiz_id, which=which)
    # INSERT ... ON CONFLICT DO UPDATE: two refreshes racing on a new quiz both succeed.
    (stats,) = QuizStatistics.objects.bulk_create(
        [
            QuizStatistics(
                quiz_id=quiz_id,
                which=which,
                attempt_count=len(matrix.matrix),
                data=statistics_data(matrix),
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
