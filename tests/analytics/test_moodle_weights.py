"""Intended weight, effective weight and random guess score on worked examples."""

import math

import pytest

from analytics.moodle_weights import (
    effective_weights,
    intended_weights,
    random_guess_score,
)


def test_intended_weight_is_the_share_of_the_max_mark():
    assert intended_weights({"a": 1, "b": 3}) == {"a": 25.0, "b": 75.0}
    assert intended_weights({"a": 0}) == {"a": None}


def test_effective_weight_worked_example():
    # Three attempts, two questions. Totals X = 3, 1, 2 (mean 2).
    # a = 2, 0, 1 (mean 1): cov(a, X) = (1*1 + -1*-1 + 0*0) / 2 = 1.
    # b = 1, 1, 1: cov(b, X) = 0.
    # EW_a = 100 * sqrt(1) / (sqrt(1) + sqrt(0)) = 100; EW_b = 0.
    weights = effective_weights({"a": [2, 0, 1], "b": [1, 1, 1]})

    assert weights == {"a": 100.0, "b": 0.0}


def test_effective_weights_share_the_square_roots_of_the_covariances():
    # X = 4, 0, 2 (mean 2). a = 3, 0, 1.5: cov = (1.5*2 + -1.5*-2) / 2 = 3.
    # b = 1, 0, 0.5: cov = (0.5*2 + -0.5*-2) / 2 = 1.
    weights = effective_weights({"a": [3, 0, 1.5], "b": [1, 0, 0.5]})

    total = math.sqrt(3) + 1
    assert weights["a"] == pytest.approx(100 * math.sqrt(3) / total)
    assert weights["b"] == pytest.approx(100 / total)
    assert weights["a"] + weights["b"] == pytest.approx(100)


def test_a_question_with_negative_covariance_has_no_effective_weight():
    # X = 3, 2, 1: a rises with the total, b falls with it.
    # a = 3, 1, 0 (mean 4/3): cov(a, X) = (5/3*1 + -1/3*0 + -4/3*-1) / 2 = 1.5.
    # b = 0, 1, 1 (mean 2/3): cov(b, X) = (-2/3*1 + 0 + 1/3*-1) / 2 = -0.5.
    weights = effective_weights({"a": [3, 1, 0], "b": [0, 1, 1]})

    assert weights == {"a": 100.0, "b": None}


def test_effective_weight_needs_two_attempts_and_some_spread():
    assert effective_weights({"a": [1]}) == {"a": None}
    assert effective_weights({"a": [1, 1], "b": [0, 0]}) == {"a": None, "b": None}
    assert effective_weights({}) == {}


def test_random_guess_single_choice_is_the_mean_credit():
    assert random_guess_score("single_choice", credits=[1, 0, 0, 0]) == 0.25
    assert random_guess_score("single_choice", credits=[1, 0.5, -0.5]) == pytest.approx(
        1 / 3
    )


def test_random_guess_true_false_is_a_half_and_multiple_response_has_none():
    assert random_guess_score("true_false") == 0.5
    assert random_guess_score("multiple_response", credits=[0.5, 0.5, -1]) is None


def test_random_guess_short_answer_uses_a_star_answer():
    star = {"answers": [{"text": "Paris", "credit": 1}, {"text": "*", "credit": 0.2}]}

    assert random_guess_score("short_answer", data=star) == 0.2
    assert random_guess_score("short_answer", data={"answers": []}) == 0.0


def test_random_guess_matching_is_one_over_the_distinct_answers():
    data = {
        "pairs": [
            {"prompt": "a", "answer": "1"},
            {"prompt": "b", "answer": "2"},
            {"prompt": "c", "answer": "2"},
        ],
        "distractors": ["3"],
    }

    assert random_guess_score("matching", data=data) == pytest.approx(1 / 3)


@pytest.mark.parametrize("kind", ["numeric", "ordering", "essay"])
def test_random_guess_is_zero_where_moodle_keeps_the_default(kind):
    assert random_guess_score(kind) == 0.0


@pytest.mark.parametrize("kind", ["tradeoff_allocation", "tradeoff_position"])
def test_positions_and_allocations_report_no_random_guess_score(kind):
    assert random_guess_score(kind) is None
