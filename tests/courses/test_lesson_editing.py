"""Editing a lesson in the admin: objectives per line, reading time, passage links kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses.anchors import moved_paragraphs
from courses.models import Lesson
from courses.rendering import reading_minutes
from tests.courses.factories import LessonFactory
from tests.quizzes.factories import QuizFactory, make_single_choice

pytestmark = pytest.mark.django_db

BODY = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph."


@pytest.mark.parametrize(
    ("new", "moves"),
    [
        (BODY, {}),
        # Edited in place: every anchor keeps its text.
        ("First paragraph.\n\nSecond, reworded.\n\nThird paragraph.", {}),
        # Appended at the end: nothing before it moves.
        (BODY + "\n\nFourth.", {}),
        # Inserted at the top: every old paragraph moves down one.
        ("New opening.\n\n" + BODY, {1: 2, 2: 3, 3: 4}),
        # The second deleted: it is gone and the third moves up.
        ("First paragraph.\n\nThird paragraph.", {2: None, 3: 2}),
        # Two swapped.
        ("Second paragraph.\n\nFirst paragraph.\n\nThird paragraph.", {1: 2, 2: 1}),
    ],
)
def test_moved_paragraphs_says_where_each_anchor_text_goes(new, moves):
    assert moved_paragraphs(BODY, new) == moves


def test_reading_time_comes_from_the_word_count():
    assert reading_minutes("word " * 10) == 1
    assert reading_minutes("word " * 401) == 3
    # Markdown and HTML are not words.
    assert reading_minutes("**" * 500 + "<br>" * 500 + " one two") == 1
    lesson = LessonFactory(body="word " * 1000)
    assert lesson.estimated_minutes == 5
    lesson.body = "short"
    lesson.save()
    lesson.refresh_from_db()
    assert lesson.estimated_minutes == 1


def _post(lesson: Lesson, **changes) -> dict:
    data = {
        "course": str(lesson.course_id),
        "position": str(lesson.position),
        "title": lesson.title,
        "slug": lesson.slug,
        "published": "on",
        "body": lesson.body,
        "objectives": "\n".join(lesson.objectives),
    }
    data.update(changes)
    return data


def _change_url(lesson: Lesson) -> str:
    return reverse("admin:courses_lesson_change", args=[lesson.pk])


def test_objectives_are_edited_one_per_line(admin_client):
    lesson = LessonFactory(body=BODY, objectives=["Name the costs.", "Weigh them."])
    page = admin_client.get(_change_url(lesson)).content.decode()
    assert "Name the costs.\nWeigh them.</textarea>" in page
    assert "[&quot;Name the costs" not in page  # no JSON in sight

    response = admin_client.post(
        _change_url(lesson),
        _post(lesson, objectives="  Explain remittances.\n\n\nWeigh brain drain.  \n"),
    )

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.objectives == ["Explain remittances.", "Weigh brain drain."]


def test_an_overlong_objective_is_an_error_on_the_field(admin_client):
    lesson = LessonFactory(body=BODY, objectives=["Keep."])
    response = admin_client.post(
        _change_url(lesson), _post(lesson, objectives="x" * 501)
    )
    assert response.status_code == 200
    assert "objectives" in response.context["adminform"].form.errors
    lesson.refresh_from_db()
    assert lesson.objectives == ["Keep."]


def test_an_edit_that_moves_linked_paragraphs_is_blocked_with_the_list(admin_client):
    lesson = LessonFactory(body=BODY)
    quiz = QuizFactory(course=lesson.course, lesson=lesson, title="Borders")
    linked = make_single_choice(quiz, lesson=lesson, paragraph=2, name="Who decides")

    response = admin_client.post(
        _change_url(lesson), _post(lesson, body="New opening.\n\n" + BODY)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert any("“Who decides” (quiz “Borders”)" in e for e in errors)
    assert any("paragraph 2, which would become paragraph 3" in e for e in errors)
    lesson.refresh_from_db()
    linked.refresh_from_db()
    assert lesson.body == BODY and linked.paragraph == 2


def test_ticking_move_links_moves_each_link_with_its_paragraph(admin_client):
    lesson = LessonFactory(body=BODY)
    quiz = QuizFactory(course=lesson.course, lesson=lesson)
    second = make_single_choice(quiz, lesson=lesson, paragraph=2)
    third = make_single_choice(quiz, lesson=lesson, paragraph=3)

    response = admin_client.post(
        _change_url(lesson),
        _post(lesson, body="First paragraph.\n\nThird paragraph.", move_links="on"),
    )

    assert response.status_code == 302
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.paragraph is None  # its paragraph was deleted
    assert third.paragraph == 2
    assert third.passage_url.endswith("#p2")


def test_an_edit_in_place_saves_without_asking(admin_client):
    lesson = LessonFactory(body=BODY)
    quiz = QuizFactory(course=lesson.course, lesson=lesson)
    linked = make_single_choice(quiz, lesson=lesson, paragraph=2)
    new = "First paragraph.\n\nSecond, clearer.\n\nThird paragraph.\n\nFourth."
    response = admin_client.post(_change_url(lesson), _post(lesson, body=new))
    assert response.status_code == 302
    linked.refresh_from_db()
    assert linked.paragraph == 2
