"""Scoring 2 of the tradeoff kinds: the argument earns the credit, the position none."""

import copy

import pytest

from quizzes import answer_form, grading
from quizzes.grading import InvalidAnswer, InvalidKey
from quizzes.templatetags.quiz_tags import feedback_items

POSITION = {
    "kind": "tradeoff_position",
    "points": 1.0,
    "data": {
        "scoring": 2,
        "left": "Border security",
        "right": "Migrants' rights",
        "range": [30, 70],
        "justification": {"points": 3, "rubric": "Value, gains, costs, objection."},
    },
}
ALLOCATION = {
    "kind": "tradeoff_allocation",
    "points": 1.0,
    "data": {
        "scoring": 2,
        "values": ["Resettlement", "Aid to neighbours", "Border control"],
        "ranges": [[20, 50], [20, 50], [10, 40]],
        "justification": {"points": 3, "rubric": "Value, gains, costs, objection."},
    },
}
FULL = {
    "value": "I put migrants' rights first: people fleeing persecution lose most "
    "when protection fails.",
    "gains": "Refugees gain safety and a hearing; the host gains credibility with "
    "partners abroad.",
    "costs": "Border regions and local councils bear housing costs and slower "
    "processing for several years.",
    "objection": "Security officials say screening gaps invite trafficking; I reply "
    "that funded screening closes them.",
    "evidence": "Audits showing screening failures rising after admissions grew "
    "would make me move toward control.",
}
FULL_ALLOCATION = {
    **FULL,
    "value": "I put resettlement first: people fleeing persecution lose most when "
    "protection fails.",
}
BOILERPLATE = "This is a very good and balanced answer to the question asked here."


def answer(kind_key: dict, main, justification=None, *, written=True) -> dict:
    name = "position" if kind_key["kind"] == "tradeoff_position" else "allocation"
    if justification is None and written:
        justification = FULL if name == "position" else FULL_ALLOCATION
    given = {name: main}
    if justification is not None:
        given["justification"] = justification
    return given


@pytest.mark.parametrize("position", [0, 10, 50, 90, 100])
def test_a_position_earns_the_same_automatic_credit_anywhere_on_the_scale(position):
    result = grading.grade(POSITION, answer(POSITION, position))

    assert result.auto_points == 1.0
    assert result.manual_points == 3.0
    assert result.needs_manual


@pytest.mark.parametrize("allocation", [[100, 0, 0], [34, 33, 33], [0, 0, 100]])
def test_an_allocation_earns_the_same_automatic_credit_whatever_the_split(allocation):
    result = grading.grade(ALLOCATION, answer(ALLOCATION, allocation))

    assert result.auto_points == 1.0


def test_equal_credit_at_0_50_and_100_with_any_justification():
    for justification in (FULL, {"value": FULL["value"]}, None):
        scores = {
            grading.grade(
                POSITION,
                answer(POSITION, p, justification, written=bool(justification)),
            ).auto_points
            for p in (0, 50, 100)
        }
        assert len(scores) == 1, justification


def test_an_outlying_position_is_a_note_for_the_instructor_not_a_message():
    result = grading.grade(POSITION, answer(POSITION, 0))
    items = feedback_items({"review": {"feedback": result.feedback}, "choices": []})

    assert result.detail["unusual"] is True
    assert grading.grade(POSITION, answer(POSITION, 50)).detail["unusual"] is False
    assert all(entry["kind"] != "distance" for entry in result.feedback)
    text = " ".join(item["text"] for item in items)
    assert "range" not in text and "outside" not in text
    assert "5 of 5" in text


@pytest.mark.parametrize(
    ("parts", "fraction"),
    [
        ({}, 0.0),
        ({"value": FULL["value"]}, 0.2),
        ({**FULL, "evidence": ""}, 0.8),
        (FULL, 1.0),
    ],
)
def test_the_automatic_share_is_the_share_of_parts_written(parts, fraction):
    result = grading.grade(POSITION, answer(POSITION, 40, parts, written=bool(parts)))

    assert result.fraction == fraction


def test_boilerplate_in_every_part_earns_no_automatic_credit():
    pasted = {part: BOILERPLATE for part in grading.PARTS}
    result = grading.grade(POSITION, answer(POSITION, 50, pasted))

    assert result.auto_points == 0
    # Still marked by a person: the rubric decides what it is worth.
    assert result.needs_manual


def test_a_part_pasted_into_another_counts_once():
    copied = {**FULL, "gains": FULL["costs"]}

    fraction, verdicts = grading.completeness(copied, POSITION["data"])

    assert verdicts["costs"] == "repeated"
    assert fraction == 0.8


def test_the_first_part_must_name_a_value_of_the_item():
    vague = {
        **FULL,
        "value": "I care most about fairness for everybody involved in "
        "this difficult situation today.",
    }

    _, verdicts = grading.completeness(vague, POSITION["data"])

    assert verdicts["value"] == "no_value"


def test_a_single_text_under_scoring_2_is_marked_but_earns_no_completeness():
    result = grading.grade(POSITION, answer(POSITION, 50, " ".join(FULL.values())))

    assert result.auto_points == 0
    assert result.needs_manual


@pytest.mark.parametrize(
    "justification",
    [{"values": "x"}, {"value": 7}, {"value": "x" * 20_001}],
)
def test_malformed_parts_are_refused(justification):
    with pytest.raises(InvalidAnswer):
        grading.grade(POSITION, answer(POSITION, 50, justification))


def test_scoring_1_keeps_the_range_so_graded_attempts_keep_their_grades():
    old = copy.deepcopy(POSITION)
    del old["data"]["scoring"]
    old["data"]["falloff"] = 25

    assert grading.grade(old, {"position": 0}).fraction == pytest.approx(0)
    assert grading.grade(old, {"position": 50}).fraction == 1
    with pytest.raises(InvalidAnswer):
        grading.grade(old, {"position": 50, "justification": FULL})


def test_scoring_2_needs_no_range_or_falloff_but_a_justification():
    bare = copy.deepcopy(POSITION)
    del bare["data"]["range"]
    assert grading.grade(bare, answer(bare, 100)).auto_points == 1.0

    del bare["data"]["justification"]
    with pytest.raises(InvalidKey):
        grading.check_key(bare)
    with pytest.raises(InvalidKey):
        grading.check_key({**POSITION, "data": {**POSITION["data"], "scoring": 3}})


@pytest.mark.parametrize("key", [POSITION, ALLOCATION])
def test_the_key_answer_earns_full_automatic_marks(key):
    assert grading.grade(key, grading.key_answer(key)).fraction == 1


def test_an_unfinished_allocation_keeps_its_parts_as_gradable():
    split = grading.split_answer(ALLOCATION, answer(ALLOCATION, [50, 20, 10]))

    assert split.gradable == {"justification": FULL_ALLOCATION}
    assert split.draft["allocation"] == [50, 20, 10]


def test_the_take_form_reads_and_shows_the_parts():
    question = {
        "id": 7,
        "kind": "tradeoff_position",
        "left": "Border security",
        "right": "Migrants' rights",
        "justification": {
            "points": 3,
            "rubric": "r",
            "parts": [{"name": p, "label": p} for p in grading.PARTS],
        },
    }
    post = {"q7_position": "0", "q7_slider": "50", "q7_slider_initial": "50"}
    post.update({f"q7_justification_{p}": FULL[p] for p in ("value", "costs")})

    class Post(dict):
        def getlist(self, name):
            return []

    state = answer_form.state_from_post(question, Post(post))
    given = answer_form.answer_from_state(question, state)

    assert given == {
        "position": 0,
        "justification": {"value": FULL["value"], "costs": FULL["costs"]},
    }
    shown = answer_form.bind(question, answer_form.state_from_answer(question, given))
    assert [w["value"] for w in shown["justification_widgets"]] == [
        FULL["value"],
        "",
        FULL["costs"],
        "",
        "",
    ]


def test_the_justification_reads_as_one_text_for_exports_and_markers():
    text = grading.justification_text({"value": "A.", "evidence": "B."})

    assert text.splitlines() == [
        f"{grading.PART_LABELS['value']}: A.",
        f"{grading.PART_LABELS['evidence']}: B.",
    ]
    assert grading.justification_text("Old text.") == "Old text."


# ----------------------------------------------------- graded under v1, kept under v2


@pytest.mark.django_db
def test_attempts_graded_under_scoring_1_keep_their_grades_until_a_regrade():
    from decimal import Decimal

    from quizzes import services
    from quizzes.models import Question
    from quizzes.services import regrading
    from tests.accounts.factories import InstructorFactory, UserFactory
    from tests.quizzes.factories import QuestionFactory, QuizFactory

    quiz = QuizFactory()
    question = QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.TRADEOFF_POSITION,
        points=Decimal(2),
        data={
            "left": "Border security",
            "right": "Migrants' rights",
            "range": [40, 70],
            "falloff": 25,
            "justification": {"points": 2, "rubric": "Argue both sides."},
        },
    )
    attempt, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    answer = {"position": 55, "justification": "Both sides matter here."}
    services.submit_attempt(attempt=attempt, answers={str(question.pk): answer})
    services.grade_attempt(attempt_id=attempt.pk)
    response = attempt.responses.get()
    assert response.auto_score == Decimal("2.000")

    # Bank v2 arrives: the same question, now scored on the argument only.
    question.data = {
        **question.data,
        "scoring": 2,
        "justification": {"points": 2, "rubric": "Argue it in five parts."},
    }
    question.save()
    services.score_response(
        response_id=response.pk, grader=InstructorFactory(), score=Decimal("1.5")
    )

    response.refresh_from_db()
    assert response.auto_score == Decimal("2.000")  # not silently regraded
    assert response.score == Decimal("3.500")
    # A regrade is the explicit step, and its preview shows what would change.
    [change] = regrading.preview_regrade(quiz=quiz)
    assert (change.old, change.new) == (Decimal("3.500"), Decimal("1.500"))
    response.refresh_from_db()
    assert response.auto_score == Decimal("2.000")  # the preview wrote nothing
