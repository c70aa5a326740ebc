"""Certainty-based marking arithmetic against Moodle's table (question_cbm and the
deferred CBM behaviour's summary); pure, no database."""

from __future__ import annotations

import pytest

from quizzes import grading
from quizzes.grading import cbm
from quizzes.grading.cbm import CbmAnswer

# Moodle's table (qbehaviour_deferredcbm's "certainty_help" and question_cbm):
# certainty -> (mark if right, mark if wrong, ideal low, ideal high).
MOODLE = {
    1: (1, 0, 0.0, 2 / 3),
    2: (2, -2, 2 / 3, 0.8),
    3: (3, -6, 0.8, 1.0),
}


@pytest.mark.parametrize("certainty", [1, 2, 3])
def test_right_and_wrong_marks_are_moodles_table(certainty):
    right, wrong, low, high = MOODLE[certainty]
    assert cbm.adjust_fraction(1, certainty) == right
    assert cbm.adjust_fraction(0, certainty) == wrong
    assert cbm.IDEAL_RANGE[certainty] == pytest.approx((low, high))


@pytest.mark.parametrize(
    ("fraction", "certainty", "expected"),
    [
        # Partly right: the right-mark times the fraction, never a loss.
        (0.5, 1, 0.5),
        (0.5, 2, 1.0),
        (0.5, 3, 1.5),
        # Below zero or within Moodle's tolerance of it: wrong.
        (-0.25, 1, 0),
        (-0.25, 2, -2),
        (-0.25, 3, -6),
        (0.00000005, 3, -6),
        (0.0000001, 3, 0.0000003),
    ],
)
def test_partial_and_negative_fractions_follow_moodle(fraction, certainty, expected):
    assert cbm.adjust_fraction(fraction, certainty) == pytest.approx(expected)


def _tf_key(points=2):
    return {
        "kind": "true_false",
        "points": points,
        "choices": [
            {"id": 1, "text": "True", "credit": 1},
            {"id": 2, "text": "False", "credit": 0},
        ],
    }


@pytest.mark.parametrize(
    ("choice", "certainty", "points"),
    [
        (1, 1, 2),
        (1, 2, 4),
        (1, 3, 6),
        (2, 1, 0),
        (2, 2, -4),
        (2, 3, -12),
    ],
)
def test_marks_are_scaled_to_the_questions_points(choice, certainty, points):
    result = grading.grade_with_certainty(
        _tf_key(points=2), {"choice": choice}, certainty
    )
    assert result.auto_points == points
    assert result.detail["cbm"]["certainty"] == certainty
    assert result.detail["cbm"]["assumed"] is False
    assert result.detail["cbm"]["raw_points"] == (2 if choice == 1 else 0)


def test_no_certainty_is_marked_as_the_lowest():
    right = grading.grade_with_certainty(_tf_key(), {"choice": 1}, None)
    wrong = grading.grade_with_certainty(_tf_key(), {"choice": 2}, None)
    assert (right.auto_points, wrong.auto_points) == (2, 0)
    assert right.detail["cbm"] == {
        "certainty": 1,
        "assumed": True,
        "raw_fraction": 1.0,
        "raw_points": 2.0,
    }


def test_unanswered_earns_nothing_whatever_the_certainty():
    for certainty in (None, 1, 2, 3):
        result = grading.grade_with_certainty(_tf_key(), None, certainty)
        assert result.auto_points == 0
        assert "cbm" not in result.detail


def test_partly_right_multiple_response_is_scaled_not_penalised():
    key = {
        "kind": "multiple_response",
        "points": 1,
        "choices": [
            {"id": 1, "text": "a", "credit": 0.5},
            {"id": 2, "text": "b", "credit": 0.5},
            {"id": 3, "text": "c", "credit": -0.5},
        ],
    }
    half = grading.grade_with_certainty(key, {"choices": [1]}, 3)
    cancelled = grading.grade_with_certainty(key, {"choices": [1, 3]}, 3)
    assert half.auto_points == pytest.approx(1.5)
    assert cancelled.auto_points == -6  # credits cancel out: wrong, as in Moodle


@pytest.mark.parametrize(
    "key",
    [
        {
            "kind": "tradeoff_position",
            "points": 1,
            "data": {"left": "L", "right": "R", "range": [40, 60], "falloff": 20},
        },
        {"kind": "essay", "points": 5, "data": {"rubric": "Argue."}},
    ],
)
def test_positions_and_essays_never_take_a_certainty(key):
    answer = {"position": 90} if key["kind"] == "tradeoff_position" else {"text": "x"}
    assert not grading.takes_certainty(key["kind"])
    assert grading.grade_with_certainty(key, answer, 3) == grading.grade(key, answer)


def test_takes_certainty_only_for_right_or_wrong_kinds():
    assert {k for k in grading.KINDS if grading.takes_certainty(k)} == {
        "single_choice",
        "true_false",
        "multiple_response",
        "short_answer",
        "numeric",
        "ordering",
        "matching",
    }


@pytest.mark.parametrize("bad", [0, 4, -1, "2", 2.0, True, [3]])
def test_a_certainty_other_than_1_2_3_is_refused(bad):
    with pytest.raises(grading.InvalidAnswer, match="1, 2 or 3"):
        grading.grade_with_certainty(_tf_key(), {"choice": 1}, bad)


@pytest.mark.parametrize(
    ("average", "accuracy", "expected"),
    [(1, 1 / 2, 0.05), (2, 9 / 10, -0.01), (3, 1, 0)],
)
def test_cbm_bonus_is_moodles(average, accuracy, expected):
    assert cbm.bonus(average, accuracy) == pytest.approx(expected, abs=1e-7)


def test_summary_of_moodles_three_true_false_walkthrough():
    # Right at C=3, right at C=2, wrong at C=2, each worth 3 points.
    answers = [
        CbmAnswer(3, 1.0, 9.0, 3.0),
        CbmAnswer(2, 1.0, 6.0, 3.0),
        CbmAnswer(2, 0.0, -6.0, 3.0),
    ]
    summary = cbm.summarise(answers)
    low, mid, high = summary.levels
    assert (high.count, high.accuracy, high.judgement) == (1, 1.0, cbm.OK)
    assert (mid.count, mid.accuracy) == (2, 0.5)
    assert mid.judgement == cbm.SLIGHTLY_OVERCONFIDENT
    assert (low.count, low.accuracy, low.judgement) == (0, None, None)
    assert summary.whole.accuracy == pytest.approx(2 / 3)
    assert summary.whole.average_mark == pytest.approx(1.0)
    # 0.1 x (1 - best of 2/3 at C=1, 2/3 at C=2, 0 at C=3)
    assert summary.whole.bonus == pytest.approx(0.1 / 3)
    assert summary.answered is None


def test_judgement_says_how_far_off_and_how_sure_we_can_be():
    assert cbm.judgement(0.5, 20, 3) == cbm.OVERCONFIDENT
    assert cbm.judgement(0.7, 2, 3) == cbm.SLIGHTLY_OVERCONFIDENT
    assert cbm.judgement(1.0, 20, 1) == cbm.UNDERCONFIDENT
    assert cbm.judgement(0.75, 3, 1) == cbm.SLIGHTLY_UNDERCONFIDENT
    assert cbm.judgement(0.7, 50, 2) == cbm.OK


def test_unanswered_count_in_the_whole_and_not_in_the_levels():
    answers = [
        CbmAnswer(3, 1.0, 3.0, 1.0),
        CbmAnswer(None, None, 0.0, 1.0),
        CbmAnswer(None, 0.0, 0.0, 2.0),  # answered wrong, no certainty: C=1
    ]
    summary = cbm.summarise(answers)
    assert summary.whole.questions == 3
    assert summary.whole.accuracy == pytest.approx(1 / 4)
    assert summary.whole.average_mark == pytest.approx(3 / 4)
    assert summary.answered.questions == 2
    assert summary.answered.accuracy == pytest.approx(1 / 3)
    assert [level.count for level in summary.levels] == [1, 0, 1]


def test_no_question_worth_marks_means_no_summary():
    assert cbm.summarise([]) is None
    assert cbm.summarise([CbmAnswer(3, 1.0, 0.0, 0.0)]) is None


def test_class_summary_averages_each_attempts_bonus():
    calibrated = [CbmAnswer(3, 1.0, 3.0, 1.0), CbmAnswer(1, 0.0, 0.0, 1.0)]
    reckless = [CbmAnswer(3, 1.0, 3.0, 1.0), CbmAnswer(3, 0.0, -6.0, 1.0)]
    one, two = cbm.summarise(calibrated), cbm.summarise(reckless)
    both = cbm.summarise_class([calibrated, reckless])
    assert both.attempts == 2
    assert both.bonus == pytest.approx((one.whole.bonus + two.whole.bonus) / 2)
    assert one.whole.bonus > 0 > two.whole.bonus
    assert [level.count for level in both.levels] == [1, 0, 3]
