"""Services: the question bank — write a quiz's questions as GIFT or Moodle XML."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from .. import gift, moodlexml
from ..models import Choice, Question, Quiz
from .question_bank import QuestionImportError, default_essay_rubric, media_prefix

__all__ = ["export_questions", "export_quiz_gift", "export_quiz_moodlexml"]


def _load_media(path: str) -> bytes | None:
    """Read an imported question file back, for embedding it in Moodle XML."""
    if not path.startswith("question-media/") or ".." in path:
        return None
    try:
        with default_storage.open(path, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


def _plain_questions(quiz: Quiz) -> tuple[list[dict], list[str]]:
    """Return a quiz's questions as the plain dicts both writers take."""
    questions = quiz.questions.order_by("position", "id").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position", "id")),
        "tags",
    )
    plain = []
    warnings = []
    for question in questions:
        data = dict(question.data or {})
        moodle = data.pop("moodle", None) or {}
        made = moodle.pop("made_rubric", None)
        if made is not None:
            rebuilt = data.get("rubric") == made
        else:
            # Imported before the import said so (no Moodle data at all): the rubrics
            # it used to make.
            rebuilt = not moodle and data.get("rubric") in (
                question.explanation,
                default_essay_rubric(),
            )
        if question.kind == Question.Kind.ESSAY and rebuilt:
            # The import rebuilds this rubric from the general feedback or the default.
            data["rubric"] = ""
        choices = list(question.choices.all())
        if any(
            c.feedback_gains or c.feedback_costs or c.feedback_objection
            for c in choices
        ):
            warnings.append(
                _(
                    "“%(label)s”: the gains / costs / objection feedback has no place "
                    "in GIFT or Moodle XML; left out."
                )
                % {"label": str(question)}
            )
        plain.append(
            {
                "name": question.name,
                "prompt": question.prompt,
                "prompt_format": question.prompt_format,
                "kind": question.kind,
                "points": float(question.points),
                "general_feedback": question.explanation,
                "general_feedback_format": question.explanation_format,
                # Moodle's exporters write the course's top category path.
                "category": "$course$/top/" + quiz.title,
                "category_info": moodle.pop("category_info", ""),
                "idnumber": question.idnumber,
                "tags": sorted(tag.name for tag in question.tags.all()),
                "choices": [
                    {
                        "text": c.text,
                        "text_format": c.text_format,
                        "credit": float(c.credit),
                        "feedback": c.feedback,
                        "feedback_format": c.feedback_format,
                    }
                    for c in choices
                ],
                "data": data,
                "moodle": moodle,
            }
        )
    return plain, warnings


def export_quiz_gift(*, quiz: Quiz) -> tuple[str, list[str]]:
    """Write a quiz's questions as GIFT; return the text and what was left out."""
    plain, warnings = _plain_questions(quiz)
    text, export_warnings = gift.export(plain)
    return text, warnings + export_warnings


def export_quiz_moodlexml(*, quiz: Quiz) -> tuple[str, list[str]]:
    """Write a quiz's questions as Moodle XML, images embedded; return text and warnings."""
    plain, warnings = _plain_questions(quiz)
    prefix = media_prefix()
    text, export_warnings = moodlexml.export(
        plain, media_prefix=prefix, load_media=_load_media
    )
    return text, warnings + export_warnings


def export_questions(*, quiz: Quiz, fmt: str) -> tuple[str, list[str]]:
    """Write a quiz's questions in a format: gift or moodlexml."""
    if fmt == "gift":
        return export_quiz_gift(quiz=quiz)
    if fmt == "moodlexml":
        return export_quiz_moodlexml(quiz=quiz)
    raise QuestionImportError(
        _("Unknown format “%(f)s”: expected gift or moodlexml.") % {"f": fmt}
    )
