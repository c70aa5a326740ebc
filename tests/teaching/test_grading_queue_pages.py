"""The grading queue's keyset pages: forward, back, answers scored between pages, counts."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Response
from teaching import queue, selectors
from tests.helpers.factories import (
    AssignmentFactory,
    EssayQuestionFactory,
    QuizFactory,
    cohort_with,
)
from tests.helpers.queries import count_get

pytestmark = pytest.mark.django_db


def _waiting(cohort, quiz, questions, students, now, *, same_time_every=3):
    """Answers waiting for a score, bulk made: several per attempt, many submitted at
    the same moment (so the order's later columns decide)."""
    attempts = Attempt.objects.bulk_create(
        Attempt(
            quiz=quiz,
            student=student,
            number=1,
            state=Attempt.State.NEEDS_REVIEW,
            started_at=now - timedelta(hours=2),
            submitted_at=now - timedelta(minutes=index // same_time_every),
            score=Decimal(0),
            max_score=Decimal(10),
        )
        for index, student in enumerate(students)
    )
    Response.objects.bulk_create(
        Response(
            attempt=attempt,
            question=question,
            answer={"text": "Both."},
            auto_score=Decimal(0),
            score=Decimal(0),
            max_score=question.points,
            needs_manual=True,
        )
        for attempt in attempts
        for question in questions
    )


@pytest.fixture
def setup():
    now = timezone.now()
    cohort, instructor, students = cohort_with(students=20)
    quiz = QuizFactory(course=cohort.course)
    AssignmentFactory(cohort=cohort, quiz=quiz)
    questions = [EssayQuestionFactory(quiz=quiz, position=p) for p in (2, 1, 3)]
    _waiting(cohort, quiz, questions, students, now)
    return cohort, instructor, quiz


def _walk(queryset, size):
    pages, page = [], queue.queue_page(queryset, size=size)
    pages.append(page)
    while page.has_next:
        page = queue.queue_page(
            queryset, after=queue.QueueKey.parse(page.next_token), size=size
        )
        pages.append(page)
    return pages


def test_forward_pages_cover_the_queue_once_in_its_order(setup):
    _cohort, instructor, _quiz = setup
    waiting = selectors.grading_queue(user=instructor)
    whole = list(waiting)
    assert len(whole) == 60
    pages = _walk(waiting, 7)
    assert [r.pk for p in pages for r in p.items] == [r.pk for r in whole]
    assert [len(p.items) for p in pages] == [7] * 8 + [4]
    assert not pages[0].has_previous and all(p.has_previous for p in pages[1:])
    assert not pages[-1].has_next


def test_previous_pages_come_back_the_same(setup):
    _cohort, instructor, _quiz = setup
    waiting = selectors.grading_queue(user=instructor)
    pages = _walk(waiting, 7)
    for earlier, later in zip(pages, pages[1:], strict=False):
        back = queue.queue_page(
            waiting, before=queue.QueueKey.parse(later.previous_token), size=7
        )
        assert [r.pk for r in back.items] == [r.pk for r in earlier.items]
        assert back.has_next and back.has_previous == earlier.has_previous


def test_answers_scored_between_pages_neither_skip_nor_repeat(setup):
    _cohort, instructor, _quiz = setup
    waiting = selectors.grading_queue(user=instructor)
    before = [r.pk for r in waiting]
    first = queue.queue_page(waiting, size=10)
    # The instructor scores three answers of the page seen, and one further on.
    scored = [r.pk for r in first.items[:3]] + [before[14]]
    Response.objects.filter(pk__in=scored).update(manual_score=Decimal(1))
    second = queue.queue_page(
        selectors.grading_queue(user=instructor),
        after=queue.QueueKey.parse(first.next_token),
        size=10,
    )
    expected = [pk for pk in before[10:] if pk not in scored][:10]
    assert [r.pk for r in second.items] == expected
    # Back from the second page: the first page's answers still waiting, then
    # the first page itself (short now), never the scored ones.
    back = queue.queue_page(
        selectors.grading_queue(user=instructor),
        before=queue.QueueKey.parse(second.previous_token),
        size=10,
    )
    assert [r.pk for r in back.items] == [pk for pk in before if pk not in scored][:10]
    assert not back.has_previous


def test_the_page_links_forward_and_back_and_keeps_the_filters(client, setup):
    cohort, instructor, quiz = setup
    client.force_login(instructor)
    url = reverse("instructor:queue")
    seen, params, pages = [], {"cohort": cohort.pk, "quiz": quiz.pk}, 0
    while True:
        page = client.get(url, params)
        assert page.status_code == 200
        pages += 1
        seen += re.findall(r"instructor/grading/responses/(\d+)/", page.text)
        link = re.search(r'rel="next" href="\?([^"]+)"', page.text)
        if not link:
            break
        params = dict(
            part.split("=") for part in html.unescape(link.group(1)).split("&")
        )
        assert params["cohort"] == str(cohort.pk) and params["quiz"] == str(quiz.pk)
    ordered = [str(r.pk) for r in selectors.grading_queue(user=instructor)]
    assert pages == 3 and seen == ordered
    assert "60 answers wait for a score" in page.text
    back = re.search(r'rel="prev" href="\?([^"]+)"', page.text).group(1)
    previous = client.get(url + "?" + html.unescape(back))
    ids = re.findall(r"instructor/grading/responses/(\d+)/", previous.text)
    assert ids == ordered[25:50]


def test_a_page_key_that_is_not_one_is_a_400(client, setup):
    _cohort, instructor, _quiz = setup
    client.force_login(instructor)
    for token in ("x", "1.2.3", "1.2.3.z", "99999999999999999999999.1.1.1"):
        page = client.get(reverse("instructor:queue"), {"after": token})
        assert page.status_code == 400, token


def test_another_instructor_pages_nothing_of_mine(client, setup):
    cohort, _instructor, _quiz = setup
    stranger = cohort_with()[1]
    client.force_login(stranger)
    assert "Nothing to grade" in client.get(reverse("instructor:queue")).text
    page = client.get(reverse("instructor:queue"), {"after": "0.0.0.0"})
    assert "Nothing to grade" in page.text


def test_queries_and_the_bounded_count_do_not_grow_with_the_queue(client, monkeypatch):
    monkeypatch.setattr(queue, "COUNT_LIMIT", 40)
    now = timezone.now()
    cohort, instructor, students = cohort_with(students=30)
    quiz = QuizFactory(course=cohort.course)
    AssignmentFactory(cohort=cohort, quiz=quiz)
    question = EssayQuestionFactory(quiz=quiz)
    _waiting(cohort, quiz, [question], students[:10], now)
    client.force_login(instructor)
    url = reverse("instructor:queue")
    few = count_get(client, url), count_get(client, f"{url}?cohort={cohort.pk}")
    assert "10 answers wait" in client.get(url).text
    _waiting(cohort, quiz, [question], students[10:], now - timedelta(days=1))
    other = QuizFactory(course=cohort.course)
    _waiting(cohort, other, [EssayQuestionFactory(quiz=other)], students, now)
    many = count_get(client, url), count_get(client, f"{url}?cohort={cohort.pk}")
    assert few == many
    page = client.get(url, {"cohort": cohort.pk})
    assert "More than 40 answers wait for a score" in page.text
    assert "(40+)" in page.text  # the cohort's count, capped too
    assert page.text.count("instructor/grading/responses/") == queue.PAGE_SIZE


def test_the_dashboard_counts_the_queue_no_further_than_the_limit(
    client, setup, monkeypatch
):
    _cohort, instructor, _quiz = setup
    client.force_login(instructor)
    page = client.get(reverse("instructor:dashboard"))
    assert "60 answers wait for a score" in page.text
    monkeypatch.setattr(queue, "COUNT_LIMIT", 59)
    page = client.get(reverse("instructor:dashboard"))
    assert "More than 59 answers wait for a score" in page.text
