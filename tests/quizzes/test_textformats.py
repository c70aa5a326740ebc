"""Each Moodle text format renders as Moodle renders it, through the same sanitiser."""

import pytest

from quizzes import grading, presentation
from quizzes.templatetags.quiz_tags import feedback_items
from quizzes.textformats import moodle_auto_format, render_text
from tests.quizzes.factories import QuizFactory, make_single_choice


def test_markdown_renders_as_the_lessons_do():
    assert render_text("*a*", "markdown") == "<p><em>a</em></p>"


def test_html_is_kept_and_sanitised_with_images():
    html = (
        '<p onclick="x()">Hi <img src="/media/a.png" alt="A"><script>bad()</script></p>'
    )

    assert render_text(html, "html") == '<p>Hi <img src="/media/a.png" alt="A"></p>'


def test_plain_text_is_escaped_with_its_spaces_and_line_breaks():
    assert render_text("a <b>\nx  y", "plain") == "a &lt;b&gt;<br />\nx&nbsp; y"


def test_moodle_auto_format_breaks_lines_and_wraps_like_text_to_html():
    assert moodle_auto_format("one\ntwo") == (
        '<div class="text_to_html">one<br />\ntwo</div>'
    )
    assert render_text("one\n<b>two</b>\nthree", "moodle") == (
        '<div class="text_to_html">one <b>two</b> three</div>'
    )


def test_moodle_auto_format_is_sanitised():
    assert "script" not in render_text("<script>x()</script>hi", "moodle")


def test_pre_keeps_its_indentation_in_html():
    assert render_text("<pre>a\n    b</pre>", "html") == "<pre>a\n    b</pre>"


def test_an_unknown_format_falls_back_to_markdown():
    assert render_text("*a*", "rtf") == "<p><em>a</em></p>"


@pytest.mark.django_db
def test_the_student_sees_prompt_and_choices_rendered_by_their_formats():
    quiz = QuizFactory()
    question = make_single_choice(
        quiz, prompt="<p>Pick <b>one</b><script>x()</script></p>", prompt_format="html"
    )
    first, second = question.choices.order_by("position")[:2]
    first.text, first.text_format = "a <b>", "plain"
    second.text, second.text_format = "*b*", "markdown"
    first.save()
    second.save()

    view = presentation.question_for_student(question, {}, 1)

    assert view["prompt_html"] == "<p>Pick <b>one</b></p>"
    labels = {c["text"]: c["text_html"] for c in view["choices"]}
    assert labels["a <b>"] == "a &lt;b&gt;"
    assert labels["*b*"] == "<em>b</em>"


def test_feedback_keeps_its_format_and_the_review_renders_it():
    key = {
        "kind": "single_choice",
        "points": 1.0,
        "choices": [
            {
                "id": 1,
                "text": "a",
                "credit": 1.0,
                "feedback": "<b>Yes</b>",
                "feedback_format": "html",
            },
            {
                "id": 2,
                "text": "b",
                "credit": 0.0,
                "feedback": "*no*",
                "feedback_format": "markdown",
            },
        ],
        "data": {},
    }

    right = grading.grade(key, {"choice": 1}).feedback
    wrong = grading.grade(key, {"choice": 2}).feedback

    assert right[0]["format"] == "html"
    assert "format" not in wrong[0]  # Markdown feedback stays as it always was
    question = {
        "choices": [{"id": 1, "text": "a"}],
        "review": {"feedback": right},
    }
    [item] = feedback_items(question)
    assert item["html"] == "<b>Yes</b>"
