"""The migration quiz bank loads on the course, follows its authoring rules and grades."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from courses.models import Lesson, Tradeoff
from fixtures.build_quiz_bank import build_records, dump
from quizzes import grading
from quizzes.models import Choice, Question, Quiz

REPO_ROOT = Path(__file__).resolve().parents[2]
COURSE_FIXTURE = REPO_ROOT / "fixtures" / "migration_course.json"
QUIZ_FIXTURE = REPO_ROOT / "fixtures" / "migration_quizzes.json"
ESSAY = REPO_ROOT.parent / "shared" / "essay.txt"
QUOTATION = re.compile(r"“([^”]*)”")

TRADEOFF_KINDS = {
    Question.Kind.TRADEOFF_ALLOCATION,
    Question.Kind.TRADEOFF_POSITION,
}
SCENARIO_PREFIX = "Scenario: "
RUBRIC_LEAD = "Argues both sides: names what is gained and what is lost"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded_bank(django_db_setup, django_db_blocker):
    """Load the course and its quiz bank the way an operator would, once for the module.

    The tests only read it; each test's own transaction rolls back whatever it writes,
    and this one rolls the bank back when the module is done.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", str(COURSE_FIXTURE), str(QUIZ_FIXTURE), verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def bank(loaded_bank):
    return Quiz.objects.order_by("pk")


def questions_of(quiz):
    return list(
        quiz.questions.select_related("lesson").prefetch_related("choices", "tradeoffs")
    )


def key_for(question) -> dict:
    """Build a grading key from the stored rows, as docs/question-data.md describes."""
    return {
        "kind": question.kind,
        "points": float(question.points),
        "choices": [
            {
                "id": choice.pk,
                "text": choice.text,
                "credit": float(choice.credit),
                "feedback": choice.feedback,
                "gains": choice.feedback_gains,
                "costs": choice.feedback_costs,
                "objection": choice.feedback_objection,
            }
            for choice in question.choices.all()
        ],
        "data": question.data,
    }


def plain(text: str) -> str:
    """Fold quote marks, case and whitespace so quotations compare with the essay."""
    for curly, straight in (("’", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(curly, straight)
    return " ".join(text.casefold().split())


def is_scenario(question) -> bool:
    return question.name.startswith(SCENARIO_PREFIX)


def test_bank_has_a_quiz_per_lesson_and_a_final(bank):
    lessons = list(Lesson.objects.filter(course_id=1).order_by("position"))
    lesson_quizzes = list(bank.filter(lesson__isnull=False))

    assert [quiz.pk for quiz in bank] == list(range(1, 14))
    assert [(quiz.pk, quiz.lesson_id) for quiz in lesson_quizzes] == [
        (lesson.position, lesson.pk) for lesson in lessons
    ]
    for quiz in lesson_quizzes:
        assert quiz.slug == f"lesson-{quiz.lesson.position:02d}-{quiz.lesson.slug}"
        assert quiz.course_id == 1
        assert quiz.published
        assert quiz.attempts_allowed == 3
        assert quiz.grading_method == Quiz.GradingMethod.HIGHEST
        # The key only after the last attempt or the close; feedback before.
        assert quiz.review_immediately == Quiz.ReviewLevel.FEEDBACK
        assert quiz.review_while_open == Quiz.ReviewLevel.FEEDBACK
        assert quiz.review_after_close == Quiz.ReviewLevel.ANSWERS
        assert quiz.access == Quiz.Access.ASSIGNED_ONLY
        assert quiz.shuffle_choices
        assert quiz.shuffle_questions
        assert quiz.pass_mark == 60
        assert quiz.time_limit_minutes is None

    final = bank.get(pk=13)
    assert final.slug == "final-assessment"
    assert final.lesson is None
    assert final.course_id == 1
    assert final.published
    assert final.time_limit_minutes == 45
    assert final.attempts_allowed == 2


def test_lesson_quizzes_have_six_to_ten_questions_and_the_final_twenty_to_thirty(bank):
    counts = {quiz.pk: quiz.questions.count() for quiz in bank}

    assert all(6 <= counts[pk] <= 10 for pk in range(1, 13)), counts
    assert 20 <= counts[13] <= 30


def test_every_question_tests_a_paragraph_that_exists(bank):
    questions = Question.objects.select_related("lesson", "quiz")

    for question in questions:
        assert question.lesson is not None, question
        assert question.lesson.course_id == 1
        assert 1 <= question.paragraph <= question.lesson.paragraph_count, question
        if question.quiz.lesson_id:
            assert question.lesson_id == question.quiz.lesson_id, question


def test_final_draws_on_every_section(bank):
    lessons = set(Question.objects.filter(quiz_id=13).values_list("lesson", flat=True))

    assert lessons == set(
        Lesson.objects.filter(course_id=1).values_list("pk", flat=True)
    )


def test_every_tradeoff_is_tested_at_least_five_times(bank):
    coverage = Counter(
        Question.tradeoffs.through.objects.values_list("tradeoff_id", flat=True)
    )

    assert set(coverage) == set(Tradeoff.objects.values_list("pk", flat=True))
    assert min(coverage.values()) >= 5, coverage


def test_every_question_explains_itself_and_every_choice_has_feedback(bank):
    for question in Question.objects.prefetch_related("choices"):
        assert question.explanation.strip(), question
        assert question.prompt.strip(), question
        for choice in question.choices.all():
            assert choice.feedback.strip(), (question, choice)


def test_tradeoff_and_scenario_choices_name_gains_costs_and_objection(bank):
    weighed = [
        question
        for question in Question.objects.prefetch_related("choices")
        if question.is_choice_kind and (is_scenario(question) or question.points == 2)
    ]

    assert weighed
    for question in weighed:
        for choice in question.choices.all():
            assert choice.feedback_gains.strip(), (question, choice)
            assert choice.feedback_costs.strip(), (question, choice)
            assert choice.feedback_objection.strip(), (question, choice)


def test_every_lesson_quiz_has_the_required_mix_of_question_types(bank):
    for quiz in bank.filter(lesson__isnull=False):
        questions = questions_of(quiz)
        kinds = {question.kind for question in questions}
        scenarios = [q for q in questions if is_scenario(q)]

        assert kinds & TRADEOFF_KINDS, quiz
        assert Question.Kind.MULTIPLE_RESPONSE in kinds, quiz
        assert kinds & {Question.Kind.ORDERING, Question.Kind.MATCHING}, quiz
        assert scenarios, quiz
        for scenario in scenarios:
            credits = [choice.credit for choice in scenario.choices.all()]
            assert scenario.kind == Question.Kind.SINGLE_CHOICE
            if (scenario.data or {}).get("scoring") == "fit":
                # Scored on fit: no option is keyed, every option serves a value.
                assert len(set(credits)) == 1, scenario
                assert len(scenario.data["options"]) == len(credits), scenario
                continue
            assert max(credits) == 1
            # Defensible alternatives earn partial credit, each at its own cost.
            assert sum(1 for credit in credits if 0 < credit < 1) >= 2, scenario


def test_course_mixes_in_short_answer_true_false_and_at_most_two_numeric(bank):
    kinds = Counter(Question.objects.values_list("kind", flat=True))

    assert kinds[Question.Kind.SHORT_ANSWER] >= 3
    assert kinds[Question.Kind.TRUE_FALSE] >= 3
    assert kinds[Question.Kind.NUMERIC] <= 2


def test_tradeoff_questions_score_the_argument_against_a_rubric_not_the_position(
    bank,
):
    tradeoff_questions = Question.objects.filter(kind__in=TRADEOFF_KINDS)

    assert tradeoff_questions.count() >= 13
    for question in tradeoff_questions:
        data = question.data
        # Scoring 2: a small automatic share for completeness, the rest by rubric.
        assert data["scoring"] == grading.SCORING_V2
        assert question.points == 1
        assert question.tradeoffs.exists(), question
        assert data["justification"]["points"] == 3
        assert data["justification"]["rubric"].startswith(RUBRIC_LEAD)
        # The shared Rubric row gives the criteria; the data keeps only its text.
        assert question.rubric_id == 1
        assert question.marking_criteria() == question.rubric.criteria
        assert question.rubric.points == data["justification"]["points"]
        assert "falloff" not in data
        if question.kind == Question.Kind.TRADEOFF_POSITION:
            low, high = data["range"]
            tradeoff = question.tradeoffs.get(left_value=data["left"])
            assert data["right"] == tradeoff.right_value
            # The instructor's note of usual positions leans to neither pole.
            assert low + high == 100, question
        else:
            assert len({tuple(r) for r in data["ranges"]}) == 1, question


def test_every_question_is_answered_in_full_by_its_own_key(bank):
    questions = Question.objects.prefetch_related("choices")

    for question in questions:
        key = key_for(question)
        choices = key["choices"] if question.is_choice_kind else None
        grading.validate_data(question.kind, question.data, choices)
        result = grading.grade(key, grading.key_answer(key))
        justification = question.data.get("justification", {}).get("points", 0)

        if question.kind == Question.Kind.ESSAY:
            assert result.needs_manual, question
            continue
        assert result.fraction == 1, question
        assert grading.max_points(key) == float(question.points) + justification


def test_every_row_passes_model_validation_as_the_admin_would_check_it(bank):
    for row in [
        *bank,
        *Question.objects.select_related("lesson"),
        *Choice.objects.all(),
    ]:
        row.full_clean()


def test_loading_the_bank_twice_changes_nothing(bank):
    before = (Quiz.objects.count(), Question.objects.count(), Choice.objects.count())

    call_command("loaddata", str(QUIZ_FIXTURE), verbosity=0)

    after = (Quiz.objects.count(), Question.objects.count(), Choice.objects.count())
    assert after == before


def test_fixture_on_disk_is_what_the_builder_produces():
    assert QUIZ_FIXTURE.read_text(encoding="utf-8") == dump(build_records())


def test_every_quotation_in_the_bank_is_the_essay_s_own_words():
    essay = plain(ESSAY.read_text(encoding="utf-8"))
    records = json.loads(QUIZ_FIXTURE.read_text(encoding="utf-8"))
    texts = [
        value
        for record in records
        for value in record["fields"].values()
        if isinstance(value, str)
    ] + [
        json.dumps(record["fields"].get("data", {}), ensure_ascii=False)
        for record in records
    ]
    quotations = [quote for text in texts for quote in QUOTATION.findall(text)]

    assert len(quotations) > 100
    for quote in quotations:
        # An ellipsis marks words left out; each piece must still be verbatim.
        pieces = [piece.strip(" .,") for piece in plain(quote).split("…")]
        assert all(piece in essay for piece in pieces if piece), quote
