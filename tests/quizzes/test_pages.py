"""The student's quiz pages without JavaScript: intro, take, save, submit, result."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection
from django.http import QueryDict
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes import answer_form, presentation, selectors, services
from quizzes.models import Attempt, Question, Quiz, Response
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import (
    AttemptFactory,
    QuizFactory,
    make_essay,
    make_numeric,
    make_position,
    make_question,
    make_quiz_with_every_kind,
    make_short_answer,
    make_single_choice,
)

pytestmark = pytest.mark.django_db
STATIC = Path(__file__).resolve().parents[2] / "static"


class _Form(HTMLParser):
    """Collect the take form's controls, labels, fieldsets and legends."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.fieldsets = 0
        self.legends = 0
        self.inline_scripts = 0
        self.style_attributes = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes += 1
        if tag == "script" and "src" not in attrs:
            self.inline_scripts += 1
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        if tag == "fieldset":
            self.fieldsets += 1
        if tag == "legend":
            self.legends += 1
        if tag in ("input", "select", "textarea") and attrs.get("type") not in (
            "hidden",
            "submit",
        ):
            self.controls.append({"tag": tag, **attrs})

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def _parse(response) -> _Form:
    parser = _Form()
    parser.feed(response.content.decode())
    return parser


def _start(client, quiz) -> Attempt:
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 302
    return Attempt.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def _take_url(attempt) -> str:
    return reverse("quizzes:attempt", args=[attempt.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --------------------------------------------------------------- intro and start


def test_the_intro_shows_my_rules_dates_in_my_time_zone_and_my_attempts(client):
    student = UserFactory(timezone="America/New_York")
    client.force_login(student)
    closes = datetime(2031, 3, 1, 17, 0, tzinfo=UTC)
    quiz = QuizFactory(
        time_limit_minutes=25,
        attempts_allowed=3,
        closes_at=closes,
        grading_method=Quiz.GradingMethod.AVERAGE,
        instructions="Read the lesson first.",
    )
    make_short_answer(quiz)
    for number, score in [(1, "5"), (2, "9")]:
        AttemptFactory(
            quiz=quiz,
            student=student,
            number=number,
            state=Attempt.State.GRADED,
            submitted_at=timezone.now(),
            score=Decimal(score),
            max_score=Decimal("10"),
        )
    response = client.get(reverse("quizzes:intro", args=[quiz.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Read the lesson first." in html
    assert "25 minutes" in html
    assert "1 of 3 left" in html
    # 17:00 UTC is 12:00 in New York in March.
    assert "1 March 2031, 12:00" in html
    assert "America/New_York" in html
    assert "<strong>70.0%</strong>" in html  # the average of 50% and 90%
    assert "Best attempt: 90.0%" in html
    assert reverse("quizzes:result", args=[quiz.attempts.first().pk]) in html
    assert f'action="{reverse("quizzes:start", args=[quiz.pk])}"' in html
    assert "Start a new attempt" in html


def test_the_intro_offers_continue_for_an_attempt_in_progress(student_client, student):
    quiz = QuizFactory()
    make_short_answer(quiz)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    html = student_client.get(reverse("quizzes:intro", args=[quiz.pk])).content
    assert b"Continue attempt 1" in html
    assert _start(student_client, quiz) == attempt


def test_starting_when_no_attempts_are_left_says_so_and_goes_back(
    student_client, student
):
    quiz = QuizFactory(attempts_allowed=1)
    make_short_answer(quiz)
    AttemptFactory(
        quiz=quiz,
        student=student,
        number=1,
        state=Attempt.State.GRADED,
        submitted_at=timezone.now(),
    )
    response = student_client.post(
        reverse("quizzes:start", args=[quiz.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == quiz.get_absolute_url()
    assert "You have used all your attempts." in _messages(response)
    assert Attempt.objects.filter(quiz=quiz).count() == 1
    assert b"Start the quiz" not in response.content


def test_start_takes_only_a_post(student_client):
    quiz = QuizFactory()
    response = student_client.get(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 405


def test_pages_need_a_login(client):
    quiz = QuizFactory()
    response = client.get(reverse("quizzes:intro", args=[quiz.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_draft_quiz_is_a_404_for_students(student_client):
    quiz = QuizFactory(published=False)
    assert student_client.get(quiz.get_absolute_url()).status_code == 404


# --------------------------------------------------------------- the take page


def test_every_kind_gets_labelled_keyboard_widgets_and_no_inline_code(
    student_client,
):
    quiz = make_quiz_with_every_kind(time_limit_minutes=30)
    attempt = _start(student_client, quiz)
    response = student_client.get(_take_url(attempt))
    form = _parse(response)
    html = response.content.decode()

    assert form.fieldsets == form.legends == quiz.questions.count()
    unlabelled = [c for c in form.controls if c.get("id") not in form.label_for]
    assert unlabelled == []
    types = [c.get("type", c["tag"]) for c in form.controls]
    assert types.count("radio") == 3 + 2  # single choice + true/false
    assert types.count("checkbox") == 4
    assert types.count("range") == 1
    assert types.count("number") == 1 + 2 + 1  # numeric, allocation, position box
    assert types.count("select") == 3 + 2  # ordering positions, matching prompts
    assert types.count("textarea") == 2  # allocation justification, essay
    assert form.inline_scripts == 0
    assert form.style_attributes == 0
    assert 'aria-live="polite"' in html
    deadline = re.search(r'data-deadline="([^"]+)"', html).group(1)
    assert datetime.fromisoformat(deadline) == attempt.deadline
    assert 'value="save"' in html and 'value="submit"' in html


def _handles(attempt: Attempt):
    attempt = Attempt.objects.get(pk=attempt.pk)
    return presentation.handles_for(attempt, selectors.ordered_questions(attempt))


def _every_answer(quiz: Quiz, attempt: Attempt) -> tuple[dict, dict]:
    """POST data for every kind (choices and items by handle) and the answer JSON."""
    post, expected = {"action": "save"}, {}
    handle = _handles(attempt).of
    for q in quiz.questions.all():
        p = f"q{q.id}_"
        if q.kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.TRUE_FALSE):
            choice = q.choices.order_by("position").first()
            post[p + "choice"] = handle(q.id, choice.id)
            expected[q.id] = {"choice": choice.id}
        elif q.kind == Question.Kind.MULTIPLE_RESPONSE:
            ids = list(q.choices.order_by("position").values_list("id", flat=True))
            post[p + "choices"] = [handle(q.id, ids[0]), handle(q.id, ids[1])]
            expected[q.id] = {"choices": ids[:2]}
        elif q.kind == Question.Kind.SHORT_ANSWER:
            post[p + "text"] = "The state"
            expected[q.id] = {"text": "The state"}
        elif q.kind == Question.Kind.NUMERIC:
            post[p + "value"] = "1951"
            expected[q.id] = {"value": 1951}
        elif q.kind == Question.Kind.ORDERING:
            post.update(
                {
                    p + "pos_" + handle(q.id, "a"): "2",
                    p + "pos_" + handle(q.id, "b"): "1",
                    p + "pos_" + handle(q.id, "c"): "3",
                }
            )
            expected[q.id] = {"order": ["b", "a", "c"]}
        elif q.kind == Question.Kind.MATCHING:
            post.update({p + "match_m1": "Ottawa", p + "match_m2": ""})
            expected[q.id] = {"matches": {"m1": "Ottawa"}}
        elif q.kind == Question.Kind.TRADEOFF_ALLOCATION:
            post.update(
                {p + "alloc_0": "40", p + "alloc_1": "60", p + "justification": "Both."}
            )
            expected[q.id] = {"allocation": [40, 60], "justification": "Both."}
        elif q.kind == Question.Kind.TRADEOFF_POSITION:
            # Without JavaScript a moved slider wins over the untouched number box.
            post.update(
                {p + "slider": "70", p + "slider_initial": "50", p + "position": ""}
            )
            expected[q.id] = {"position": 70}
        elif q.kind == Question.Kind.ESSAY:
            post[p + "text"] = "On the one hand..."
            expected[q.id] = {"text": "On the one hand..."}
    return post, expected


def test_saving_the_form_stores_each_kind_as_its_answer_json(student_client):
    quiz = make_quiz_with_every_kind()
    attempt = _start(student_client, quiz)
    post, expected = _every_answer(quiz, attempt)

    response = student_client.post(_take_url(attempt), post, follow=True)

    assert response.redirect_chain[-1][0] == _take_url(attempt)
    assert any(m.startswith("Your answers were saved at") for m in _messages(response))
    stored = {r.question_id: r.answer for r in Response.objects.filter(attempt=attempt)}
    assert stored == expected
    # The page shows the saved answers back.
    html = response.content.decode()
    numeric = quiz.questions.get(kind="numeric")
    assert f'name="q{numeric.id}_value" value="1951"' in html
    position = quiz.questions.get(kind="tradeoff_position")
    assert f'name="q{position.id}_position" value="70"' in html


def test_a_typed_number_box_wins_when_the_slider_was_not_moved(student_client):
    quiz = QuizFactory()
    question = make_position(quiz)
    attempt = _start(student_client, quiz)
    p = f"q{question.id}_"
    student_client.post(
        _take_url(attempt),
        {p + "slider": "50", p + "slider_initial": "50", p + "position": "12.5"},
    )
    assert Response.objects.get(attempt=attempt).answer == {"position": 12.5}


def test_an_unfinished_answer_is_kept_as_a_draft_and_the_rest_is_saved(student_client):
    quiz = make_quiz_with_every_kind()
    attempt = _start(student_client, quiz)
    post, expected = _every_answer(quiz, attempt)
    allocation = quiz.questions.get(kind="tradeoff_allocation")
    post[f"q{allocation.id}_alloc_1"] = "50"  # 40 + 50 is not 100
    ordering = quiz.questions.get(kind="ordering")
    for name in [n for n in post if n.startswith(f"q{ordering.id}_pos_")][1:]:
        post[name] = ""  # one item placed of three

    response = student_client.post(_take_url(attempt), post)

    html = response.content.decode()
    assert response.status_code == 200
    # Every unfinished question says so at once, beside itself and in the summary.
    assert "it adds up to 90" in html
    assert "1 of 3 placed" in html
    assert f'id="q{allocation.id}-error"' in html
    assert f'id="q{ordering.id}-error"' in html
    assert "kept as a draft" in html and "Nothing was saved" not in html
    assert f'name="q{allocation.id}_alloc_1" value="50"' in html
    stored = {r.question_id: r for r in Response.objects.filter(attempt=attempt)}
    # The complete answers on the same page are saved in the same request.
    for qid, answer in expected.items():
        if qid not in (allocation.id, ordering.id):
            assert stored[qid].answer == answer and stored[qid].draft is None
    # The draft keeps what was written; the justification is saved to be marked.
    assert stored[allocation.id].draft == {
        "allocation": [40, 50],
        "justification": "Both.",
    }
    assert stored[allocation.id].answer == {"justification": "Both."}
    assert stored[ordering.id].answer is None
    assert len(stored[ordering.id].draft["order"]) == 1

    # A reload brings the draft back, with what it lacks.
    again = student_client.get(_take_url(attempt)).content.decode()
    assert f'name="q{allocation.id}_alloc_1" value="50"' in again
    assert "Both.</textarea>" in again
    assert "it adds up to 90" in again


@pytest.mark.parametrize(
    ("part", "value", "message"),
    [
        ("value", "nineteen fifty", "Enter a number"),
        ("pos", None, "Give each item a different position."),
    ],
)
def test_an_unreadable_widget_is_reported_beside_its_question(
    student_client, part, value, message
):
    quiz = make_quiz_with_every_kind()
    attempt = _start(student_client, quiz)
    post, _expected = _every_answer(quiz, attempt)
    if part == "value":
        broken = quiz.questions.get(kind="numeric")
        post[f"q{broken.id}_value"] = value
    else:
        broken = quiz.questions.get(kind="ordering")
        handle = _handles(attempt).of
        post[f"q{broken.id}_pos_{handle(broken.id, 'a')}"] = "1"
        post[f"q{broken.id}_pos_{handle(broken.id, 'b')}"] = "1"
    response = student_client.post(_take_url(attempt), post)
    assert response.status_code == 200
    assert message in response.content.decode()
    answered = Response.objects.filter(attempt=attempt, answer__isnull=False)
    # The unreadable question keeps what it had (nothing); the others are saved.
    assert not answered.filter(question=broken).exists()
    assert answered.count() == quiz.questions.count() - 1


def test_a_tampered_choice_refuses_the_whole_form_and_saves_nothing(student_client):
    quiz = make_quiz_with_every_kind()
    attempt = _start(student_client, quiz)
    post, _expected = _every_answer(quiz, attempt)
    single = quiz.questions.get(kind="single_choice")
    post[f"q{single.id}_choice"] = str(single.choices.first().id)  # a real id

    response = student_client.post(_take_url(attempt), post)

    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert not Response.objects.filter(attempt=attempt, answer__isnull=False).exists()


def test_a_save_after_the_deadline_closes_the_attempt_at_the_deadline(
    student_client, student
):
    quiz = QuizFactory(time_limit_minutes=5)
    question = make_short_answer(quiz)
    attempt = _start(student_client, quiz)
    deadline = timezone.now() - timedelta(seconds=30)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)

    response = student_client.post(
        _take_url(attempt),
        {f"q{question.id}_text": "too late", "action": "save"},
        follow=True,
    )

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.submitted_at == deadline
    assert Response.objects.get(attempt=attempt).answer is None
    assert response.redirect_chain[-1][0] == reverse(
        "quizzes:result", args=[attempt.pk]
    )
    assert any(m.startswith("Time is up") for m in _messages(response))


# --------------------------------------------------------------- submitting


def test_submit_goes_through_a_confirmation_listing_the_unanswered(
    student_client, django_capture_on_commit_callbacks
):
    quiz = QuizFactory()
    choice_question = make_single_choice(quiz, explanation="Asylum is shared.")
    numeric = make_numeric(quiz)
    attempt = _start(student_client, quiz)
    right = choice_question.choices.get(credit=1)

    response = student_client.post(
        _take_url(attempt),
        {
            f"q{choice_question.id}_choice": _handles(attempt).of(
                choice_question.id, right.id
            ),
            "action": "submit",
        },
    )
    confirm_url = reverse("quizzes:submit", args=[attempt.pk])
    assert response["Location"] == confirm_url
    confirm = student_client.get(confirm_url).content.decode()
    assert "1 question is unanswered" in confirm
    assert f"#question-{numeric.id}" in confirm
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS

    with django_capture_on_commit_callbacks() as callbacks:
        response = student_client.post(confirm_url, follow=True)
    assert len(callbacks) == 1
    result_url = reverse("quizzes:result", args=[attempt.pk])
    assert response.redirect_chain[-1][0] == result_url
    html = response.content.decode()
    assert "being graded" in html
    assert f'href="{result_url}"' in html  # the refresh link works without JS
    assert "data-poll-url" in html

    services.grade_attempt(attempt_id=attempt.pk)
    html = student_client.get(result_url).content.decode()
    assert "<strong>1</strong> out of 2 (50%)" in html
    assert "Asylum is shared." in html  # the explanation
    assert "fb-sc-right" in html  # the feedback of the picked choice
    assert "Cooperate on asylum (credit 1)" in html  # the key
    assert "Read the passage" in html
    assert quiz.lesson.get_absolute_url() + "#p1" in html
    assert 'href="/static/css/quiz.css"' in html
    # Going back to the attempt now lands on the result.
    assert student_client.get(_take_url(attempt))["Location"] == result_url


def test_score_only_results_show_the_score_and_nothing_else(student_client, student):
    quiz = QuizFactory(
        review_immediately="score",
        review_while_open="score",
        review_after_close="score",
    )
    question = make_single_choice(quiz, explanation="Secret explanation")
    right = question.choices.get(credit=1)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.submit_attempt(
        attempt=attempt, answers={question.id: {"choice": right.id}}
    )
    services.grade_attempt(attempt_id=attempt.pk)
    html = student_client.get(reverse("quizzes:result", args=[attempt.pk])).content
    html = html.decode()
    assert "<strong>1</strong> out of 1 (100%)" in html
    assert "Passed" in html
    assert "shows your score only" in html
    assert "Secret explanation" not in html
    assert "fb-sc-right" not in html
    assert "credit" not in html


def test_an_essay_waiting_for_marking_is_noted_on_the_result(student_client, student):
    quiz = QuizFactory()
    essay = make_essay(quiz)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.submit_attempt(attempt=attempt, answers={essay.id: {"text": "Both."}})
    services.grade_attempt(attempt_id=attempt.pk)
    html = student_client.get(reverse("quizzes:result", args=[attempt.pk])).content
    assert b"waiting for an instructor" in html
    assert b"(part awaiting marking)" in html


def test_another_students_attempt_is_a_404_on_every_page(student_client):
    quiz = make_quiz_with_every_kind()
    theirs, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    for name in ("quizzes:attempt", "quizzes:submit", "quizzes:result"):
        url = reverse(name, args=[theirs.pk])
        assert student_client.get(url).status_code == 404, name
        assert student_client.post(url, {"action": "save"}).status_code in (404, 405)
    theirs.refresh_from_db()
    assert theirs.state == Attempt.State.IN_PROGRESS


def test_the_history_page_lists_my_attempts_with_links(student_client, student):
    quiz = QuizFactory()
    make_short_answer(quiz)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    html = student_client.get(reverse("quizzes:history", args=[quiz.pk])).content
    assert b"Continue attempt 1" in html
    assert _take_url(attempt).encode() in html


# --------------------------------------------------------------- one question per page


def test_one_question_per_page_moves_with_the_buttons_and_saves_each_page(
    student_client,
):
    quiz = QuizFactory(one_question_per_page=True)
    questions = [make_short_answer(quiz, position=i) for i in range(3)]
    attempt = _start(student_client, quiz)
    url = _take_url(attempt)

    first = student_client.get(url).content.decode()
    assert first.count('<fieldset class="question"') == 1
    assert f"q{questions[0].id}_text" in first
    assert "Question 1 of 3" in first
    assert 'value="previous"' not in first

    response = student_client.post(
        url, {"page": "1", f"q{questions[0].id}_text": "one", "action": "next"}
    )
    assert response["Location"] == f"{url}?page=2"
    second = student_client.get(response["Location"]).content.decode()
    assert f"q{questions[1].id}_text" in second
    assert f"q{questions[0].id}_text" not in second
    assert 'value="previous"' in second

    response = student_client.post(
        url, {"page": "2", f"q{questions[1].id}_text": "two", "action": "goto-3"}
    )
    assert response["Location"] == f"{url}?page=3"
    third = student_client.get(response["Location"]).content.decode()
    assert 'value="next"' not in third
    assert 'aria-current="step"' in third

    stored = {r.question_id: r.answer for r in attempt.responses.all()}
    assert stored[questions[0].id] == {"text": "one"}
    assert stored[questions[1].id] == {"text": "two"}
    assert stored[questions[2].id] is None
    confirm = student_client.get(reverse("quizzes:submit", args=[attempt.pk]))
    assert f"{url}?page=3#question-{questions[2].id}" in confirm.content.decode()


# --------------------------------------------------------------- the lesson tag, print


def test_the_lesson_tag_lists_published_quizzes_with_a_take_link(rf, student):
    quiz = QuizFactory(title="Borders and rights")
    QuizFactory(lesson=quiz.lesson, title="Draft quiz", published=False)
    request = rf.get("/")
    request.user = student
    html = Template("{% load quiz_tags %}{% quizzes_for_lesson lesson %}").render(
        Context({"lesson": quiz.lesson, "user": student, "request": request})
    )
    assert "Borders and rights" in html
    assert "Take the quiz" in html
    assert f'href="{quiz.get_absolute_url()}"' in html
    assert "Draft quiz" not in html


def test_the_result_page_has_print_styles():
    css = (STATIC / "css" / "quiz.css").read_text()
    assert "@media print" in css
    assert ".result-actions" in css


# --------------------------------------------------------------- query counts


def _page_counts(size: int) -> dict[str, int]:
    student = UserFactory()
    client = Client()
    client.force_login(student)
    quiz = QuizFactory()
    kinds = list(Question.Kind)
    for position in range(size):
        make_question(quiz, kinds[position % len(kinds)], position=position)
    attempt = _start(client, quiz)
    counts = {}

    def count(name, url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)

    count("intro", reverse("quizzes:intro", args=[quiz.pk]))
    count("take", _take_url(attempt))
    count("confirm", reverse("quizzes:submit", args=[attempt.pk]))
    services.submit_attempt(attempt=attempt)
    services.grade_attempt(attempt_id=attempt.pk)
    count("result", reverse("quizzes:result", args=[attempt.pk]))
    count("history", reverse("quizzes:history", args=[quiz.pk]))
    return counts


def test_page_query_counts_do_not_grow_with_the_number_of_questions():
    assert _page_counts(5) == _page_counts(50)


def test_ordering_items_come_back_by_their_handles():
    question = {
        "id": 7,
        "kind": "ordering",
        "items": [{"id": "9f2c", "text": "Second"}, {"id": "03ab", "text": "First"}],
    }
    post = QueryDict(mutable=True)
    post.update({"q7_pos_03ab": "1", "q7_pos_9f2c": "2"})
    answers, errors, states = answer_form.read_answers([question], post)
    assert answers == {7: {"order": ["03ab", "9f2c"]}}
    assert errors == {}
    bound = answer_form.bind(question, states[7])
    assert [w["item"] for w in bound["widgets"]] == ["9f2c", "03ab"]
    assert answer_form.state_from_answer(question, {"order": ["03ab", "9f2c"]}) == {
        "positions": {"9f2c": "2", "03ab": "1"}
    }
