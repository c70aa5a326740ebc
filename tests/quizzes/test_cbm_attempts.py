"""Certainty-based marking through the services, the API and the take and result pages.

A CBM quiz asks how sure the student is of each right-or-wrong answer (never of a
position, an allocation or an essay), saves it with the answer (Save, autosave, API,
drafts), refuses a bad one whole, marks by Moodle's scale at grading (once) and shows
the calibration on the result page; the instructor's statistics show the class's
average CBM bonus.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from quizzes import certainty, presentation, selectors, services
from quizzes.models import Attempt, Quiz, Response
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.courses.factories import CohortFactory
from tests.helpers.queries import count_get
from tests.quizzes.factories import (
    QuizFactory,
    make_essay,
    make_ordering,
    make_position,
    make_single_choice,
    make_true_false,
)
from tests.quizzes.handles import as_student_sends

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(student):
    client = APIClient()
    client.force_authenticate(student)
    return client


def _cbm_quiz(**kwargs):
    quiz = QuizFactory(certainty_based_marking=True, **kwargs)
    single = make_single_choice(quiz, position=0, points=Decimal("2"))
    true_false = make_true_false(quiz, position=1)
    ordering = make_ordering(quiz, position=2)
    position = make_position(quiz, position=3)
    essay = make_essay(quiz, position=4)
    return quiz, single, true_false, ordering, position, essay


def _right(question):
    return question.choices.get(credit=1).id


def _wrong(question):
    return question.choices.filter(credit=0).first().id


# --------------------------------------------------------------- the option


def test_the_attempt_keeps_the_option_it_started_with(student):
    quiz, *_ = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    Quiz.objects.filter(pk=quiz.pk).update(certainty_based_marking=False)
    attempt.refresh_from_db()
    assert attempt.certainty_based is True


def test_only_right_or_wrong_questions_ask_for_a_certainty(api, student):
    quiz, single, true_false, ordering, position, essay = _cbm_quiz()
    started = api.post(reverse("api-quiz-attempts", args=[quiz.pk]))
    asks = {q["id"]: q["takes_certainty"] for q in started.json()["questions"]}
    assert asks == {
        single.id: True,
        true_false.id: True,
        ordering.id: True,
        position.id: False,
        essay.id: False,
    }
    assert started.json()["certainty_based"] is True
    shown = api.get(reverse("api-quiz-detail", args=[quiz.pk])).json()
    assert shown["certainty_based_marking"] is True


# --------------------------------------------------------------- the API


def test_api_round_trip_saves_certainties_and_marks_by_moodles_scale(api, student):
    quiz, single, true_false, ordering, position, essay = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    answers = as_student_sends(
        attempt,
        {
            str(single.id): {"choice": _right(single)},
            str(true_false.id): {"choice": _wrong(true_false)},
            str(ordering.id): {"order": ["a", "b", "c"]},
        },
    )
    saved = api.put(
        reverse("api-attempt-responses", args=[attempt.pk]),
        {
            "answers": answers,
            "certainties": {str(single.id): 3, str(true_false.id): 2},
        },
        format="json",
    )
    assert saved.status_code == 200, saved.content
    detail = api.get(reverse("api-attempt-detail", args=[attempt.pk])).json()
    sure = {q["id"]: q["certainty"] for q in detail["questions"]}
    assert (sure[single.id], sure[true_false.id], sure[ordering.id]) == (3, 2, None)

    submitted = api.post(
        reverse("api-attempt-submit", args=[attempt.pk]),
        {"certainties": {str(ordering.id): 1}},
        format="json",
    )
    assert submitted.status_code in (200, 202)
    services.grade_attempt(attempt_id=attempt.pk)

    rows = {r.question_id: r for r in Response.objects.filter(attempt=attempt)}
    # Right at C=3 on 2 points: 6; wrong at C=2 on 1 point: -2; right at C=1: 1.
    assert rows[single.id].score == Decimal("6")
    assert rows[single.id].base_score == Decimal("2")
    assert rows[true_false.id].score == Decimal("-2")
    assert rows[true_false.id].base_score == Decimal("0")
    assert rows[ordering.id].score == Decimal("1")
    assert rows[position.id].base_score is None and rows[position.id].certainty is None
    attempt.refresh_from_db()
    assert attempt.score == Decimal("5")

    detail = api.get(reverse("api-attempt-detail", args=[attempt.pk])).json()
    single_view = next(q for q in detail["questions"] if q["id"] == single.id)
    assert single_view["review"]["cbm"] == {
        "certainty": 3,
        "label": "C=3 (quite sure)",
        "assumed": False,
        "base_score": 2.0,
    }
    cbm = detail["cbm"]
    # Points 2 + 1 + 1: accuracy 3 of 4, average mark 5 / 4.
    assert cbm["accuracy"] == 75.0 and cbm["cbm_grade"] == 125.0
    assert [(lv["certainty"], lv["count"]) for lv in cbm["levels"]] == [
        (1, 1),
        (2, 1),
        (3, 1),
    ]


@pytest.mark.parametrize(
    ("certainty", "message"),
    [
        (4, "less than or equal to 3"),
        (0, "greater than or equal to 1"),
        ("sure", "valid integer"),
    ],
)
def test_api_bad_certainty_is_a_400_and_saves_nothing(api, student, certainty, message):
    quiz, single, *_ = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    body = {
        "answers": as_student_sends(
            attempt, {str(single.id): {"choice": _right(single)}}
        ),
        "certainties": {str(single.id): certainty},
    }
    refused = api.put(
        reverse("api-attempt-responses", args=[attempt.pk]), body, format="json"
    )
    assert refused.status_code == 400
    assert message in refused.content.decode()
    row = Response.objects.get(attempt=attempt, question=single)
    assert row.answer is None and row.certainty is None


def test_api_certainty_on_a_position_or_a_quiz_without_cbm_is_refused(api, student):
    quiz, single, _tf, _ordering, position, _essay = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    url = reverse("api-attempt-responses", args=[attempt.pk])
    refused = api.put(
        url,
        {
            "answers": as_student_sends(
                attempt, {str(single.id): {"choice": _right(single)}}
            ),
            "certainties": {str(position.id): 3, str(single.id): 2},
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "takes no certainty" in refused.json()[str(position.id)][0]
    assert Response.objects.get(attempt=attempt, question=single).certainty is None

    plain = QuizFactory()
    plain_question = make_single_choice(plain)
    other, _ = services.start_attempt(quiz=plain, student=student)
    refused = api.put(
        reverse("api-attempt-responses", args=[other.pk]),
        {"answers": {}, "certainties": {str(plain_question.id): 2}},
        format="json",
    )
    assert refused.status_code == 400
    assert "does not ask how sure" in refused.content.decode()


def test_a_certainty_alone_keeps_the_answer_and_null_clears_it(api, student):
    quiz, single, *_ = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    url = reverse("api-attempt-responses", args=[attempt.pk])
    api.put(
        url,
        {
            "answers": as_student_sends(
                attempt, {str(single.id): {"choice": _right(single)}}
            )
        },
        format="json",
    )
    api.put(url, {"answers": {}, "certainties": {str(single.id): 2}}, format="json")
    row = Response.objects.get(attempt=attempt, question=single)
    assert (row.answer, row.certainty) == ({"choice": _right(single)}, 2)
    api.put(url, {"answers": {}, "certainties": {str(single.id): None}}, format="json")
    row.refresh_from_db()
    assert (row.answer, row.certainty) == ({"choice": _right(single)}, None)


def test_a_draft_keeps_its_certainty(student):
    quiz, _single, _tf, ordering, *_ = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    outcome = services.save_responses(
        attempt=attempt,
        answers={ordering.id: {"order": ["b"]}},
        certainties={ordering.id: 3},
    )
    assert ordering.id in outcome.drafts
    row = Response.objects.get(attempt=attempt, question=ordering)
    assert row.draft == {"order": ["b"]} and row.certainty == 3


# --------------------------------------------------------------- grading


def test_confident_wrong_answers_go_negative_but_the_attempt_is_floored_at_zero(
    student,
):
    quiz, single, true_false, ordering, *_ = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.save_responses(
        attempt=attempt,
        answers={
            single.id: {"choice": _wrong(single)},
            true_false.id: {"choice": _wrong(true_false)},
        },
        certainties={single.id: 3, true_false.id: 3},
    )
    services.submit_attempt(attempt=attempt)
    graded = services.grade_attempt(attempt_id=attempt.pk)
    rows = {r.question_id: r.score for r in Response.objects.filter(attempt=attempt)}
    assert rows[single.id] == Decimal("-12") and rows[true_false.id] == Decimal("-6")
    assert graded.score == Decimal("0") and graded.percent == Decimal("0.0")
    assert graded.state == Attempt.State.GRADED  # nothing for a person: all blank


def test_all_right_at_c3_is_300_percent_of_the_points_as_in_moodle(student):
    quiz = QuizFactory(certainty_based_marking=True)
    single = make_single_choice(quiz)
    true_false = make_true_false(quiz)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.submit_attempt(
        attempt=attempt,
        answers={
            single.id: {"choice": _right(single)},
            true_false.id: {"choice": _right(true_false)},
        },
        certainties={single.id: 3, true_false.id: 3},
    )
    graded = services.grade_attempt(attempt_id=attempt.pk)
    assert (graded.score, graded.max_score) == (Decimal("6"), Decimal("2"))
    assert graded.percent == Decimal("300.0")


def test_grading_twice_grades_once_and_a_regrade_keeps_the_certainty(student):
    quiz, single, *_ = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.submit_attempt(
        attempt=attempt,
        answers={single.id: {"choice": _right(single)}},
        certainties={single.id: 2},
    )
    services.submit_attempt(attempt=attempt)
    first = services.grade_attempt(attempt_id=attempt.pk)
    again = services.grade_attempt(attempt_id=attempt.pk)
    assert (first.graded_at, first.score) == (again.graded_at, again.score)
    assert Response.objects.get(attempt=attempt, question=single).score == 4

    # An author raises the question's points: the regrade marks at the same C=2.
    single.points = Decimal("3")
    single.save()
    locked = (
        Attempt.objects.select_related("quiz")
        .prefetch_related(selectors.questions_prefetch("quiz__"), "responses")
        .get(pk=attempt.pk)
    )
    services.score_attempt(locked, now=first.graded_at)
    assert Response.objects.get(attempt=attempt, question=single).score == 6


def test_no_certainty_given_is_marked_at_c1_and_said_so(student_client, student):
    quiz, single, true_false, *_ = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.submit_attempt(
        attempt=attempt,
        answers={
            single.id: {"choice": _right(single)},
            true_false.id: {"choice": _wrong(true_false)},
        },
    )
    services.grade_attempt(attempt_id=attempt.pk)
    rows = {r.question_id: r.score for r in Response.objects.filter(attempt=attempt)}
    assert rows[single.id] == Decimal("2") and rows[true_false.id] == Decimal("0")
    html = student_client.get(reverse("quizzes:result", args=[attempt.pk]))
    text = html.content.decode()
    assert "You did not say how sure you were: C=1 (unsure) was used." in text


# --------------------------------------------------------------- the pages


def _form(attempt, **fields):
    return {"page": "1", **fields}


def test_take_page_round_trip_saves_and_shows_the_certainty(student_client, student):
    quiz, single, _tf, _ordering, position, essay = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    html = student_client.get(url).content.decode()
    assert f'name="q{single.id}_certainty"' in html
    assert f'name="q{position.id}_certainty"' not in html
    assert f'name="q{essay.id}_certainty"' not in html
    assert "C=3, quite sure: +3 if right, -6 if wrong" in html

    handles = presentation.handles_for(
        Attempt.objects.get(pk=attempt.pk), selectors.ordered_questions(attempt)
    )
    saved = student_client.post(
        url,
        _form(
            attempt,
            action="save",
            **{
                f"q{single.id}_choice": handles.of(single.id, _right(single)),
                f"q{single.id}_certainty": "3",
            },
        ),
    )
    assert saved.status_code == 302
    row = Response.objects.get(attempt=attempt, question=single)
    assert (row.answer, row.certainty) == ({"choice": _right(single)}, 3)
    again = student_client.get(url).content.decode()
    assert re.search(rf'id="q{single.id}_certainty_3"[^>]*checked', again)


def test_a_tampered_certainty_is_a_form_error_and_nothing_is_lost(
    student_client, student
):
    quiz, single, true_false, *_ = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.save_responses(
        attempt=attempt,
        answers={true_false.id: {"choice": _right(true_false)}},
        certainties={true_false.id: 2},
    )
    handles = presentation.handles_for(
        Attempt.objects.get(pk=attempt.pk), selectors.ordered_questions(attempt)
    )
    response = student_client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        _form(
            attempt,
            action="save",
            **{
                f"q{single.id}_choice": handles.of(single.id, _right(single)),
                f"q{single.id}_certainty": "9",
                f"q{true_false.id}_choice": handles.of(
                    true_false.id, _right(true_false)
                ),
                f"q{true_false.id}_certainty": "1",
            },
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was saved" in html and "The certainty must be 1, 2 or 3." in html
    # What the student picked comes back on the page; the stored rows are untouched.
    assert re.search(
        rf'value="{handles.of(single.id, _right(single))}"[^>]*checked', html
    )
    rows = {r.question_id: r for r in Response.objects.filter(attempt=attempt)}
    assert rows[single.id].answer is None
    assert rows[true_false.id].certainty == 2


def test_autosave_saves_the_certainty_like_the_answer(student_client, student):
    quiz, single, *_ = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    response = student_client.post(
        reverse("quizzes:autosave", args=[attempt.pk]),
        _form(attempt, **{f"q{single.id}_certainty": "2"}),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert Response.objects.get(attempt=attempt, question=single).certainty == 2
    bad = student_client.post(
        reverse("quizzes:autosave", args=[attempt.pk]),
        _form(attempt, **{f"q{single.id}_certainty": "high"}),
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 400
    assert Response.objects.get(attempt=attempt, question=single).certainty == 2


def test_intro_explains_the_scale_in_plain_words(student_client):
    quiz, *_ = _cbm_quiz()
    html = student_client.get(reverse("quizzes:intro", args=[quiz.pk])).content
    text = html.decode()
    assert "How sure are you? Certainty-based marking" in text
    assert "<td>-6</td>" in text and "above 80%" in text
    assert "If you pick no certainty, C=1 counts" in text
    plain = QuizFactory()
    assert (
        "Certainty-based"
        not in student_client.get(
            reverse("quizzes:intro", args=[plain.pk])
        ).content.decode()
    )


def test_result_page_shows_the_calibration_chart_and_its_table(student_client, student):
    quiz, single, true_false, ordering, *_ = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.submit_attempt(
        attempt=attempt,
        answers={
            single.id: {"choice": _right(single)},
            true_false.id: {"choice": _wrong(true_false)},
            ordering.id: {"order": ["a", "b", "c"]},
        },
        certainties={single.id: 3, true_false.id: 3, ordering.id: 1},
    )
    services.grade_attempt(attempt_id=attempt.pk)
    html = student_client.get(reverse("quizzes:result", args=[attempt.pk]))
    text = html.content.decode()
    assert 'class="calibration-chart"' in text and 'role="img"' in text
    assert "C=3: 2 answers, 66.7% right (ideal: above 80%)" in text
    assert "C=1: 1 answer, 100% right (ideal: below 67%)" in text
    assert "C=2: no answers" in text
    assert "<td>over-confident</td>" not in text  # 2 answers: only "a bit"
    assert "a bit over-confident" in text
    assert "Your certainty: C=3 (quite sure)." in text


def test_score_only_review_shows_the_figures_without_the_breakdown(api, student):
    quiz, single, *_ = _cbm_quiz(
        review_immediately="score",
        review_while_open="score",
        review_after_close="score",
    )
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.submit_attempt(
        attempt=attempt,
        answers={single.id: {"choice": _right(single)}},
        certainties={single.id: 3},
    )
    services.grade_attempt(attempt_id=attempt.pk)
    detail = api.get(reverse("api-attempt-detail", args=[attempt.pk])).json()
    assert detail["cbm"]["accuracy"] is not None
    assert detail["cbm"]["levels"] == []
    assert all("review" not in q for q in detail["questions"])


# --------------------------------------------------------------- the instructor


def _graded_cbm_attempts(quiz, single, count):
    for _ in range(count):
        student = UserFactory()
        attempt, _ = services.start_attempt(quiz=quiz, student=student)
        services.submit_attempt(
            attempt=attempt,
            answers={single.id: {"choice": _right(single)}},
            certainties={single.id: 3},
        )
        services.grade_attempt(attempt_id=attempt.pk)


@pytest.mark.parametrize("count", [2, 6])
def test_class_summary_reads_in_constant_queries(count, django_assert_num_queries):
    quiz, single, *_ = _cbm_quiz()
    _graded_cbm_attempts(quiz, single, count)
    with django_assert_num_queries(2):
        summary = certainty.class_summary(quiz_id=quiz.pk, which="all")
    assert summary["attempts"] == count


def test_statistics_page_shows_the_average_cbm_bonus(client):
    quiz, single, *_ = _cbm_quiz()
    _graded_cbm_attempts(quiz, single, 2)
    instructor = InstructorFactory()
    CohortFactory(course=quiz.course, instructors=[instructor])
    client.force_login(instructor)
    html = client.get(reverse("reports:quiz-statistics", args=[quiz.pk]))
    text = html.content.decode()
    assert html.status_code == 200
    assert "Average CBM bonus" in text
    summary = certainty.class_summary(quiz_id=quiz.pk)
    assert f'<dd class="cbm-bonus">{summary["bonus"]:g}%</dd>' in text


def _graded_with_questions(student, count: int) -> Attempt:
    quiz = QuizFactory(certainty_based_marking=True)
    singles = [make_single_choice(quiz, position=n) for n in range(count)]
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.submit_attempt(
        attempt=attempt,
        answers={q.id: {"choice": _right(q)} for q in singles},
        certainties={q.id: 1 + n % 3 for n, q in enumerate(singles)},
    )
    services.grade_attempt(attempt_id=attempt.pk)
    return attempt


def test_result_page_and_api_queries_do_not_grow_with_cbm_questions(
    student_client, api, student
):
    small = _graded_with_questions(student, 2)
    large = _graded_with_questions(student, 8)
    for name in ("quizzes:result", "api-attempt-detail"):
        client = student_client if name == "quizzes:result" else api
        counts = [
            count_get(client, reverse(name, args=[attempt.pk]))
            for attempt in (small, large)
        ]
        assert counts[0] == counts[1], (name, counts)


def test_statistics_survive_negative_cbm_marks(client):
    quiz, single, *_ = _cbm_quiz()
    _graded_cbm_attempts(quiz, single, 1)
    reckless, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    services.submit_attempt(
        attempt=reckless,
        answers={single.id: {"choice": _wrong(single)}},
        certainties={single.id: 3},
    )
    services.grade_attempt(attempt_id=reckless.pk)
    instructor = InstructorFactory()
    CohortFactory(course=quiz.course, instructors=[instructor])
    client.force_login(instructor)
    html = client.get(reverse("reports:quiz-statistics", args=[quiz.pk]) + "?which=all")
    assert html.status_code == 200
    summary = certainty.class_summary(quiz_id=quiz.pk)
    assert summary["attempts"] == 2 and summary["bonus"] < 0


def test_the_submit_page_lists_answers_without_a_certainty(student_client, student):
    quiz, single, true_false, *_ = _cbm_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.save_responses(
        attempt=attempt,
        answers={
            single.id: {"choice": _right(single)},
            true_false.id: {"choice": _right(true_false)},
        },
        certainties={true_false.id: 2},
    )
    html = student_client.get(reverse("quizzes:submit", args=[attempt.pk]))
    text = html.content.decode()
    assert "1 answer does not say how sure you are; C=1 (unsure) will count" in text
    listed = text.split('class="without-certainty-list"')[1].split("</ul>")[0]
    assert f"#question-{single.id}" in listed
    assert f"#question-{true_false.id}" not in listed


def test_the_instructor_sees_each_answers_certainty(client, student):
    quiz, single, *_ = _cbm_quiz()
    instructor = InstructorFactory()
    CohortFactory(course=quiz.course, instructors=[instructor], students=[student])
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.submit_attempt(
        attempt=attempt,
        answers={single.id: {"choice": _wrong(single)}},
        certainties={single.id: 2},
    )
    services.grade_attempt(attempt_id=attempt.pk)
    client.force_login(instructor)
    page = client.get(reverse("instructor:attempt", args=[attempt.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "C=2 (mid); 0 before certainty-based marking" in text
