"""Check the pure graders in quizzes.grading against docs/question-data.md."""

import copy
import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes import grading
from quizzes.grading import GradeResult, InvalidAnswer, InvalidKey

# No example database: the tree is shared and .hypothesis/ is not ignored.
FUZZ = settings(
    database=None,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
)

KEYS = {
    "single_choice": {
        "kind": "single_choice",
        "points": 2.0,
        "choices": [
            {
                "id": 11,
                "text": "Admit more workers",
                "credit": 1.0,
                "feedback": "Yes.",
                "gains": "Output and wages abroad.",
                "costs": "Pressure on some local wages.",
                "objection": "Voters may not consent.",
            },
            {"id": 12, "text": "Close the border", "credit": 0.25, "feedback": "Half."},
            {"id": 13, "text": "Deport everyone", "credit": -0.5, "feedback": "No."},
        ],
        "data": {},
    },
    "true_false": {
        "kind": "true_false",
        "points": 1.0,
        "choices": [
            {"id": 21, "text": "True", "credit": 0.0, "feedback": "It is false."},
            {"id": 22, "text": "False", "credit": 1.0, "feedback": "Right."},
        ],
        "data": {},
    },
    "multiple_response": {
        "kind": "multiple_response",
        "points": 4.0,
        "choices": [
            {"id": 31, "text": "Remittances", "credit": 0.5},
            {"id": 32, "text": "Skills", "credit": 0.5},
            {"id": 33, "text": "Fewer taxes", "credit": -0.75, "feedback": "No."},
            {"id": 34, "text": "Weather", "credit": 0.0},
        ],
        "data": {},
    },
    "short_answer": {
        "kind": "short_answer",
        "points": 1.0,
        "data": {
            "answers": [
                {"text": "No one", "credit": 1.0, "feedback": "Exactly."},
                {"text": "nobody*", "credit": 0.5, "feedback": "Close."},
                {"text": "no *", "credit": 0.25, "feedback": "Vague."},
                {"text": "Everyone", "credit": 0.0, "feedback": "The opposite."},
                {"text": "the state", "credit": -0.5, "feedback": "Reread p3."},
            ],
            "feedback_wrong": "See paragraph 3.",
        },
    },
    "numeric": {
        "kind": "numeric",
        "points": 2.0,
        "data": {
            "answers": [
                {"value": 1822, "tolerance": 0, "credit": 1.0, "feedback": "Exact."},
                {"value": 1820, "tolerance": 5, "credit": 0.5, "feedback": "Near."},
                {"min": 3.141, "max": 3.142, "credit": 1.0, "feedback": "Pi."},
                {"value": 0.3, "credit": 1.0},
            ],
            "feedback_wrong": "Not that year.",
        },
    },
    "ordering": {
        "kind": "ordering",
        "points": 3.0,
        "data": {
            "items": [
                {"id": "a", "text": "Leave"},
                {"id": "b", "text": "Cross"},
                {"id": "c", "text": "Settle"},
            ]
        },
    },
    "matching": {
        "kind": "matching",
        "points": 3.0,
        "data": {
            "pairs": [
                {"id": "m1", "prompt": "Canada", "answer": "Ottawa"},
                {"id": "m2", "prompt": "Kenya", "answer": "Nairobi"},
                {"id": "m3", "prompt": "Chile", "answer": "Santiago"},
            ],
            "distractors": ["Lagos"],
        },
    },
    "tradeoff_allocation": {
        "kind": "tradeoff_allocation",
        "points": 3.0,
        "data": {
            "values": ["Security", "Human rights"],
            "ranges": [[30, 60], [40, 70]],
            "falloff": 30,
            "justification": {"points": 2, "rubric": "Argue both sides."},
        },
    },
    "tradeoff_position": {
        "kind": "tradeoff_position",
        "points": 2.0,
        "data": {
            "left": "Security",
            "right": "Human rights",
            "range": [40, 70],
            "falloff": 25,
            "justification": {"points": 2, "rubric": "Argue both sides."},
        },
    },
    "essay": {
        "kind": "essay",
        "points": 5.0,
        "data": {"rubric": "Weigh both sides.", "min_words": 3},
    },
}


def key(kind, **data_changes):
    """A deep copy of the sample key for kind, with data fields replaced."""
    result = copy.deepcopy(KEYS[kind])
    result["data"].update(data_changes)
    return result


def test_sample_keys_cover_every_kind():
    assert set(KEYS) == grading.KINDS
    assert grading.MANUAL_KINDS == {"essay"}


# ---------------------------------------------------------------- choice kinds


def test_single_choice_full_credit_gives_all_points_and_three_part_feedback():
    result = grading.grade(KEYS["single_choice"], {"choice": 11})
    assert result == GradeResult(
        fraction=1.0,
        auto_points=2.0,
        manual_points=0.0,
        needs_manual=False,
        feedback=[
            {
                "kind": "choice",
                "choice": 11,
                "text": "Yes.",
                "gains": "Output and wages abroad.",
                "costs": "Pressure on some local wages.",
                "objection": "Voters may not consent.",
            }
        ],
        detail={"choice": 11, "credit": 1.0},
    )


def test_single_choice_partial_credit_scales_points():
    result = grading.grade(KEYS["single_choice"], {"choice": 12})
    assert (result.fraction, result.auto_points) == (0.25, 0.5)
    assert result.feedback[0]["text"] == "Half."


def test_single_choice_negative_credit_floors_at_zero_but_keeps_feedback():
    result = grading.grade(KEYS["single_choice"], {"choice": 13})
    assert (result.fraction, result.auto_points) == (0.0, 0.0)
    assert result.feedback[0]["text"] == "No."
    assert result.detail["credit"] == -0.5


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"choice": 99}, "not one of this question's choices"),
        ({"choice": "11"}, "by its number"),
        ({"choice": True}, "by its number"),
        ({"choice": 11.0}, "by its number"),
        ({"choice": [11]}, "by its number"),
    ],
)
def test_single_choice_rejects_unknown_or_mistyped_choice(answer, message):
    with pytest.raises(InvalidAnswer, match=message):
        grading.grade(KEYS["single_choice"], answer)


def test_true_false_scores_the_picked_choice():
    assert grading.grade(KEYS["true_false"], {"choice": 22}).fraction == 1.0
    wrong = grading.grade(KEYS["true_false"], {"choice": 21})
    assert wrong.fraction == 0.0
    assert wrong.feedback[0]["text"] == "It is false."


def test_multiple_response_sums_credits_of_picks():
    result = grading.grade(KEYS["multiple_response"], {"choices": [32, 31]})
    assert (result.fraction, result.auto_points) == (1.0, 4.0)
    # Feedback follows the authoring order, not the order of picking.
    assert [entry["choice"] for entry in result.feedback] == [31, 32]


def test_multiple_response_wrong_pick_subtracts():
    # 0.5 + 0.5 - 0.75 = 0.25
    result = grading.grade(KEYS["multiple_response"], {"choices": [31, 32, 33]})
    assert (result.fraction, result.auto_points) == (0.25, 1.0)


def test_multiple_response_negative_sum_floors_at_zero():
    # 0.5 - 0.75 = -0.25 -> 0
    result = grading.grade(KEYS["multiple_response"], {"choices": [31, 33]})
    assert result.fraction == 0.0
    assert result.detail["credit"] == pytest.approx(-0.25)


def test_multiple_response_is_capped_at_one():
    # Positive credits may exceed 1 by up to 1e-6: 0.5 + 0.5000005 = 1.0000005 -> 1
    capped = copy.deepcopy(KEYS["multiple_response"])
    capped["choices"][1]["credit"] = 0.5000005
    result = grading.grade(capped, {"choices": [31, 32]})
    assert (result.fraction, result.auto_points) == (1.0, 4.0)


def test_multiple_response_rejects_duplicate_picks():
    with pytest.raises(InvalidAnswer, match="picked twice"):
        grading.grade(KEYS["multiple_response"], {"choices": [31, 31]})


@pytest.mark.parametrize(
    "answer", [{"choices": 31}, {"choices": [31, 99]}, {"choices": [False]}]
)
def test_multiple_response_rejects_malformed_picks(answer):
    with pytest.raises(InvalidAnswer):
        grading.grade(KEYS["multiple_response"], answer)


# ---------------------------------------------------------------- short answer


@pytest.mark.parametrize(
    "text", ["No one", "no one", "  NO   ONE!! ", "No, one.", "«no» one", "ＮＯ ONE"]
)
def test_short_answer_ignores_case_punctuation_and_spacing(text):
    result = grading.grade(KEYS["short_answer"], {"text": text})
    assert result.fraction == 1.0
    assert result.feedback == [{"kind": "answer", "text": "Exactly."}]


def test_short_answer_wildcard_matches_any_run():
    result = grading.grade(KEYS["short_answer"], {"text": "Nobody at all"})
    assert result.fraction == 0.5
    assert result.detail == {"matched": 1, "credit": 0.5}
    # "nobody*" also matches the empty run.
    assert grading.grade(KEYS["short_answer"], {"text": "nobody"}).fraction == 0.5


def test_short_answer_best_credit_wins_when_several_match():
    # "no one" fits "No one" (1.0) and "no *" (0.25).
    assert grading.grade(KEYS["short_answer"], {"text": "no one"}).fraction == 1.0
    assert grading.grade(KEYS["short_answer"], {"text": "no idea"}).fraction == 0.25


def test_short_answer_zero_and_negative_credit_give_their_feedback():
    zero = grading.grade(KEYS["short_answer"], {"text": "everyone"})
    assert zero.fraction == 0.0
    assert zero.feedback == [{"kind": "answer", "text": "The opposite."}]
    negative = grading.grade(KEYS["short_answer"], {"text": "The State!"})
    assert negative.fraction == 0.0
    assert negative.feedback == [{"kind": "answer", "text": "Reread p3."}]


def test_short_answer_without_match_gives_wrong_feedback():
    result = grading.grade(KEYS["short_answer"], {"text": "the market"})
    assert result.fraction == 0.0
    assert result.feedback == [{"kind": "answer", "text": "See paragraph 3."}]
    assert result.detail == {"matched": None}


def test_short_answer_student_asterisk_is_not_a_wildcard():
    assert grading.grade(KEYS["short_answer"], {"text": "*"}).fraction == 0.0


def test_short_answer_validation_strips_the_text():
    assert grading.validate_answer(KEYS["short_answer"], {"text": "  x  "}) == {
        "text": "x"
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (12, "must be text"),
        (["no one"], "must be text"),
        ("x" * 20_001, "longer than 20,000 characters"),
        ("no\x00one", "not allowed"),
        ("no \ud800 one", "not allowed"),
    ],
)
def test_short_answer_rejects_bad_text(text, message):
    with pytest.raises(InvalidAnswer, match=message):
        grading.grade(KEYS["short_answer"], {"text": text})


def test_short_answer_accepts_text_of_exactly_the_limit():
    assert grading.is_answered(KEYS["short_answer"], {"text": "x" * 20_000})
    grading.grade(KEYS["short_answer"], {"text": "x" * 20_000})


@FUZZ
@given(
    pattern=st.text(alphabet="ab*", max_size=8),
    text=st.text(alphabet="ab", max_size=10),
)
def test_wildcard_matching_agrees_with_a_regular_expression(pattern, text):
    regex = ".*".join(re.escape(piece) for piece in pattern.split("*"))
    expected = re.fullmatch(regex, text) is not None
    assert grading._matches_pattern(pattern, text) is expected


# ---------------------------------------------------------------- numeric


def test_numeric_exact_value():
    result = grading.grade(KEYS["numeric"], {"value": 1822})
    assert (result.fraction, result.auto_points) == (1.0, 2.0)
    assert result.feedback == [{"kind": "answer", "text": "Exact."}]


def test_numeric_best_credit_wins_when_several_fit():
    # 1822 fits 1822 +- 0 (credit 1) and 1820 +- 5 (credit 0.5).
    assert grading.grade(KEYS["numeric"], {"value": 1822}).detail["matched"] == 0


@pytest.mark.parametrize(
    ("value", "fraction"),
    [(1815, 0.5), (1825, 0.5), (1814.9, 0.0), (1825.5, 0.0), (1821, 0.5)],
)
def test_numeric_tolerance_is_inclusive(value, fraction):
    assert grading.grade(KEYS["numeric"], {"value": value}).fraction == fraction


@pytest.mark.parametrize(
    ("value", "fraction"), [(3.141, 1.0), (3.1415, 1.0), (3.142, 1.0), (3.143, 0.0)]
)
def test_numeric_range_is_inclusive(value, fraction):
    assert grading.grade(KEYS["numeric"], {"value": value}).fraction == fraction


def test_numeric_float_noise_does_not_cost_marks():
    assert grading.grade(KEYS["numeric"], {"value": 0.1 + 0.2}).fraction == 1.0


def test_numeric_wrong_value_gives_wrong_feedback():
    result = grading.grade(KEYS["numeric"], {"value": 1900})
    assert result.fraction == 0.0
    assert result.feedback == [{"kind": "answer", "text": "Not that year."}]


@pytest.mark.parametrize(
    "value", ["1822", True, math.nan, math.inf, -math.inf, 10**400, [1822]]
)
def test_numeric_rejects_non_numbers(value):
    with pytest.raises(InvalidAnswer):
        grading.grade(KEYS["numeric"], {"value": value})


# ---------------------------------------------------------------- ordering


@pytest.mark.parametrize(
    ("order", "right"),
    [
        (["a", "b", "c"], 3),
        # One swap of neighbours breaks one of the three pairs: 2/3.
        (["b", "a", "c"], 2),
        (["a", "c", "b"], 2),
        # b before a and c before a; only (b, c) stays: 1/3.
        (["b", "c", "a"], 1),
        (["c", "b", "a"], 0),
    ],
)
def test_ordering_credits_the_share_of_pairs_in_order(order, right):
    result = grading.grade(KEYS["ordering"], {"order": order})
    assert result.fraction == round(right / 3, 6)
    assert result.auto_points == round(round(right / 3, 6) * 3, 6)
    assert result.detail == {"correct_pairs": right, "total_pairs": 3}


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (["a", "b"], "every item"),
        (["a", "a", "b"], "same item twice"),
        (["a", "b", "z"], "does not have"),
        (["a", "b", "c", "d"], "does not have"),
        (["a", "b", ["c"]], "does not have"),
        ("abc", "list of items"),
    ],
)
def test_ordering_rejects_anything_but_a_permutation(order, message):
    with pytest.raises(InvalidAnswer, match=message):
        grading.grade(KEYS["ordering"], {"order": order})


# ---------------------------------------------------------------- matching


def test_matching_credits_the_share_of_right_pairs():
    answer = {"matches": {"m1": "Ottawa", "m2": "Lagos", "m3": "Santiago"}}
    result = grading.grade(KEYS["matching"], answer)
    assert result.fraction == round(2 / 3, 6)
    assert result.auto_points == pytest.approx(2.0, abs=1e-5)
    assert result.detail == {"correct_pairs": 2, "total_pairs": 3}


def test_matching_leaving_pairs_unmatched_is_partial_credit():
    result = grading.grade(KEYS["matching"], {"matches": {"m2": "Nairobi", "m3": None}})
    assert result.fraction == round(1 / 3, 6)
    assert grading.validate_answer(
        KEYS["matching"], {"matches": {"m2": "Nairobi", "m3": None}}
    ) == {"matches": {"m2": "Nairobi"}}


@pytest.mark.parametrize(
    ("matches", "message"),
    [
        ({"m9": "Ottawa"}, "prompt this question does not have"),
        ({"m1": "Paris"}, "not offered"),
        ({"m1": 1}, "not offered"),
        (["Ottawa"], "map prompts"),
    ],
)
def test_matching_rejects_unknown_prompts_and_answers(matches, message):
    with pytest.raises(InvalidAnswer, match=message):
        grading.grade(KEYS["matching"], {"matches": matches})


# ---------------------------------------------------------------- allocation


def test_allocation_inside_every_range_earns_full_marks():
    result = grading.grade(KEYS["tradeoff_allocation"], {"allocation": [45, 55]})
    assert (result.fraction, result.auto_points) == (1.0, 3.0)
    assert result.detail["distance"] == 0.0


def test_allocation_outside_falls_off_linearly():
    # Ranges [30, 60] and [40, 70]; [20, 80] is 10 below and 10 above:
    # total = (10 + 10) / 2 = 10; fraction = 1 - 10 / 30 = 0.666667; 3 points -> 2.0.
    result = grading.grade(KEYS["tradeoff_allocation"], {"allocation": [20, 80]})
    assert result.fraction == 0.666667
    assert result.auto_points == pytest.approx(2.0, abs=1e-5)
    assert result.feedback[0]["distance"] == 10.0
    assert [share["outside"] for share in result.feedback[0]["values"]] == [10, 10]


def test_allocation_across_three_values():
    # Ranges [20, 40], [20, 40], [30, 50]; [10, 20, 70] is 10 below, inside, 20 above:
    # total = (10 + 0 + 20) / 2 = 15; fraction = 1 - 15 / 20 = 0.25.
    three = key(
        "tradeoff_allocation",
        values=["Security", "Rights", "Growth"],
        ranges=[[20, 40], [20, 40], [30, 50]],
        falloff=20,
    )
    result = grading.grade(three, {"allocation": [10, 20, 70]})
    assert result.fraction == 0.25
    assert result.auto_points == 0.75


def test_allocation_far_outside_floors_at_zero():
    # [0, 100]: (30 + 30) / 2 = 30 >= falloff 30 -> 0.
    result = grading.grade(KEYS["tradeoff_allocation"], {"allocation": [0, 100]})
    assert result.fraction == 0.0


def test_allocation_accepts_whole_floats_as_integers():
    answer = {"allocation": [45.0, 55]}
    assert grading.validate_answer(KEYS["tradeoff_allocation"], answer) == {
        "allocation": [45, 55]
    }


@pytest.mark.parametrize(
    ("allocation", "message"),
    [
        ([45, 50], "add up to 100"),
        ([110, -10], "between 0 and 100"),
        ([45.5, 54.5], "whole numbers"),
        ([True, 99], "whole numbers"),
        (["45", "55"], "whole numbers"),
        ([100], "each of the 2 values"),
        ([50, 50, 0], "each of the 2 values"),
        ({"Security": 50}, "each of the 2 values"),
    ],
)
def test_allocation_rejects_bad_splits(allocation, message):
    with pytest.raises(InvalidAnswer, match=message):
        grading.grade(KEYS["tradeoff_allocation"], {"allocation": allocation})


# ---------------------------------------------------------------- position


@pytest.mark.parametrize(
    ("position", "distance", "fraction"),
    [
        (55, 0, 1.0),
        (40, 0, 1.0),
        (70, 0, 1.0),
        # 80 is 10 past 70: 1 - 10 / 25 = 0.6
        (80, 10, 0.6),
        # 27.5 is 12.5 short of 40: 1 - 12.5 / 25 = 0.5
        (27.5, 12.5, 0.5),
        # 0 is 40 short: 1 - 40 / 25 < 0 -> 0
        (0, 40, 0.0),
    ],
)
def test_position_scores_by_distance_to_the_range(position, distance, fraction):
    result = grading.grade(KEYS["tradeoff_position"], {"position": position})
    assert result.fraction == fraction
    assert result.auto_points == fraction * 2
    assert result.detail == {
        "position": position,
        "range": [40, 70],
        "distance": distance,
        "justification": False,
    }


@pytest.mark.parametrize("position", [-1, 100.5, "55", True, math.nan, 10**400])
def test_position_rejects_values_off_the_scale(position):
    with pytest.raises(InvalidAnswer):
        grading.grade(KEYS["tradeoff_position"], {"position": position})


# ---------------------------------------------------------------- justification


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        ("tradeoff_allocation", {"allocation": [45, 55]}),
        ("tradeoff_position", {"position": 55}),
    ],
)
def test_justification_needs_manual_marks(kind, answer):
    result = grading.grade(KEYS[kind], {**answer, "justification": "  Both sides. "})
    assert result.fraction == 1.0
    assert result.needs_manual is True
    assert result.manual_points == 2.0
    assert result.detail["justification"] is True
    assert grading.max_points(KEYS[kind]) == KEYS[kind]["points"] + 2


def test_missing_justification_leaves_nothing_to_mark():
    result = grading.grade(
        KEYS["tradeoff_position"], {"position": 55, "justification": "  "}
    )
    assert (result.needs_manual, result.manual_points) == (False, 0.0)


def test_justification_alone_is_answered_and_marked_by_hand():
    answer = {"justification": "Security matters, but so do rights."}
    assert grading.is_answered(KEYS["tradeoff_position"], answer)
    result = grading.grade(KEYS["tradeoff_position"], answer)
    assert (result.fraction, result.needs_manual, result.manual_points) == (
        0.0,
        True,
        2.0,
    )
    assert result.feedback == [{"kind": "unanswered", "text": "Not answered."}]


def test_justification_is_refused_where_the_question_takes_none():
    plain = key("tradeoff_position", justification=None)
    assert grading.max_points(plain) == 2.0
    with pytest.raises(InvalidAnswer, match="no justification"):
        grading.grade(plain, {"position": 55, "justification": "Why not."})
    assert grading.grade(plain, {"position": 55}).needs_manual is False


def test_justification_longer_than_the_limit_is_refused():
    with pytest.raises(InvalidAnswer, match="justification is longer"):
        grading.grade(
            KEYS["tradeoff_position"], {"position": 55, "justification": "x" * 20_001}
        )


# ---------------------------------------------------------------- essay


def test_essay_is_marked_by_hand():
    result = grading.grade(KEYS["essay"], {"text": "Both sides have a point."})
    assert result == GradeResult(
        fraction=0.0,
        auto_points=0.0,
        manual_points=5.0,
        needs_manual=True,
        feedback=[],
        detail={"words": 5, "min_words": 3},
    )
    assert grading.max_points(KEYS["essay"]) == 5.0


def test_essay_shorter_than_min_words_still_goes_to_the_instructor():
    result = grading.grade(KEYS["essay"], {"text": "Too short"})
    assert result.needs_manual is True
    assert result.detail == {"words": 2, "min_words": 3}


# ---------------------------------------------------------------- every kind


EMPTY_MAIN = {
    "single_choice": {"choice": None},
    "true_false": {"choice": None},
    "multiple_response": {"choices": []},
    "short_answer": {"text": "   "},
    "numeric": {"value": None},
    "ordering": {"order": []},
    "matching": {"matches": {"m1": None}},
    "tradeoff_allocation": {"allocation": None, "justification": ""},
    "tradeoff_position": {"position": None},
    "essay": {"text": ""},
}


@pytest.mark.parametrize("kind", sorted(KEYS))
@pytest.mark.parametrize("shape", ["none", "empty", "blank field"])
def test_unanswered_earns_nothing_and_only_says_so(kind, shape):
    answer = {"none": None, "empty": {}, "blank field": EMPTY_MAIN[kind]}[shape]
    assert grading.is_answered(KEYS[kind], answer) is False
    assert grading.validate_answer(KEYS[kind], answer) == {}
    assert grading.grade(KEYS[kind], answer) == GradeResult(
        fraction=0.0,
        auto_points=0.0,
        manual_points=0.0,
        needs_manual=False,
        feedback=[{"kind": "unanswered", "text": "Not answered."}],
        detail={},
    )


@pytest.mark.parametrize("kind", sorted(KEYS))
def test_key_answer_earns_full_automatic_marks(kind):
    answer = grading.key_answer(KEYS[kind])
    assert grading.is_answered(KEYS[kind], answer)
    result = grading.grade(KEYS[kind], answer)
    if kind in grading.MANUAL_KINDS:
        assert result.needs_manual and result.manual_points == KEYS[kind]["points"]
    else:
        assert result.fraction == 1.0
        assert result.auto_points == KEYS[kind]["points"]


@pytest.mark.parametrize("kind", sorted(KEYS))
@pytest.mark.parametrize("answer", [[], "text", 5, True, {"unexpected": 1}])
def test_answers_of_the_wrong_shape_are_invalid(kind, answer):
    assert grading.is_answered(KEYS[kind], answer) is True
    with pytest.raises(InvalidAnswer):
        grading.grade(KEYS[kind], answer)


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        ("essay", {"text": {}}),
        ("short_answer", {"text": []}),
        ("single_choice", {"choice": ""}),
        ("numeric", {"value": ""}),
        ("ordering", {"order": {}}),
        ("matching", {"matches": []}),
        ("tradeoff_position", {"position": 55, "justification": 7}),
    ],
)
def test_empty_values_of_the_wrong_type_are_invalid_not_unanswered(kind, answer):
    with pytest.raises(InvalidAnswer):
        grading.grade(KEYS[kind], answer)


def test_max_points_without_justification_is_the_points():
    assert grading.max_points(KEYS["single_choice"]) == 2.0


# ---------------------------------------------------------------- keys


def choices_with(*credits):
    return [
        {"id": index, "text": f"Option {index}", "credit": credit}
        for index, credit in enumerate(credits, start=1)
    ]


@pytest.mark.parametrize(("kind", "sample"), sorted(KEYS.items()))
def test_validate_data_accepts_the_sample_keys(kind, sample):
    grading.validate_data(kind, sample["data"], sample.get("choices"))


def test_validate_data_without_choices_checks_only_data():
    # Question.clean() validates data before the choices exist.
    grading.validate_data("single_choice", {})


MALFORMED = [
    ("poll", {}, None),
    ("essay", [], None),
    ("single_choice", {}, choices_with(1.0)),
    ("single_choice", {}, choices_with(0.5, 0.5)),
    ("single_choice", {}, choices_with(1.0, 1.5)),
    ("single_choice", {}, choices_with(1.0, "0")),
    (
        "single_choice",
        {},
        [{"id": 1, "text": "A", "credit": 1}, {"id": 1, "text": "B"}],
    ),
    ("single_choice", {}, [{"id": "1", "text": "A", "credit": 1}] * 2),
    ("single_choice", {}, [{"id": 1, "text": "", "credit": 1}, {"id": 2, "text": "B"}]),
    ("single_choice", {}, "choices"),
    ("true_false", {}, choices_with(1.0, 0.0, 0.0)),
    ("multiple_response", {}, choices_with(0.5, 0.4, -1)),
    ("multiple_response", {}, choices_with(1.0)),
    ("multiple_response", {}, choices_with(0.5, 0.5, math.nan)),
    ("short_answer", {"answers": []}, None),
    ("short_answer", {"answers": [{"text": "yes", "credit": 0}]}, None),
    ("short_answer", {"answers": [{"text": "*", "credit": 1}]}, None),
    ("short_answer", {"answers": [{"text": "?!", "credit": 1}]}, None),
    ("short_answer", {"answers": [{"text": 5, "credit": 1}]}, None),
    ("short_answer", {"answers": [{"text": "yes", "credit": 1.5}]}, None),
    ("short_answer", {"answers": [{"text": "yes", "credit": 1, "feedback": 3}]}, None),
    ("numeric", {"answers": [{"credit": 1}]}, None),
    ("numeric", {"answers": [{"value": 1, "tolerance": -1, "credit": 1}]}, None),
    ("numeric", {"answers": [{"value": "1", "credit": 1}]}, None),
    ("numeric", {"answers": [{"min": 3, "max": 2, "credit": 1}]}, None),
    ("numeric", {"answers": [{"value": math.inf, "credit": 1}]}, None),
    ("ordering", {"items": [{"id": "a", "text": "A"}]}, None),
    ("ordering", {"items": [{"id": "a", "text": "A"}, {"id": "a", "text": "B"}]}, None),
    (
        "ordering",
        {"items": [{"id": None, "text": "A"}, {"id": "b", "text": "B"}]},
        None,
    ),
    ("matching", {"pairs": [{"id": "m1", "prompt": "P", "answer": "A"}]}, None),
    (
        "matching",
        {
            "pairs": [
                {"id": "m1", "prompt": "P", "answer": "A"},
                {"id": "m1", "prompt": "Q", "answer": "B"},
            ]
        },
        None,
    ),
    (
        "matching",
        {
            "pairs": [
                {"id": "m1", "prompt": "P", "answer": "A"},
                {"id": "m2", "prompt": "Q", "answer": ""},
            ]
        },
        None,
    ),
    (
        "matching",
        {
            "pairs": [
                {"id": 1, "prompt": "P", "answer": "A"},
                {"id": 2, "prompt": "Q", "answer": "B"},
            ]
        },
        None,
    ),
    (
        "matching",
        {
            "pairs": [
                {"id": "m1", "prompt": "P", "answer": "A"},
                {"id": "m2", "prompt": "Q", "answer": "B"},
            ],
            "distractors": ["A"],
        },
        None,
    ),
    (
        "tradeoff_allocation",
        {"values": ["A"], "ranges": [[0, 100]], "falloff": 10},
        None,
    ),
    (
        "tradeoff_allocation",
        {"values": list("ABCDE"), "ranges": [[0, 100]] * 5, "falloff": 10},
        None,
    ),
    (
        "tradeoff_allocation",
        {"values": ["A", "B"], "ranges": [[0, 100]], "falloff": 10},
        None,
    ),
    (
        "tradeoff_allocation",
        {"values": ["A", "B"], "ranges": [[60, 40], [0, 100]], "falloff": 10},
        None,
    ),
    (
        "tradeoff_allocation",
        {"values": ["A", "B"], "ranges": [[0, 120], [0, 100]], "falloff": 10},
        None,
    ),
    (
        "tradeoff_allocation",
        {"values": ["A", "B"], "ranges": [[10, 30], [10, 30]], "falloff": 10},
        None,
    ),
    (
        "tradeoff_allocation",
        {"values": ["A", "B"], "ranges": [[60, 80], [60, 80]], "falloff": 10},
        None,
    ),
    (
        "tradeoff_allocation",
        {"values": ["A", "B"], "ranges": [[40.2, 40.8], [0, 100]], "falloff": 10},
        None,
    ),
    (
        "tradeoff_allocation",
        {"values": ["A", "B"], "ranges": [[0, 100], [0, 100]], "falloff": 0},
        None,
    ),
    (
        "tradeoff_position",
        {"left": "A", "right": "B", "range": [40, 70], "falloff": -5},
        None,
    ),
    (
        "tradeoff_position",
        {"left": "A", "right": "B", "range": [70, 40], "falloff": 5},
        None,
    ),
    (
        "tradeoff_position",
        {"left": "A", "right": "B", "range": [-1, 40], "falloff": 5},
        None,
    ),
    (
        "tradeoff_position",
        {"left": "A", "right": "", "range": [0, 40], "falloff": 5},
        None,
    ),
    (
        "tradeoff_position",
        {
            "left": "A",
            "right": "B",
            "range": [0, 40],
            "falloff": 5,
            "justification": {"points": 0, "rubric": "Argue."},
        },
        None,
    ),
    (
        "tradeoff_position",
        {
            "left": "A",
            "right": "B",
            "range": [0, 40],
            "falloff": 5,
            "justification": {"points": 2},
        },
        None,
    ),
    ("essay", {}, None),
    ("essay", {"rubric": "Argue.", "min_words": -1}, None),
    ("essay", {"rubric": "Argue.", "min_words": 2.5}, None),
]


@pytest.mark.parametrize(("kind", "data", "choices"), MALFORMED)
def test_validate_data_rejects_malformed_keys(kind, data, choices):
    with pytest.raises(InvalidKey):
        grading.validate_data(kind, data, choices)


@pytest.mark.parametrize(
    "bad_key",
    [
        None,
        {"kind": "essay", "data": {"rubric": "Argue."}},
        {"kind": "essay", "points": -1, "data": {"rubric": "Argue."}},
        {"kind": "single_choice", "points": 1, "data": {}},
        {"kind": "essay", "points": 1, "data": {}},
    ],
)
def test_grading_against_a_malformed_key_raises_invalid_key(bad_key):
    with pytest.raises(InvalidKey):
        grading.grade(bad_key, {"text": "x"})


# ---------------------------------------------------------------- fuzzing

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=15,
)


def near_misses(kind):
    """Answers with the right field holding anything, often something plausible."""
    sample = KEYS[kind]
    data = sample["data"]
    ids = [c["id"] for c in sample.get("choices", [])]
    ingredients = [json_values, st.text(max_size=40), st.integers(-5, 2000)]
    if ids:
        ingredients.append(st.sampled_from(ids))
        ingredients.append(st.lists(st.sampled_from([*ids, 99]), max_size=5))
    if "answers" in data:
        ingredients.append(
            st.floats(-5, 2000) | st.sampled_from([1822, 3.1415, "No one"])
        )
    if "items" in data:
        item_ids = [item["id"] for item in data["items"]]
        ingredients.append(st.permutations(item_ids))
        ingredients.append(st.lists(st.sampled_from([*item_ids, "z"]), max_size=4))
    if "pairs" in data:
        options = [p["answer"] for p in data["pairs"]] + data["distractors"]
        pair_ids = [p["id"] for p in data["pairs"]]
        ingredients.append(
            st.dictionaries(
                st.sampled_from([*pair_ids, "zz"]),
                st.sampled_from(options) | st.none() | json_values,
            )
        )
    if "values" in data:
        ingredients.append(
            st.integers(-10, 110).map(lambda share: [share, 100 - share])
        )
    if "range" in data:
        ingredients.append(st.floats(-10, 110))
    fields = {grading.ANSWER_FIELDS[kind]: st.one_of(*ingredients)}
    if kind in grading.TRADEOFF_KINDS:
        fields["justification"] = st.text(max_size=40) | json_values
    return st.fixed_dictionaries({}, optional=fields)


@pytest.mark.parametrize("kind", sorted(KEYS))
def test_arbitrary_json_answers_raise_nothing_but_invalid_answer(kind):
    @FUZZ
    @given(answer=near_misses(kind) | json_values)
    def check(answer):
        try:
            result = grading.grade(KEYS[kind], answer)
        except InvalidAnswer as exc:
            assert str(exc)
            assert grading.is_answered(KEYS[kind], answer)
            return
        assert 0.0 <= result.fraction <= 1.0
        assert 0.0 <= result.auto_points + result.manual_points
        assert result.auto_points + result.manual_points <= grading.max_points(
            KEYS[kind]
        )
        cleaned = grading.validate_answer(KEYS[kind], answer)
        # Normalising is idempotent and grading the normalised answer changes nothing.
        assert grading.validate_answer(KEYS[kind], cleaned) == cleaned
        assert grading.grade(KEYS[kind], cleaned) == result

    check()


@FUZZ
@given(
    bounds=st.lists(
        st.tuples(st.integers(0, 100), st.integers(0, 100)).map(sorted),
        min_size=2,
        max_size=4,
    ),
    falloff=st.integers(1, 50),
)
def test_key_answer_fits_any_feasible_allocation_key(bounds, falloff):
    sample = key("tradeoff_allocation", values=[f"V{i}" for i in range(len(bounds))])
    sample["data"].update(ranges=[list(pair) for pair in bounds], falloff=falloff)
    try:
        grading.validate_data(sample["kind"], sample["data"])
    except InvalidKey:
        assert (
            not sum(low for low, _high in bounds) <= 100 <= sum(h for _l, h in bounds)
        )
        return
    assert grading.grade(sample, grading.key_answer(sample)).fraction == 1.0


@FUZZ
@given(
    texts=st.lists(
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1
        ),
        min_size=1,
        max_size=4,
    )
)
def test_key_answer_fits_any_valid_short_answer_key(texts):
    sample = key(
        "short_answer", answers=[{"text": text, "credit": 1.0} for text in texts]
    )
    try:
        grading.validate_data(sample["kind"], sample["data"])
    except InvalidKey:
        return
    assert grading.grade(sample, grading.key_answer(sample)).fraction == 1.0
