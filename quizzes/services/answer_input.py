"""Check what a student sends while taking a quiz: answers and how sure they are.

Nothing here writes; `attempts._store_answers` saves what these accept.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import grading, selectors
from ..models import Attempt, Question

__all__: list[str] = []


def _split_answers(
    questions: dict[int, Question], answers: dict[Any, Any]
) -> dict[int, grading.Split | None]:
    """Split every answer into gradable part and draft; a malformed one fails them all.

    An unfinished answer is not an error: it is kept as a draft. A malformed one (not an
    object, a field of the wrong type, a choice the question does not have) refuses the
    whole request, so a broken client changes nothing.
    """
    if not isinstance(answers, dict):
        raise ValidationError(_("Send answers as an object keyed by question id."))
    split: dict[int, grading.Split | None] = {}
    errors: dict[str, str] = {}
    for raw_id, answer in answers.items():
        try:
            question_id = int(raw_id)
        except (TypeError, ValueError):
            errors[str(raw_id)] = _("Not a question id.")
            continue
        question = questions.get(question_id)
        if question is None:
            errors[str(raw_id)] = _("This question is not part of the attempt.")
            continue
        if answer is None:
            split[question_id] = None
            continue
        try:
            split[question_id] = grading.split_answer(
                selectors.checked_key(question), answer
            )
        except grading.InvalidAnswer as exc:
            errors[str(raw_id)] = str(exc)
    if errors:
        raise ValidationError(errors)
    return split


def _check_certainties(
    attempt: Attempt, questions: dict[int, Question], certainties: Any
) -> dict[int, int | None]:
    """Check how sure the student says they are, per question; errors by question id.

    Only an attempt made with certainty-based marking takes certainties, and only on
    questions that are right or wrong; None clears one.
    """
    if certainties is None:
        return {}
    if not isinstance(certainties, dict):
        raise ValidationError(_("Send certainties as an object keyed by question id."))
    if certainties and not attempt.certainty_based:
        raise ValidationError(_("This attempt does not ask how sure you are."))
    checked: dict[int, int | None] = {}
    errors: dict[str, str] = {}
    for raw_id, value in certainties.items():
        try:
            question_id = int(raw_id)
        except (TypeError, ValueError):
            errors[str(raw_id)] = _("Not a question id.")
            continue
        question = questions.get(question_id)
        if question is None:
            errors[str(raw_id)] = _("This question is not part of the attempt.")
        elif not grading.takes_certainty(question.kind):
            errors[str(raw_id)] = _(
                "This question is not right or wrong: it takes no certainty."
            )
        else:
            try:
                checked[question_id] = grading.cbm.clean_certainty(value)
            except grading.InvalidAnswer as exc:
                errors[str(raw_id)] = str(exc)
    if errors:
        raise ValidationError(errors)
    return checked


def checked_input(
    attempt: Attempt,
    questions: dict[int, Question],
    answers: dict[Any, Any],
    certainties: Any,
) -> tuple[dict[int, grading.Split | None], dict[int, int | None]]:
    """Split the answers and check the certainties; every problem of both at once."""
    errors: dict[str, list[str]] = {}
    split: dict[int, grading.Split | None] = {}
    checked: dict[int, int | None] = {}
    for check, args in (
        (_split_answers, (questions, answers)),
        (_check_certainties, (attempt, questions, certainties)),
    ):
        try:
            found = check(*args)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            continue
        if check is _split_answers:
            split = found
        else:
            checked = found
    if errors:
        raise ValidationError(
            {key: " ".join(messages) for key, messages in errors.items()}
        )
    return split, checked
