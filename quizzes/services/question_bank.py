"""Services: the question bank — import questions from GIFT files and export them."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils.text import slugify
from django.utils.translation import gettext as _

from courses.models import Course

from .. import gift, grading
from ..cache import forget_quizzes
from ..models import Choice, Question, Quiz

__all__ = [
    "ImportReport",
    "ImportedQuestion",
    "QuestionImportError",
    "default_essay_rubric",
    "export_quiz_gift",
    "import_gift",
]

logger = logging.getLogger(__name__)

NAME_LENGTH = Question._meta.get_field("name").max_length
TITLE_LENGTH = Quiz._meta.get_field("title").max_length
SLUG_LENGTH = Quiz._meta.get_field("slug").max_length
CREDIT_PLACES = Decimal(1).scaleb(-Choice._meta.get_field("credit").decimal_places)


class QuestionImportError(ValueError):
    """An import that cannot go ahead for a reason not tied to one line of the file."""


@dataclass(frozen=True)
class ImportedQuestion:
    """One question an import would create or has created."""

    line: int
    name: str
    kind: str
    excerpt: str
    answer_count: int
    id: int | None = None

    @property
    def kind_label(self) -> str:
        return str(Question.Kind(self.kind).label)


@dataclass
class ImportReport:
    """What an import would create (dry run) or created."""

    course: Course
    quiz_slug: str
    quiz_title: str
    quiz_created: bool
    dry_run: bool
    questions: list[ImportedQuestion] = field(default_factory=list)
    quiz: Quiz | None = None

    def summary(self) -> str:
        """Return one sentence saying what happened or would happen."""
        values = {
            "count": len(self.questions),
            "quiz": self.quiz_title,
            "slug": self.quiz_slug,
        }
        if self.dry_run:
            if self.quiz_created:
                text = _(
                    "Would create the quiz “%(quiz)s” (%(slug)s) with %(count)d questions."
                )
            else:
                text = _(
                    "Would add %(count)d questions to the quiz “%(quiz)s” (%(slug)s)."
                )
        elif self.quiz_created:
            text = _("Created the quiz “%(quiz)s” (%(slug)s) with %(count)d questions.")
        else:
            text = _("Added %(count)d questions to the quiz “%(quiz)s” (%(slug)s).")
        return text % values

    def lines(self) -> list[str]:
        """Return the summary and one line per question, for a terminal."""
        rows = [self.summary()]
        for item in self.questions:
            label = f"{item.name}: {item.excerpt}" if item.name else item.excerpt
            rows.append(
                f"  line {item.line:>4}  {item.kind:<17}  "
                + _("%(n)2d answers") % {"n": item.answer_count}
                + f"  {label}"
            )
        return rows


def default_essay_rubric() -> str:
    """Return the rubric an imported essay gets when its file gives none."""
    # GIFT has no rubric field, and a gradable essay needs one.
    return _("Answer the question in your own words; an instructor marks the answer.")


def _quiz_title(category: str, slug: str) -> str:
    # Moodle categories look like "$course$/top/Migration"; the last plain part names it.
    parts = [
        part.strip()
        for part in category.split("/")
        if part.strip() and not part.strip().startswith("$") and part.strip() != "top"
    ]
    return (parts[-1] if parts else slug)[:TITLE_LENGTH]


def _answer_count(question: gift.ParsedQuestion) -> int:
    if question.choices:
        return len(question.choices)
    if question.kind == Question.Kind.MATCHING:
        return len(question.data["pairs"]) + len(question.data["distractors"])
    return len(question.data.get("answers", []))


def _row_data(question: gift.ParsedQuestion) -> dict:
    data = dict(question.data)
    if question.kind == Question.Kind.ESSAY and not data.get("rubric"):
        data["rubric"] = question.general_feedback or default_essay_rubric()
    return data


def _validate(question: gift.ParsedQuestion, data: dict) -> None:
    # Choice ids only tell choices apart inside a key; rows get theirs on save.
    choices = [
        {"id": number, **choice}
        for number, choice in enumerate(question.choices, start=1)
    ]
    try:
        grading.validate_data(
            question.kind,
            data,
            choices if question.kind in Question.CHOICE_KINDS else None,
        )
    except grading.InvalidKey as exc:
        label = Question.Kind(question.kind).label
        raise gift.GiftError(question.line, f"{label}: {exc}") from exc


def _resolve_slug(quiz: str | None, parsed: list[gift.ParsedQuestion]) -> str:
    if quiz is None:
        category = next((q.category for q in parsed if q.category), "")
        quiz = slugify(_quiz_title(category, ""))[:SLUG_LENGTH]
        if not quiz:
            raise QuestionImportError(
                _("Give a quiz slug: the file names no $CATEGORY to take one from.")
            )
    try:
        validate_slug(quiz)
    except ValidationError as exc:
        raise QuestionImportError(
            _("“%(slug)s” is not a valid quiz slug.") % {"slug": quiz}
        ) from exc
    if len(quiz) > SLUG_LENGTH:
        raise QuestionImportError(
            _("A quiz slug has at most %(n)d characters.") % {"n": SLUG_LENGTH}
        )
    return quiz


@transaction.atomic
def import_gift(
    *,
    course: Course,
    quiz: str | None = None,
    text: str,
    dry_run: bool = False,
    user=None,
) -> ImportReport:
    """Import every question of a GIFT file into a quiz of the course, all or nothing."""
    # Raises gift.GiftError (with the line) for a file that does not parse or a
    # question that is not gradable, QuestionImportError for a bad quiz slug.
    parsed = gift.parse(text)
    if not parsed:
        raise QuestionImportError(_("The file holds no questions."))
    slug = _resolve_slug(quiz, parsed)
    rows_data = []
    for question in parsed:
        data = _row_data(question)
        _validate(question, data)
        rows_data.append(data)

    category = next((q.category for q in parsed if q.category), "")
    existing = Quiz.objects.filter(course=course, slug=slug).first()
    summaries = [
        ImportedQuestion(
            line=q.line,
            name=q.name,
            kind=q.kind,
            excerpt=gift.excerpt(q.prompt),
            answer_count=_answer_count(q),
        )
        for q in parsed
    ]
    if dry_run:
        return ImportReport(
            course=course,
            quiz_slug=slug,
            quiz_title=existing.title if existing else _quiz_title(category, slug),
            quiz_created=existing is None,
            dry_run=True,
            questions=summaries,
            quiz=existing,
        )

    target, created = Quiz.objects.get_or_create(
        course=course,
        slug=slug,
        defaults={"title": _quiz_title(category, slug), "published": False},
    )
    if not created:
        # Lock the quiz so two imports cannot take the same positions.
        target = Quiz.objects.select_for_update(of=("self",)).get(pk=target.pk)
    last = target.questions.aggregate(last=Max("position"))["last"]
    first_position = 1 if last is None else last + 1
    questions = Question.objects.bulk_create(
        [
            Question(
                quiz=target,
                position=first_position + index,
                kind=q.kind,
                name=q.name[:NAME_LENGTH],
                prompt=q.prompt,
                points=Decimal(str(q.points)),
                explanation=q.general_feedback,
                data=data,
            )
            for index, (q, data) in enumerate(zip(parsed, rows_data, strict=True))
        ]
    )
    # bulk_create sends no signals: the cached quiz (its question count) is told here.
    forget_quizzes([target.pk])
    Choice.objects.bulk_create(
        [
            Choice(
                question=row,
                position=position,
                text=choice["text"],
                credit=Decimal(str(choice["credit"])).quantize(CREDIT_PLACES),
                feedback=choice["feedback"],
            )
            for row, q in zip(questions, parsed, strict=True)
            for position, choice in enumerate(q.choices, start=1)
        ]
    )
    report = ImportReport(
        course=course,
        quiz_slug=slug,
        quiz_title=target.title,
        quiz_created=created,
        dry_run=False,
        questions=[
            dataclasses.replace(summary, id=row.pk)
            for summary, row in zip(summaries, questions, strict=True)
        ],
        quiz=target,
    )
    logger.info(
        "GIFT import by %s: %d questions into quiz %s",
        getattr(user, "pk", None),
        len(questions),
        target.pk,
    )
    return report


def export_quiz_gift(*, quiz: Quiz) -> tuple[str, list[str]]:
    """Write a quiz's questions as GIFT; return the text and what was left out."""
    questions = quiz.questions.order_by("position", "id").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
    )
    plain = []
    warnings = []
    for question in questions:
        data = dict(question.data or {})
        if question.kind == Question.Kind.ESSAY and data.get("rubric") in (
            question.explanation,
            default_essay_rubric(),
        ):
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
                    "in GIFT; left out."
                )
                % {"label": str(question)}
            )
        plain.append(
            {
                "name": question.name,
                "prompt": question.prompt,
                "prompt_format": gift.DEFAULT_FORMAT,
                "kind": question.kind,
                "points": float(question.points),
                "general_feedback": question.explanation,
                "category": quiz.title,
                "choices": [
                    {"text": c.text, "credit": float(c.credit), "feedback": c.feedback}
                    for c in choices
                ],
                "data": data,
            }
        )
    text, export_warnings = gift.export(plain)
    return text, warnings + export_warnings
