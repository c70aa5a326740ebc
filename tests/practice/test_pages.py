"""The practice pages: who may open them, feedback after each answer, no key leaks,
double clicks, the course page's mastery, and constant query counts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from practice.handles import handles_for
from practice.models import PracticeSet, ReviewLog
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.courses.factories import CourseFactory
from tests.helpers.queries import count_get
from tests.practice.conftest import build, right_choice, wrong_choice

pytestmark = pytest.mark.django_db


def _course_url(practice, **query):
    url = reverse("practice:course", kwargs={"course_slug": practice.course.slug})
    return url + (f"?tradeoff={query['tradeoff']}" if query else "")


def _start(client, practice, **data) -> PracticeSet:
    response = client.post(
        reverse("practice:start", kwargs={"course_slug": practice.course.slug}), data
    )
    assert response.status_code == 302, response.content[:300]
    return PracticeSet.objects.get(pk=int(response.url.strip("/").split("/")[-1]))


def _post_choice(client, practice_set, item, choice):
    handles = handles_for(practice_set, [item.question])
    return client.post(
        reverse(
            "practice:answer", kwargs={"pk": practice_set.pk, "position": item.position}
        ),
        {f"q{item.question_id}_choice": handles.of(item.question_id, choice.pk)},
    )


def test_anonymous_visitors_are_sent_to_log_in(client, practice):
    response = client.get(_course_url(practice))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


@pytest.mark.parametrize("who", ["stranger", "instructor"])
def test_only_enrolled_students_open_a_courses_practice(client, practice, who):
    client.force_login(UserFactory() if who == "stranger" else InstructorFactory())
    assert client.get(_course_url(practice)).status_code == 403
    start = reverse("practice:start", kwargs={"course_slug": practice.course.slug})
    assert client.post(start).status_code == 403
    assert not PracticeSet.objects.exists()


def test_a_draft_course_or_unknown_tradeoff_is_not_found(client, practice):
    client.force_login(practice.student)
    draft = CourseFactory(status="draft")
    url = reverse("practice:course", kwargs={"course_slug": draft.slug})
    assert client.get(url).status_code == 404
    assert client.get(_course_url(practice) + "?tradeoff=nope").status_code == 404


def test_another_students_set_is_not_found(client, practice):
    client.force_login(practice.student)
    practice_set = _start(client, practice)
    item = practice_set.items.select_related("question").first()
    other = build(course=practice.course)
    client.force_login(other.student)
    assert client.get(practice_set.get_absolute_url()).status_code == 404
    assert (
        _post_choice(
            client, practice_set, item, right_choice(item.question)
        ).status_code
        == 404
    )
    assert not ReviewLog.objects.exists()


def test_a_set_gives_feedback_after_each_answer_and_never_another_items_key(
    client, practice
):
    client.force_login(practice.student)
    page = client.get(_course_url(practice))
    assert page.status_code == 200
    assert b"Start today" in page.content
    practice_set = _start(client, practice)
    items = list(practice_set.items.select_related("question").order_by("position"))
    first = client.get(practice_set.get_absolute_url()).content.decode()
    # Before any answer: the first question, by handles, without feedback or keys.
    assert "fb-sc" not in first and "gains-sc" not in first
    for choice in items[0].question.choices.all():
        assert f'value="{choice.pk}"' not in first

    response = _post_choice(
        client, practice_set, items[0], wrong_choice(items[0].question)
    )
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    marker = re.search(r"(q\d+-)fb-sc-wrong", html).group(1)
    assert f"{marker}fb-sc-wrong" in html  # the feedback on the pick
    assert "Cooperate on asylum" in html  # the key of this question
    others = [m for m in re.findall(r"(q\d+-)(?:fb|gains|costs|objection)", html)]
    assert set(others) == {marker}  # nothing of any other question
    assert "1 of" in html


def test_a_double_click_marks_one_answer_once(client, practice):
    client.force_login(practice.student)
    practice_set = _start(client, practice)
    item = practice_set.items.select_related("question").first()
    first = _post_choice(client, practice_set, item, right_choice(item.question))
    second = _post_choice(client, practice_set, item, wrong_choice(item.question))
    assert first.status_code == second.status_code == 302
    assert ReviewLog.objects.count() == 1
    item.refresh_from_db()
    assert item.score == 1


def test_an_empty_answer_is_a_form_error(client, practice):
    client.force_login(practice.student)
    practice_set = _start(client, practice)
    url = reverse("practice:answer", kwargs={"pk": practice_set.pk, "position": 1})
    response = client.post(url, {})
    assert response.status_code == 400
    assert b"Answer the question first." in response.content
    assert not ReviewLog.objects.exists()


def test_the_whole_set_ends_with_a_summary(client, practice):
    client.force_login(practice.student)
    practice_set = _start(client, practice)
    for item in practice_set.items.select_related("question"):
        _post_choice(client, practice_set, item, right_choice(item.question))
    html = client.get(practice_set.get_absolute_url()).content.decode()
    assert "Done for today" in html
    # Coming back the same day resumes the finished set instead of a new one.
    again = client.get(_course_url(practice)).content.decode()
    assert "Continue today" in again


def test_the_course_page_shows_mastery_from_quizzes_and_practice_apart(
    client, practice
):
    client.force_login(practice.student)
    practice_set = _start(client, practice, tradeoff=practice.security.pk)
    for item in practice_set.items.select_related("question"):
        _post_choice(client, practice_set, item, right_choice(item.question))
    html = client.get(practice.course.get_absolute_url()).content.decode()
    assert 'data-testid="practice-link"' in html
    row = re.search(
        r"<th scope=\"row\">Security ↔ Human rights</th>(.*?)</tr>", html, re.S
    )
    cells = row.group(1)
    assert "0%" in cells  # quizzes: every security question missed
    assert "100% (practice, 3 questions)" in cells
    assert f"?tradeoff={practice.security.pk}" in cells


def test_no_practice_panel_for_a_visitor_who_is_not_enrolled(client, practice):
    client.force_login(UserFactory())
    html = client.get(practice.course.get_absolute_url()).content.decode()
    assert "practice-link" not in html


def _grown(n_questions: int):
    setup = build(n_questions)
    # More history: a second finished quiz with its own questions.
    build(n_questions, student=setup.student, course=setup.course)
    return setup


def test_practice_pages_cost_the_same_queries_at_two_sizes(client):
    counts = []
    for size in (3, 12):
        setup = _grown(size)
        client.force_login(setup.student)
        practice_set = _start(client, setup)
        items = list(practice_set.items.select_related("question"))
        for item in items[:2]:
            _post_choice(client, practice_set, item, right_choice(item.question))
        counts.append(
            (
                count_get(client, _course_url(setup)),
                count_get(client, practice_set.get_absolute_url()),
                count_get(client, setup.course.get_absolute_url()),
            )
        )
    print("practice page, set page, course page queries:", counts)
    assert counts[0] == counts[1], counts
