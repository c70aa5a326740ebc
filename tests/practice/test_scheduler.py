"""The pure scheduler: the same history and clock give the same set; due and weak first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from practice import mastery, scheduler
from practice.scheduler import Candidate, Memory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def card(due_in_days: float) -> Memory:
    return Memory(
        state=2,
        step=None,
        stability=3.0,
        difficulty=5.0,
        due=NOW + timedelta(days=due_in_days),
        last_review=NOW - timedelta(days=3),
    )


def test_the_same_history_and_clock_give_the_same_set():
    candidates = [Candidate(q, (q % 3,)) for q in range(1, 30)]
    cards = {q: card(q % 5 - 2) for q in range(1, 30, 2)}
    weights = {0: 0.2, 1: 0.9, 2: 0.5}
    first = scheduler.choose(candidates, cards, weights, now=NOW, seed="7:2026-03-02")
    again = scheduler.choose(
        list(reversed(candidates)),
        dict(cards),
        dict(weights),
        now=NOW,
        seed="7:2026-03-02",
    )
    assert first == again
    assert 5 <= len(first) <= 10


def test_a_later_clock_can_change_the_set():
    candidates = [Candidate(1, (1,)), Candidate(2, (1,))]
    cards = {1: card(1), 2: card(3)}
    today = scheduler.choose(candidates, cards, {}, now=NOW, seed="s", size_min=0)
    later = scheduler.choose(
        candidates, cards, {}, now=NOW + timedelta(days=2), seed="s", size_min=0
    )
    assert today == []
    assert later == [1]


def test_due_cards_come_first_then_new_questions_weakest_tradeoff_first():
    candidates = [
        Candidate(1, (10,)),  # new, strong tradeoff
        Candidate(2, (20,)),  # new, weak tradeoff
        Candidate(3, (10,)),  # due
        Candidate(4, (20,)),  # not due
    ]
    cards = {3: card(-1), 4: card(5)}
    chosen = scheduler.choose(
        candidates, cards, {10: 0.9, 20: 0.1}, now=NOW, seed="s", size_min=0
    )
    assert chosen == [3, 2, 1]


def test_among_due_cards_the_weakest_tradeoff_then_the_most_overdue_leads():
    candidates = [Candidate(1, (10,)), Candidate(2, (20,)), Candidate(3, (20,))]
    cards = {1: card(-5), 2: card(-1), 3: card(-3)}
    chosen = scheduler.choose(candidates, cards, {10: 0.8, 20: 0.3}, now=NOW, seed="s")
    assert chosen == [3, 2, 1]


def test_a_tradeoff_without_evidence_counts_as_half_mastered():
    known_weak = Candidate(1, (10,))
    unknown = Candidate(2, (99,))
    no_tradeoff = Candidate(3, ())
    weights = {10: 0.2}
    assert scheduler.weakness(known_weak, weights) == pytest.approx(0.8)
    assert scheduler.weakness(unknown, weights) == pytest.approx(0.5)
    chosen = scheduler.choose(
        [no_tradeoff, unknown, known_weak], {}, weights, now=NOW, seed="s"
    )
    assert chosen == [1, 2, 3]


def test_a_set_holds_at_most_ten_and_at_most_five_new():
    candidates = [Candidate(q, (1,)) for q in range(1, 40)]
    new_only = scheduler.choose(candidates, {}, {}, now=NOW, seed="s")
    assert len(new_only) == 5
    cards = {q: card(-1) for q in range(1, 40)}
    due_only = scheduler.choose(candidates, cards, {}, now=NOW, seed="s")
    assert len(due_only) == 10


def test_cards_not_yet_due_fill_a_set_up_to_five_soonest_first():
    candidates = [Candidate(q, (1,)) for q in range(1, 9)]
    cards = {q: card(q) for q in range(1, 9)}
    assert scheduler.choose(candidates, cards, {}, now=NOW, seed="s") == [1, 2, 3, 4, 5]


def test_one_question_per_pool_slot():
    candidates = [
        Candidate(1, (1,), slot="4:borders"),
        Candidate(2, (1,), slot="4:borders"),
        Candidate(3, (1,), slot="5:borders"),
        Candidate(4, (1,)),
    ]
    chosen = scheduler.choose(candidates, {}, {}, now=NOW, seed="s")
    assert sorted(chosen)[-2:] == [3, 4]
    assert len([q for q in chosen if q in (1, 2)]) == 1


def test_equally_weak_new_questions_are_ordered_by_student_and_day():
    candidates = [Candidate(q, (1,)) for q in range(1, 60)]
    monday = scheduler.choose(candidates, {}, {}, now=NOW, seed="7:2026-03-02")
    tuesday = scheduler.choose(candidates, {}, {}, now=NOW, seed="7:2026-03-03")
    assert monday != tuesday
    assert monday == scheduler.choose(candidates, {}, {}, now=NOW, seed="7:2026-03-02")


@pytest.mark.parametrize(
    ("fraction", "rating"),
    [
        (1.0, fsrs.Rating.Good),
        (0.9999999, fsrs.Rating.Good),
        (0.75, fsrs.Rating.Hard),
        (0.5, fsrs.Rating.Hard),
        (0.49, fsrs.Rating.Again),
        (0.0, fsrs.Rating.Again),
    ],
)
def test_the_rating_follows_the_share_of_points(fraction, rating):
    assert scheduler.rating_for(fraction) == rating


def test_fsrs_spaces_a_remembered_card_further_each_time_and_is_deterministic():
    first = scheduler.review(None, fsrs.Rating.Good, NOW)
    assert first.due > NOW
    assert first.state == fsrs.State.Review
    later = first.due
    second = scheduler.review(first, fsrs.Rating.Good, later)
    assert scheduler.interval(second) > scheduler.interval(first)
    assert scheduler.review(first, fsrs.Rating.Good, later) == second


def test_a_missed_card_comes_back_sooner_than_a_remembered_one():
    start = scheduler.review(None, fsrs.Rating.Good, NOW)
    missed = scheduler.review(start, fsrs.Rating.Again, start.due)
    remembered = scheduler.review(start, fsrs.Rating.Good, start.due)
    assert missed.due < remembered.due
    # Daily sets: even a missed card waits at least a day.
    assert missed.due - start.due >= timedelta(days=1)


def test_review_accepts_any_aware_clock_at_utc_offset():
    from zoneinfo import ZoneInfo

    paris = NOW.astimezone(ZoneInfo("Europe/Paris"))
    assert scheduler.review(None, fsrs.Rating.Good, paris) == scheduler.review(
        None, fsrs.Rating.Good, NOW
    )


class _Q:
    def __init__(self, tradeoff_ids, applied=True):
        self.tradeoff_ids = tradeoff_ids
        self.applied = applied


def test_mastery_shares_count_the_latest_answer_at_apply_level_only():
    from decimal import Decimal as D

    questions = {1: _Q((10,)), 2: _Q((10, 20)), 3: _Q((20,), applied=False)}
    rows = [
        mastery.Scored(1, D(0), D(1), NOW - timedelta(days=2)),
        mastery.Scored(1, D(1), D(1), NOW),  # the latest answer counts
        mastery.Scored(2, D(0), D(2), NOW),
        mastery.Scored(3, D(5), D(5), NOW),  # recall: not counted
    ]
    shares = mastery.shares(rows, questions)
    assert (shares[10].earned, shares[10].possible, shares[10].percent) == (
        D(1),
        D(3),
        33,
    )
    assert shares[20].percent == 0
    assert mastery.combined(shares, {10: mastery.Share(D(3), D(3))}) == {
        10: pytest.approx(4 / 6),
        20: 0.0,
    }
