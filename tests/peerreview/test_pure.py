"""The pure parts: Krippendorff's alpha on the worked example, the weighted median,
calibration weights, and the allocation planner over random cohorts (hypothesis)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerreview import agreement, allocation, scoring
from tests.peerreview.factories import CRITERIA

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E: four
# observers, twelve units, values 1-5, missing values as None.
N = None
KRIPPENDORFF_2011 = list(
    zip(
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
        strict=True,
    )
)


@pytest.mark.parametrize(
    ("metric", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)],
)
def test_alpha_matches_krippendorffs_worked_example(metric, expected):
    assert agreement.alpha(KRIPPENDORFF_2011, metric) == pytest.approx(
        expected, abs=5e-4
    )


def test_alpha_is_1_when_raters_agree_and_none_without_variation():
    assert agreement.alpha([[1, 1], [2, 2], [3, 3]], "interval") == 1.0
    assert agreement.alpha([[2, 2], [2, 2]], "ordinal") is None
    assert agreement.alpha([[1], [2]], "ordinal") is None


def test_weighted_median_follows_the_weights():
    assert scoring.weighted_median([0, 1, 2], [1, 1, 1]) == 1
    assert scoring.weighted_median([0, 2, 2], [1, 0.1, 0.1]) == 0
    assert scoring.weighted_median([0, 1], [1, 1]) == 0  # the lower median


def test_combine_takes_the_weighted_median_per_criterion_and_measures_spread():
    reviews = [([2, 2], 1.0), ([2, 0], 1.0), ([0, 2], 0.2)]
    combined = scoring.combine(CRITERIA, reviews)
    assert combined.levels == [2, 2]
    assert combined.points == 3.0
    # Both criteria saw their bottom and top level: the widest spread there is.
    assert combined.spread == 1.0


def test_calibration_error_and_weight():
    assert scoring.calibration_error(CRITERIA, [2, 2], [2, 2]) == 0
    assert scoring.calibration_error(CRITERIA, [0, 0], [2, 2]) == 1
    assert scoring.calibration_error(CRITERIA, [1, 2], [2, 2]) == 0.25
    assert scoring.calibration_weight([0.25, 0.75]) == 0.5
    assert scoring.calibration_weight([1.0]) == scoring.MIN_WEIGHT
    assert scoring.calibration_weight([]) == 1.0


def test_check_levels_refuses_missing_or_impossible_levels():
    with pytest.raises(ValueError):
        scoring.check_levels(CRITERIA, [0])
    with pytest.raises(ValueError):
        scoring.check_levels(CRITERIA, [0, 3])
    with pytest.raises(ValueError):
        scoring.check_levels(CRITERIA, [True, 0])
    assert scoring.check_levels(CRITERIA, [2, 0]) == [2, 0]


def simulate(batches: list[int], k: int):
    """Students submit in batches; after each batch one allocation run (as the task
    does); then the deadline reassigns what is short. Returns the pairs and cohort."""
    answers: dict[int, allocation.Answer] = {}
    reviewers: dict[int, allocation.Reviewer] = {}
    pairs: list[tuple[int, int]] = []
    student = 0
    for size in batches:
        for _ in range(size):
            student += 1
            answers[student] = allocation.Answer(student, student, 0)
            reviewers[student] = allocation.Reviewer(student, 0, position=student)
        needy = [r for r in reviewers.values() if r.to_give < k]
        pairs += allocation.plan(needy, list(answers.values()), k)
        short = [r for r in needy if r.to_give < k]
        if short:
            taken = {r.user: r.taken for r in reviewers.values()}
            for other, answer, reviewer in allocation.swap(
                short, answers, [(r, a, a) for r, a in pairs], taken, k
            ):
                pairs.remove((other, answer))
                pairs += [(reviewer, answer), (other, reviewer)]
    short = [a for a in answers.values() if a.assigned < k]
    more, stuck = allocation.reassign(short, list(reviewers.values()), k)
    return pairs, more, stuck, student


cohorts = st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(batches=cohorts, k=st.integers(min_value=1, max_value=5))
def test_allocation_never_self_never_twice_and_k_each(batches, k):
    pairs, more, stuck, n = simulate(batches, k)
    everything = pairs + more
    assert all(reviewer != answer for reviewer, answer in everything)
    assert len(set(everything)) == len(everything)
    want = min(k, n - 1)
    received = Counter(answer for _r, answer in everything)
    given_ = Counter(reviewer for reviewer, _a in everything)
    # On submit: nobody writes more than k, no answer gets more than k.
    assert max(Counter(a for _r, a in pairs).values(), default=0) <= k
    assert max(Counter(r for r, _a in pairs).values(), default=0) <= k
    # After the deadline every answer has its k (or every peer there is; then what is
    # short goes to the instructor) ...
    assert not stuck or n - 1 < k
    assert all(received[s] == want for s in range(1, n + 1))
    # ... and the work is spread fairly: once the cohort has room (n >= 2k) nobody
    # writes more than one review more than anybody else; in a tight cohort, two.
    counts = [given_[s] for s in range(1, n + 1)]
    assert max(counts) - min(counts) <= (1 if n >= 2 * k else 2)


@settings(max_examples=200, deadline=None)
@given(batches=cohorts, k=st.integers(min_value=1, max_value=5))
def test_allocation_on_submit_is_fair_when_everyone_arrives(batches, k):
    pairs, _more, _stuck, n = simulate(batches, k)
    if n <= k:
        return
    received = Counter(answer for _r, answer in pairs)
    given_ = Counter(reviewer for reviewer, _a in pairs)
    # Totals match and no answer is starved by more than what late arrival costs.
    assert sum(received.values()) == sum(given_.values())
    assert all(given_[s] <= k for s in range(1, n + 1))
