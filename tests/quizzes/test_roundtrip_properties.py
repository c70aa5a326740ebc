"""Property tests: GIFT -> us -> GIFT and Moodle XML -> us -> Moodle XML keep every question."""

from __future__ import annotations

import itertools
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import Course
from quizzes import gift, moodlexml, services
from quizzes.gift import ParsedQuestion
from quizzes.models import Quiz

FORMATS = ["html", "markdown", "plain", "moodle"]
# Every GIFT control character is in here, so escaping is exercised; '>' stays out
# because '->' cannot stand in a matching prompt, '_' because '_____' marks a blank.
ALPHABET = "abcXYZ019 ~=#{}:\\[]%*/<&'\"\n"

words = (
    st.text(alphabet=ALPHABET, min_size=1, max_size=30)
    .map(str.strip)
    .filter(lambda text: any(c.isalnum() for c in text))
)
plain_words = st.text(alphabet="abcdefXYZ0123-", min_size=1, max_size=12)
formats = st.sampled_from(FORMATS)
maybe_feedback = st.one_of(st.just(""), words)


@st.composite
def feedback_pair(draw, default: str):
    text = draw(maybe_feedback)
    return text, (draw(formats) if text else default)


@st.composite
def choice(draw, credit: float, default: str):
    feedback, feedback_format = draw(feedback_pair(default))
    return {
        "text": draw(words),
        "text_format": draw(formats),
        "credit": credit,
        "feedback": feedback,
        "feedback_format": feedback_format,
    }


@st.composite
def question(draw, *, xml: bool):
    kinds = [
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "numeric",
        "matching",
        "essay",
    ]
    kind = draw(st.sampled_from([*kinds, "ordering"] if xml else kinds))
    fmt = draw(formats)
    general, general_format = draw(feedback_pair(fmt))
    q = ParsedQuestion(
        name=draw(plain_words if xml else st.one_of(st.just(""), plain_words)),
        prompt=draw(words),
        prompt_format=fmt,
        kind=kind,
        points=draw(st.sampled_from([1.0, 2.0, 0.5])) if xml else 1.0,
        general_feedback=general,
        general_feedback_format=general_format,
        idnumber=draw(st.one_of(st.just(""), plain_words.map(lambda w: w + "]x"))),
        tags=draw(st.lists(plain_words, max_size=3)),
    )
    if kind == "single_choice":
        others = draw(
            st.lists(st.sampled_from([0.0, 0.25, 0.5]), min_size=1, max_size=3)
        )
        credits = [1.0, *others]
        q.choices = [draw(choice(c, fmt)) for c in credits]
    elif kind == "multiple_response":
        positive = draw(st.sampled_from([[1.0], [0.5, 0.5], [0.25, 0.75]]))
        negative = draw(st.lists(st.sampled_from([0.0, -0.5, -1.0]), max_size=2))
        credits = positive + negative
        if len(credits) < 2:
            credits.append(-1.0)
        q.choices = [draw(choice(c, fmt)) for c in credits]
    elif kind == "true_false":
        true_credit = draw(st.sampled_from([1.0, 0.0]))
        q.choices = []
        for text, credit in (("True", true_credit), ("False", 1.0 - true_credit)):
            feedback, feedback_format = draw(feedback_pair(fmt))
            q.choices.append(
                {
                    "text": text,
                    "text_format": "moodle" if xml else fmt,
                    "credit": credit,
                    "feedback": feedback,
                    "feedback_format": feedback_format,
                }
            )
        if not xml and not q.choices[0]["feedback"] + q.choices[1]["feedback"]:
            pass
    elif kind == "short_answer":
        answers = []
        for credit in [1.0, *draw(st.lists(st.sampled_from([0.5, 0.25]), max_size=2))]:
            feedback, feedback_format = draw(feedback_pair(fmt))
            answer = {
                "text": draw(words).replace("*", "x"),
                "credit": credit,
                "feedback": feedback,
                "feedback_format": feedback_format,
            }
            if xml:
                answer["text_format"] = "moodle"
            answers.append(answer)
        wrong = draw(maybe_feedback)
        q.data = {"answers": answers, "feedback_wrong": wrong}
        if xml and wrong:
            q.moodle = {"wrong_format": "moodle"}
    elif kind == "numeric":
        answers = []
        for credit in [1.0, *draw(st.lists(st.sampled_from([0.5]), max_size=1))]:
            feedback, feedback_format = draw(feedback_pair(fmt))
            answers.append(
                {
                    "value": draw(
                        st.one_of(
                            st.integers(-5000, 5000),
                            st.sampled_from([0.5, 3.25, -1.75]),
                        )
                    ),
                    "tolerance": draw(st.sampled_from([0, 1, 0.5])),
                    "credit": credit,
                    "feedback": feedback,
                    "feedback_format": feedback_format,
                }
            )
        wrong = draw(maybe_feedback)
        q.data = {"answers": answers, "feedback_wrong": wrong}
        if xml and wrong:
            q.moodle = {"wrong_format": "moodle"}
    elif kind == "matching":
        answers = draw(st.lists(plain_words, min_size=3, max_size=5, unique=True))
        pairs = [
            {
                "id": f"m{n}",
                "prompt": draw(words),
                "prompt_format": draw(formats),
                "answer": answer,
            }
            for n, answer in enumerate(answers[:-1], start=1)
        ]
        q.data = {"pairs": pairs, "distractors": answers[-1:]}
    elif kind == "essay":
        q.data = (
            {"rubric": draw(words), "min_words": draw(st.integers(0, 300))}
            if xml
            else {"rubric": "", "min_words": 0}
        )
    else:
        texts = draw(st.lists(words, min_size=2, max_size=5))
        q.data = {
            "items": [
                {"id": n, "text": text, "text_format": "moodle"}
                for n, text in enumerate(texts, start=1)
            ]
        }
    return q


def _comparable(questions, *, keep_moodle: bool = True):
    rows = []
    for q in questions:
        row = q.to_dict()
        row["line"] = 0
        if not keep_moodle:
            row.pop("moodle")
        rows.append(row)
    return rows


PROPERTY = settings(
    max_examples=int(os.environ.get("ROUNDTRIP_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(st.lists(question(xml=False), min_size=1, max_size=4))
def test_gift_export_then_parse_gives_back_the_same_questions(questions):
    text, warnings = gift.export(questions)

    assert warnings == []
    assert _comparable(gift.parse(text)) == _comparable(questions)


@PROPERTY
@given(st.lists(question(xml=True), min_size=1, max_size=4))
def test_moodle_xml_export_then_parse_gives_back_the_same_questions(questions):
    text, warnings = moodlexml.export(questions)
    first, _files = moodlexml.parse(text)

    assert warnings == []
    # Moodle's default settings are added on the way out; everything else is ours.
    assert _comparable(first, keep_moodle=False) == _comparable(
        questions, keep_moodle=False
    )
    again, _files = moodlexml.parse(moodlexml.export(first)[0])
    assert _comparable(again) == _comparable(first)


# ---------------------------------------------------------------- through the database

_courses = itertools.count()


def _through_database(questions, fmt: str):
    """Import the questions into a fresh course's quiz, export them, parse the export."""
    course = Course.objects.create(slug=f"c{next(_courses)}", title="Course")
    for number, q in enumerate(questions):
        if q.idnumber:
            q.idnumber = f"{q.idnumber}{number}"  # unique per course, as Moodle's
    if fmt == "gift":
        content = gift.export(questions)[0]
    else:
        content = moodlexml.export(questions)[0].encode()
    services.import_questions(course=course, quiz="bank", text=content, fmt=fmt)
    quiz = Quiz.objects.get(course=course, slug="bank")
    text, warnings = services.export_questions(quiz=quiz, fmt=fmt)
    assert warnings == []
    if fmt == "gift":
        return gift.parse(text), gift.parse(content)
    return moodlexml.parse(text)[0], moodlexml.parse(content)[0]


def _as_stored(questions):
    rows = []
    for row in _comparable(questions):
        row["category"] = row["category_info"] = ""
        row["tags"] = sorted(set(row["tags"]))
        rows.append(row)
    return rows


DATABASE_PROPERTY = settings(
    max_examples=int(os.environ.get("ROUNDTRIP_DB_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.mark.django_db
@DATABASE_PROPERTY
@given(st.lists(question(xml=False), min_size=1, max_size=3))
def test_gift_through_our_database_gives_back_the_same_questions(questions):
    back, sent = _through_database(questions, "gift")

    assert _as_stored(back) == _as_stored(sent)


@pytest.mark.django_db
@DATABASE_PROPERTY
@given(st.lists(question(xml=True), min_size=1, max_size=3))
def test_moodle_xml_through_our_database_gives_back_the_same_questions(questions):
    back, sent = _through_database(questions, "moodlexml")

    assert _as_stored(back) == _as_stored(sent)
