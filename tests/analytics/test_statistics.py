"""Check analytics.statistics against item statistics worked out by hand."""

import statistics
from decimal import Decimal

import pytest

# The module, not its names: importing test_stats bare would make pytest collect it.
from analytics import statistics as qstats
from analytics.statistics import AttemptRecord, AttemptScores

MAX = {"q1": 1.0, "q2": 1.0, "q3": 2.0}

# Five students, three questions: q1 and q2 are right/wrong (1 mark), q3 has partial
# credit out of 2.
#
#   attempt   q1   q2   q3  | total  rest-of-test (total - q)
#                            |         q1    q2    q3
#   s1         1    1   2.0 |  4.0    3.0   3.0   2.0
#   s2         1    0   1.5 |  2.5    1.5   2.5   1.0
#   s3         1    1   0.5 |  2.5    1.5   1.5   2.0
#   s4         0    0   1.0 |  1.0    1.0   1.0   0.0
#   s5         0    1   0.0 |  1.0    1.0   0.0   1.0
ROWS = {
    "s1": {"q1": 1.0, "q2": 1.0, "q3": 2.0},
    "s2": {"q1": 1.0, "q2": 0.0, "q3": 1.5},
    "s3": {"q1": 1.0, "q2": 1.0, "q3": 0.5},
    "s4": {"q1": 0.0, "q2": 0.0, "q3": 1.0},
    "s5": {"q1": 0.0, "q2": 1.0, "q3": 0.0},
}
MATRIX = [AttemptScores(sid, scores, MAX) for sid, scores in ROWS.items()]

# Sample (co)variances divide every sum of products by n - 1 = 4; in the
# discrimination index and efficiency that divisor cancels, so the comments work with
# the raw sums S(a, b) = sum((a - mean a) * (b - mean b)).


def approx(value):
    return pytest.approx(value, abs=1e-4)


def test_facility_is_mean_mark_as_percent_of_max():
    stats = qstats.question_stats(MATRIX)
    # q1: (1+1+1+0+0)/5 = 0.6 of 1 -> 60.0000
    assert stats["q1"].facility == approx(60.0)
    # q2: (1+0+1+0+1)/5 = 0.6 of 1 -> 60.0000
    assert stats["q2"].facility == approx(60.0)
    # q3: (2+1.5+0.5+1+0)/5 = 5/5 = 1.0 of 2 -> 50.0000
    assert stats["q3"].mean == approx(1.0)
    assert stats["q3"].facility == approx(50.0)
    assert stats["q3"].max_mark == 2.0
    assert {s.n for s in stats.values()} == {5}


def test_sd_is_sample_sd_as_percent_of_max():
    stats = qstats.question_stats(MATRIX)
    # q1: deviations from 0.6: 0.4, 0.4, 0.4, -0.6, -0.6
    #     S = 3 * 0.16 + 2 * 0.36 = 1.2; var = 1.2 / 4 = 0.3
    #     SD = 100 * sqrt(0.3) / 1 = 54.7723
    assert stats["q1"].sd == approx(54.7723)
    # q2: same marks in another order, so the same 54.7723
    assert stats["q2"].sd == approx(54.7723)
    # q3: deviations from 1.0: 1, 0.5, -0.5, 0, -1
    #     S = 1 + 0.25 + 0.25 + 0 + 1 = 2.5; var = 2.5 / 4 = 0.625
    #     SD = 100 * sqrt(0.625) / 2 = 100 * 0.790569 / 2 = 39.5285
    assert stats["q3"].sd == approx(39.5285)


def test_discrimination_index_correlates_question_with_rest_of_test():
    stats = qstats.question_stats(MATRIX)
    # q1: x devs 0.4, 0.4, 0.4, -0.6, -0.6 (S(x,x) = 1.2)
    #     rest 3, 1.5, 1.5, 1, 1; mean 8/5 = 1.6; devs 1.4, -0.1, -0.1, -0.6, -0.6
    #     S(r,r) = 1.96 + 0.01 + 0.01 + 0.36 + 0.36 = 2.7
    #     S(x,r) = 0.4*1.4 + 0.4*(-0.1) * 2 + (-0.6)*(-0.6) * 2 = 0.56 - 0.08 + 0.72 = 1.2
    #     D = 100 * 1.2 / sqrt(1.2 * 2.7) = 100 * 1.2 / 1.8 = 66.6667
    assert stats["q1"].discrimination_index == approx(66.6667)
    # q2: x devs 0.4, -0.6, 0.4, -0.6, 0.4 (S(x,x) = 1.2)
    #     rest 3, 2.5, 1.5, 1, 0; mean 1.6; devs 1.4, 0.9, -0.1, -0.6, -1.6
    #     S(r,r) = 1.96 + 0.81 + 0.01 + 0.36 + 2.56 = 5.7
    #     S(x,r) = 0.56 - 0.54 - 0.04 + 0.36 - 0.64 = -0.3
    #     D = 100 * -0.3 / sqrt(1.2 * 5.7) = -30 / 2.615339 = -11.4708
    assert stats["q2"].discrimination_index == approx(-11.4708)
    # q3: x devs 1, 0.5, -0.5, 0, -1 (S(x,x) = 2.5)
    #     rest 2, 1, 2, 0, 1; mean 1.2; devs 0.8, -0.2, 0.8, -1.2, -0.2
    #     S(r,r) = 0.64 + 0.04 + 0.64 + 1.44 + 0.04 = 2.8
    #     S(x,r) = 0.8 - 0.1 - 0.4 + 0 + 0.2 = 0.5
    #     D = 100 * 0.5 / sqrt(2.5 * 2.8) = 50 / sqrt(7) = 50 / 2.645751 = 18.8982
    assert stats["q3"].discrimination_index == approx(18.8982)


def test_discrimination_index_matches_statistics_correlation():
    stats = qstats.question_stats(MATRIX)
    totals = [sum(row.values()) for row in ROWS.values()]
    for qid in MAX:
        xs = [row[qid] for row in ROWS.values()]
        rest = [total - x for total, x in zip(totals, xs, strict=True)]
        expected = 100 * statistics.correlation(xs, rest)
        assert stats[qid].discrimination_index == approx(expected)


def test_discriminative_efficiency_divides_by_covariance_of_sorted_marks():
    stats = qstats.question_stats(MATRIX)
    # q1: sorted x 0, 0, 1, 1, 1 against sorted rest 1, 1, 1.5, 1.5, 3 pairs the marks
    #     the way the students already did, so S_max = S(x,r) = 1.2
    #     E = 100 * 1.2 / 1.2 = 100.0000
    assert stats["q1"].discriminative_efficiency == approx(100.0)
    # q2: sorted x 0, 0, 1, 1, 1 (devs -0.6, -0.6, 0.4, 0.4, 0.4)
    #     sorted rest 0, 1, 1.5, 2.5, 3 (devs -1.6, -0.6, -0.1, 0.9, 1.4)
    #     S_max = 0.96 + 0.36 - 0.04 + 0.36 + 0.56 = 2.2
    #     E = 100 * -0.3 / 2.2 = -13.6364
    assert stats["q2"].discriminative_efficiency == approx(-13.6364)
    # q3: sorted x 0, 0.5, 1, 1.5, 2 (devs -1, -0.5, 0, 0.5, 1)
    #     sorted rest 0, 1, 1, 2, 2 (devs -1.2, -0.2, -0.2, 0.8, 0.8)
    #     S_max = 1.2 + 0.1 + 0 + 0.4 + 0.8 = 2.5
    #     E = 100 * 0.5 / 2.5 = 20.0000
    assert stats["q3"].discriminative_efficiency == approx(20.0)


def test_test_stats_describe_the_totals():
    stats = qstats.test_stats(MATRIX)
    # totals 4, 2.5, 2.5, 1, 1 out of 1 + 1 + 2 = 4
    assert stats.n == 5
    assert stats.max_total == 4.0
    # mean 11 / 5 = 2.2 -> 100 * 2.2 / 4 = 55.0000
    assert stats.mean == approx(55.0)
    # median 2.5 -> 62.5000
    assert stats.median == approx(62.5)
    # devs 1.8, 0.3, 0.3, -1.2, -1.2; S = 3.24 + 0.09 + 0.09 + 1.44 + 1.44 = 6.3
    # var = 6.3 / 4 = 1.575; SD = sqrt(1.575) = 1.254990 -> 100 * 1.254990 / 4 = 31.3748
    assert stats.sd == approx(31.3748)


def test_skewness_and_kurtosis_use_moodle_sample_cumulants():
    stats = qstats.test_stats(MATRIX)
    # devs 1.8, 0.3, 0.3, -1.2, -1.2 (n = 5)
    # m2 = 6.3 / 5 = 1.26
    # m3 = (5.832 + 0.027 + 0.027 - 1.728 - 1.728) / 5 = 2.43 / 5 = 0.486
    # m4 = (10.4976 + 0.0081 + 0.0081 + 2.0736 + 2.0736) / 5 = 14.661 / 5 = 2.9322
    # k2 = 5 * 1.26 / 4 = 1.575
    # k3 = 25 * 0.486 / (4 * 3) = 1.0125
    # skewness = 1.0125 / 1.575^1.5 = 1.0125 / 1.976609 = 0.5122
    assert stats.skewness == approx(0.5122)
    # k4 = 25 * (6 * 2.9322 - 3 * 4 * 1.26^2) / (4 * 3 * 2)
    #    = 25 * (17.5932 - 19.0512) / 24 = -1.51875
    # kurtosis = -1.51875 / 1.575^2 = -1.51875 / 2.480625 = -0.6122
    assert stats.kurtosis == approx(-0.6122)


def test_cronbach_alpha_and_standard_error():
    stats = qstats.test_stats(MATRIX)
    # item variances (S / 4): q1 1.2/4 = 0.3, q2 0.3, q3 2.5/4 = 0.625; sum 1.225
    # total variance 1.575 (above); k = 3
    # alpha = 3/2 * (1 - 1.225 / 1.575) = 1.5 * 0.35 / 1.575 = 1.5 * 0.222222 = 0.3333
    assert stats.alpha == approx(0.3333)
    # error ratio sqrt(1 - 1/3) = sqrt(2/3) = 0.8165
    assert stats.error_ratio == approx(0.8165)
    # SEM = 1.254990 * 0.816497 = 1.024695 marks -> 100 * 1.024695 / 4 = 25.6174
    assert stats.sem == approx(25.6174)


def test_cronbach_alpha_matches_inline_variance_computation():
    columns = [[row[qid] for row in ROWS.values()] for qid in MAX]
    totals = [sum(row.values()) for row in ROWS.values()]
    k = len(columns)
    item_variance_sum = sum(statistics.variance(column) for column in columns)
    expected = k / (k - 1) * (1 - item_variance_sum / statistics.variance(totals))
    assert qstats.test_stats(MATRIX).alpha == pytest.approx(expected, rel=1e-12)
    assert qstats.cronbach_alpha(columns) == pytest.approx(expected, rel=1e-12)


def test_alpha_on_right_wrong_items_equals_kr20():
    # Five students, four 0/1 items:
    #   s1 1 1 1 1 = 4;  s2 1 1 1 0 = 3;  s3 1 1 0 0 = 2;  s4 1 0 1 0 = 2;  s5 0 0 0 0 = 0
    rows = [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]
    qids = ["i1", "i2", "i3", "i4"]
    matrix = [
        AttemptScores(
            n, dict(zip(qids, map(float, row), strict=True)), dict.fromkeys(qids, 1.0)
        )
        for n, row in enumerate(rows)
    ]
    # p = 4/5, 3/5, 3/5, 1/5; pq = 0.16, 0.24, 0.24, 0.16; sum pq = 0.8
    # totals 4, 3, 2, 2, 0; mean 2.2; devs 1.8, 0.8, -0.2, -0.2, -2.2
    # population variance = (3.24 + 0.64 + 0.04 + 0.04 + 4.84) / 5 = 8.8 / 5 = 1.76
    # KR-20 = 4/3 * (1 - 0.8 / 1.76) = 4/3 * 6/11 = 8/11 = 0.7273
    assert qstats.test_stats(matrix).alpha == approx(0.7273)
    p = [sum(column) / len(rows) for column in zip(*rows, strict=True)]
    sum_pq = sum(pi * (1 - pi) for pi in p)
    kr20 = 4 / 3 * (1 - sum_pq / statistics.pvariance([sum(row) for row in rows]))
    assert qstats.test_stats(matrix).alpha == pytest.approx(kr20, rel=1e-12)


def test_question_missing_from_an_attempt_counts_as_zero():
    sparse = [
        AttemptScores("a", {"q1": 1.0}, {"q1": 1.0, "q2": 1.0}),
        AttemptScores("b", {"q2": 1.0}, {"q1": 1.0, "q2": 1.0}),
        AttemptScores("c", {}, {"q1": 1.0, "q2": 1.0}),
    ]
    stats = qstats.question_stats(sparse)
    # q1 marks 1, 0, 0 -> 100 * (1/3) / 1 = 33.3333
    assert stats["q1"].facility == approx(33.3333)
    assert stats["q2"].facility == approx(33.3333)
    # totals 1, 1, 0 -> 100 * (2/3) / 2 = 33.3333
    assert qstats.test_stats(sparse).mean == approx(33.3333)


def test_max_marks_name_questions_nobody_answered():
    stats = qstats.question_stats(MATRIX, max_marks={**MAX, "q4": 1.0})
    assert stats["q4"].facility == 0.0
    assert stats["q4"].discrimination_index is None
    # a fourth 1-mark question nobody got raises the max total to 5: 100 * 2.2 / 5 = 44
    assert qstats.test_stats(MATRIX, max_marks={**MAX, "q4": 1.0}).mean == approx(44.0)


def test_single_attempt_leaves_spread_statistics_undefined():
    one = MATRIX[:1]
    q1 = qstats.question_stats(one)["q1"]
    assert q1.facility == approx(100.0)
    assert q1.sd is None
    assert q1.discrimination_index is None
    assert q1.discriminative_efficiency is None
    stats = qstats.test_stats(one)
    assert stats.mean == approx(100.0)
    assert stats.median == approx(100.0)
    assert (stats.sd, stats.skewness, stats.kurtosis) == (None, None, None)
    assert (stats.alpha, stats.error_ratio, stats.sem) == (None, None, None)


def test_question_everybody_got_right_has_no_discrimination():
    matrix = [
        AttemptScores(sid, {**scores, "easy": 1.0}, {**MAX, "easy": 1.0})
        for sid, scores in ROWS.items()
    ]
    easy = qstats.question_stats(matrix)["easy"]
    assert easy.facility == approx(100.0)
    assert easy.sd == approx(0.0)
    assert easy.discrimination_index is None
    assert easy.discriminative_efficiency is None


def test_identical_totals_leave_alpha_and_shape_undefined():
    same = [AttemptScores(n, {"q1": 1.0, "q2": 0.0}, MAX) for n in range(4)]
    stats = qstats.test_stats(same)
    assert stats.sd == approx(0.0)
    assert (stats.skewness, stats.kurtosis, stats.alpha, stats.sem) == (
        None,
        None,
        None,
        None,
    )


def test_kurtosis_needs_four_attempts_and_skewness_three():
    three = qstats.test_stats(MATRIX[:3])
    assert three.skewness is not None
    assert three.kurtosis is None
    assert qstats.test_stats(MATRIX[:2]).skewness is None


def test_alpha_needs_two_questions():
    only_q3 = [AttemptScores(a.attempt_id, a.scores, {"q3": 2.0}) for a in MATRIX]
    assert qstats.test_stats(only_q3, max_marks={"q3": 2.0}).alpha is None
    assert qstats.cronbach_alpha([[1.0, 0.0, 1.0]]) is None


def test_empty_matrix_gives_no_statistics():
    assert qstats.question_stats([]) == {}
    stats = qstats.test_stats([])
    assert stats.n == 0
    assert stats.max_total == 0.0
    assert (stats.mean, stats.median, stats.sd) == (None, None, None)
    assert (stats.skewness, stats.kurtosis, stats.alpha, stats.sem) == (
        None,
        None,
        None,
        None,
    )
    q1 = qstats.question_stats([], max_marks={"q1": 1.0})["q1"]
    assert (q1.n, q1.mean, q1.facility, q1.sd) == (0, None, None, None)
    assert qstats.test_stats([], max_marks=MAX).mean is None


def test_zero_max_mark_leaves_percentages_undefined():
    matrix = [
        AttemptScores("a", {"q1": 0.0}, {"q1": 0.0}),
        AttemptScores("b", {"q1": 0.0}, {"q1": 0.0}),
    ]
    q1 = qstats.question_stats(matrix)["q1"]
    assert (q1.facility, q1.sd) == (None, None)
    assert qstats.test_stats(matrix).mean is None


def test_choice_counts_count_each_response_once_per_choice():
    picks = [["a"], ["a", "c"], ["b"], ["a"], ["a", "a"]]
    counts = qstats.choice_counts(picks, choices=["a", "b", "c", "d"])
    # "a" in responses 1, 2, 4 and 5 (5 lists it twice but is one student) -> 4
    assert counts == {"a": 4, "b": 1, "c": 1, "d": 0}
    assert qstats.choice_counts([]) == {}
    assert qstats.choice_counts([["x"], []]) == {"x": 1}


def test_position_distribution_bins_values_over_0_to_100():
    values = [0, 5, 10, 35, 40, 45, 99.5, 100]
    dist = qstats.position_distribution(values)
    # [0,10): 0, 5; [10,20): 10; [30,40): 35; [40,50): 40, 45; [90,100]: 99.5, 100
    assert dist.counts == [2, 1, 0, 1, 2, 0, 0, 0, 0, 2]
    assert dist.edges == [
        0.0,
        10.0,
        20.0,
        30.0,
        40.0,
        50.0,
        60.0,
        70.0,
        80.0,
        90.0,
        100.0,
    ]
    assert dist.n == 8
    # mean (0 + 5 + 10 + 35 + 40 + 45 + 99.5 + 100) / 8 = 334.5 / 8 = 41.8125
    assert dist.mean == approx(41.8125)
    # median of the middle two, (35 + 40) / 2 = 37.5
    assert dist.median == approx(37.5)


def test_position_distribution_with_four_bins_and_no_values():
    dist = qstats.position_distribution([25, 50, 74.9], bins=4)
    assert dist.counts == [0, 1, 2, 0]
    assert dist.edges == [0.0, 25.0, 50.0, 75.0, 100.0]
    empty = qstats.position_distribution([], bins=4)
    assert (empty.counts, empty.n, empty.mean, empty.median) == ([0] * 4, 0, None, None)


@pytest.mark.parametrize(("values", "bins"), [([101], 10), ([-1], 10), ([50], 0)])
def test_position_distribution_rejects_bad_input(values, bins):
    with pytest.raises(ValueError):
        qstats.position_distribution(values, bins=bins)


ATTEMPTS = [
    AttemptRecord("s1", 1, 5.0),
    AttemptRecord("s1", 2, 8.0),
    AttemptRecord("s1", 3, 6.0),
    AttemptRecord("s2", 1, 7.0),
    AttemptRecord("s3", 2, 9.0),
    AttemptRecord("s3", 1, 9.0),
]


def _picked(which=None):
    chosen = (
        qstats.select_attempts(ATTEMPTS)
        if which is None
        else qstats.select_attempts(ATTEMPTS, which)
    )
    return [(a.student_id, a.number) for a in chosen]


def test_select_attempts_defaults_to_each_students_first():
    assert _picked() == [("s1", 1), ("s2", 1), ("s3", 1)]


def test_select_attempts_last_and_all():
    assert _picked("last") == [("s1", 3), ("s2", 1), ("s3", 2)]
    assert _picked("all") == [(a.student_id, a.number) for a in ATTEMPTS]


def test_select_attempts_highest_breaks_ties_by_earlier_attempt():
    # s3 scored 9 on both attempts; attempt 1 wins although it is listed second
    assert _picked("highest") == [("s1", 2), ("s2", 1), ("s3", 1)]


def test_select_attempts_rejects_unknown_method():
    with pytest.raises(ValueError):
        qstats.select_attempts(ATTEMPTS, "average")


def test_decimal_marks_from_the_database_are_accepted():
    matrix = [
        AttemptScores(
            sid,
            {qid: Decimal(str(mark)) for qid, mark in scores.items()},
            {qid: Decimal(str(mark)) for qid, mark in MAX.items()},
        )
        for sid, scores in ROWS.items()
    ]
    assert qstats.question_stats(matrix)["q3"].facility == approx(50.0)
    assert qstats.test_stats(matrix).alpha == approx(0.3333)
