"""The course progress chart: the pure SVG renderer, and the chart on the course page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from courses.charts import LessonMark, progress_chart_svg, progress_summary
from tests.accounts.factories import UserFactory
from tests.courses.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonCompletionFactory,
    LessonFactory,
)

SVG = "{http://www.w3.org/2000/svg}"

LESSONS = [
    LessonMark(title="Why people move", done=True),
    LessonMark(title="Borders & security", done=True),
    LessonMark(title="Labour markets", done=False),
]


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def _bars(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{SVG}g/{SVG}rect")


def test_chart_is_an_image_named_by_its_summary():
    root = _parse(progress_chart_svg(LESSONS))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Course progress: 2 of 3 lessons completed"


def test_chart_draws_one_bar_per_lesson_in_order_with_a_title_each():
    root = _parse(progress_chart_svg(LESSONS))
    bars = _bars(root)
    assert [bar.find(f"{SVG}title").text for bar in bars] == [
        "Lesson 1: Why people move (completed)",
        "Lesson 2: Borders & security (completed)",
        "Lesson 3: Labour markets (not completed)",
    ]
    xs = [float(bar.get("x")) for bar in bars]
    assert xs == sorted(xs) and len(set(xs)) == 3


def test_done_bars_are_filled_and_pending_bars_are_outlined():
    root = _parse(progress_chart_svg(LESSONS))
    groups = root.findall(f"{SVG}g")
    states = [group.get("class").split()[-1] for group in groups]
    assert states == [
        "progress-chart__lesson--done",
        "progress-chart__lesson--done",
        "progress-chart__lesson--pending",
    ]
    fills = [group.find(f"{SVG}rect").get("fill") for group in groups]
    assert fills[0] == fills[1] != fills[2]
    assert fills[2] == "#ffffff"


def test_chart_uses_no_style_attributes_or_scripts():
    markup = progress_chart_svg(LESSONS)
    root = _parse(markup)
    assert all("style" not in element.attrib for element in root.iter())
    assert "<script" not in markup and "<style" not in markup


def test_lesson_titles_are_escaped():
    markup = progress_chart_svg(
        [LessonMark(title='<img src=x onerror="1">', done=False)]
    )
    assert "<img" not in markup
    bar_title = _bars(_parse(markup))[0].find(f"{SVG}title").text
    assert bar_title == 'Lesson 1: <img src=x onerror="1"> (not completed)'


def test_width_grows_with_the_number_of_lessons():
    one = _parse(progress_chart_svg(LESSONS[:1]))
    three = _parse(progress_chart_svg(LESSONS))
    assert int(three.get("width")) > int(one.get("width"))
    assert three.get("viewBox") == f"0 0 {three.get('width')} {three.get('height')}"


def test_no_lessons_draws_nothing():
    assert progress_chart_svg([]) == ""


def test_summary_says_singular_for_one_lesson():
    assert (
        progress_summary([LessonMark(title="Only", done=False)])
        == "Course progress: 0 of 1 lesson completed"
    )


@pytest.mark.django_db
def test_course_page_shows_the_chart_of_the_enrolled_student(client):
    course = CourseFactory()
    lessons = [LessonFactory(course=course, position=n) for n in (1, 2, 3)]
    LessonFactory(course=course, position=4, published=False, title="Draft lesson")
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    LessonCompletionFactory(user=student, lesson=lessons[0])
    client.force_login(student)
    response = client.get(course.get_absolute_url())
    html = response.text
    assert response.status_code == 200
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    root = _parse(svg)
    assert root.get("aria-label") == "Course progress: 1 of 3 lessons completed"
    titles = [bar.find(f"{SVG}title").text for bar in _bars(root)]
    assert titles == [
        f"Lesson 1: {lessons[0].title} (completed)",
        f"Lesson 2: {lessons[1].title} (not completed)",
        f"Lesson 3: {lessons[2].title} (not completed)",
    ]
    assert " style=" not in html


@pytest.mark.django_db
def test_course_page_has_no_chart_before_enrolling(client):
    course = CourseFactory()
    LessonFactory(course=course)
    client.force_login(UserFactory())
    assert "progress-chart" not in client.get(course.get_absolute_url()).text
    client.logout()
    assert "progress-chart" not in client.get(course.get_absolute_url()).text
