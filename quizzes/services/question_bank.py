"""Services: the question bank — import questions from GIFT and Moodle XML files."""

from __future__ import annotations

import dataclasses
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from courses.models import Course, Tradeoff

from .. import gift, grading, moodlexml
from ..cache import forget_quizzes
from ..models import Choice, Question, QuestionTag, Quiz
from .question_bank_report import ImportedQuestion, ImportReport

__all__ = [
    "FORMATS",
    "FORMAT_ERRORS",
    "ImportReport",
    "ImportedQuestion",
    "QuestionImportError",
    "default_essay_rubric",
    "format_from_name",
    "import_gift",
    "import_questions",
    "media_prefix",
]

FORMATS = ("gift", "moodlexml")
# The errors that name the line of the file where reading stopped.
FORMAT_ERRORS = (gift.GiftError, moodlexml.MoodleXmlError)

logger = logging.getLogger(__name__)

NAME_LENGTH = Question._meta.get_field("name").max_length
TITLE_LENGTH = Quiz._meta.get_field("title").max_length
SLUG_LENGTH = Quiz._meta.get_field("slug").max_length
CREDIT_PLACES = Decimal(1).scaleb(-Choice._meta.get_field("credit").decimal_places)


class QuestionImportError(ValueError):
    """An import that cannot go ahead for a reason not tied to one line of the file."""


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
    if question.kind == Question.Kind.ORDERING:
        return len(question.data["items"])
    return len(question.data.get("answers", []))


def media_prefix() -> str:
    """Return the URL prefix under which imported question media are served."""
    # Texts link to PREFIX + "question-media/<digest>/<name>" (quizzes.media_views).
    sample = reverse("quizzes:question-media", kwargs={"digest": "0" * 16, "name": "x"})
    return sample.removesuffix("question-media/" + "0" * 16 + "/x")


def format_from_name(name: str) -> str:
    """Guess a file's format from its name: .xml is Moodle XML, anything else GIFT."""
    return "moodlexml" if name.lower().endswith(".xml") else "gift"


def _row_data(question: gift.ParsedQuestion) -> dict:
    data = dict(question.data)
    moodle = dict(question.moodle)
    if question.kind == Question.Kind.ESSAY and not data.get("rubric"):
        # A gradable essay needs a rubric; the file gave none, so the export leaves
        # this one out again (while nobody has changed it).
        data["rubric"] = question.general_feedback or default_essay_rubric()
        moodle["made_rubric"] = data["rubric"]
    if question.category_info:
        moodle["category_info"] = question.category_info
    if moodle:
        # Moodle settings we do not grade by (penalty, hints, ...), kept for export.
        data["moodle"] = moodle
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


def _line_error(fmt: str, line: int, message: str) -> Exception:
    if fmt == "moodlexml":
        return moodlexml.MoodleXmlError(line, message)
    return gift.GiftError(line, message)


def _check_idnumbers(fmt: str, course: Course, parsed: list[gift.ParsedQuestion]):
    """Refuse an ID number used twice in the file or already used in the course."""
    seen: dict[str, int] = {}
    for question in parsed:
        if not question.idnumber:
            continue
        if question.idnumber in seen:
            raise _line_error(
                fmt,
                question.line,
                _("the ID number “%(id)s” is already used at line %(first)d")
                % {"id": question.idnumber, "first": seen[question.idnumber]},
            )
        seen[question.idnumber] = question.line
    taken = dict(
        Question.objects.filter(quiz__course=course, idnumber__in=seen).values_list(
            "idnumber", "quiz__title"
        )
    )
    for question in parsed:
        if question.idnumber in taken:
            raise _line_error(
                fmt,
                question.line,
                _(
                    "the ID number “%(id)s” is already used in this course (quiz "
                    "“%(quiz)s”): ID numbers are unique per course"
                )
                % {"id": question.idnumber, "quiz": taken[question.idnumber]},
            )


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


def _parse(fmt: str, content: str | bytes):
    if fmt == "gift":
        if isinstance(content, bytes):
            content = content.decode("utf-8-sig")
        return gift.parse(content), []
    if fmt == "moodlexml":
        return moodlexml.parse(content, media_prefix=media_prefix())
    raise QuestionImportError(
        _("Unknown format “%(f)s”: expected gift or moodlexml.") % {"f": fmt}
    )


def _link_tags(questions: list[Question], parsed: list[gift.ParsedQuestion]) -> None:
    """Tag the questions, and link those tagged with a tradeoff's slug to it."""
    names = sorted({tag for q in parsed for tag in q.tags})
    if not names:
        return
    QuestionTag.objects.bulk_create(
        [QuestionTag(name=name) for name in names], ignore_conflicts=True
    )
    tag_ids = dict(QuestionTag.objects.filter(name__in=names).values_list("name", "pk"))
    tradeoff_ids = dict(
        Tradeoff.objects.filter(slug__in=names).values_list("slug", "pk")
    )
    Question.tags.through.objects.bulk_create(
        [
            Question.tags.through(question=row, questiontag_id=tag_ids[tag])
            for row, q in zip(questions, parsed, strict=True)
            for tag in dict.fromkeys(q.tags)
        ]
    )
    Question.tradeoffs.through.objects.bulk_create(
        [
            Question.tradeoffs.through(question=row, tradeoff_id=tradeoff_ids[tag])
            for row, q in zip(questions, parsed, strict=True)
            for tag in dict.fromkeys(q.tags)
            if tag in tradeoff_ids
        ]
    )


def _store_media(files: list[moodlexml.MediaFile]) -> None:
    # Content-addressed: a file already stored is the same file, and a failed import
    # leaves at most an unused copy, never a question pointing nowhere.
    for media in files:
        if not default_storage.exists(media.path):
            default_storage.save(media.path, ContentFile(media.content))


def import_gift(**kwargs) -> ImportReport:
    """Import a GIFT file (the `import_questions` of format gift)."""
    return import_questions(fmt="gift", **kwargs)


@transaction.atomic
def import_questions(
    *,
    course: Course,
    quiz: str | None = None,
    text: str | bytes,
    fmt: str = "gift",
    dry_run: bool = False,
    user=None,
) -> ImportReport:
    """Import every question of a GIFT or Moodle XML file into a quiz, all or nothing."""
    # Raises GiftError / MoodleXmlError (with the line) for a file that does not parse
    # or a question that is not gradable, QuestionImportError for a bad quiz slug.
    parsed, files = _parse(fmt, text)
    if not parsed:
        raise QuestionImportError(_("The file holds no questions."))
    slug = _resolve_slug(quiz, parsed)
    rows_data = []
    for question in parsed:
        data = _row_data(question)
        try:
            _validate(question, data)
        except gift.GiftError as exc:
            raise _line_error(fmt, exc.line, exc.message) from exc
        rows_data.append(data)
    if not dry_run and any(q.idnumber for q in parsed):
        # ID numbers are unique per course, which no constraint can say across quizzes:
        # imports that bring some into one course take turns.
        Course.objects.select_for_update().filter(pk=course.pk).first()
    _check_idnumbers(fmt, course, parsed)

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
    _store_media(files)
    questions = Question.objects.bulk_create(
        [
            Question(
                quiz=target,
                position=first_position + index,
                kind=q.kind,
                name=q.name[:NAME_LENGTH],
                prompt=q.prompt,
                prompt_format=q.prompt_format,
                idnumber=q.idnumber,
                points=Decimal(str(q.points)),
                explanation=q.general_feedback,
                explanation_format=q.general_feedback_format,
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
                text_format=choice.get("text_format") or q.prompt_format,
                credit=Decimal(str(choice["credit"])).quantize(CREDIT_PLACES),
                feedback=choice["feedback"],
                feedback_format=choice.get("feedback_format") or q.prompt_format,
            )
            for row, q in zip(questions, parsed, strict=True)
            for position, choice in enumerate(q.choices, start=1)
        ]
    )
    _link_tags(questions, parsed)
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
        "%s import by %s: %d questions into quiz %s",
        fmt,
        getattr(user, "pk", None),
        len(questions),
        target.pk,
    )
    return report
