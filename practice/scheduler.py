"""Choose a practice set and schedule each card with FSRS: pure, no ORM, no clock.

The choice is a function of the history (the cards and the mastery per tradeoff), the
clock (`now`) and a seed (the student and the day): the same inputs give the same set.
Three tiers, in this order:

1. cards due for review (due <= now), weakest tradeoff first, then the most overdue;
2. questions never practised, weakest tradeoff first (at most `new_limit` of them);
3. only to reach `size_min`: cards not yet due, soonest due first.

A question's weakness is that of its weakest tradeoff (1 - mastery); a tradeoff with no
evidence yet counts as half mastered; a question touching no tradeoff comes last within
its tier. Questions sharing a pool slot are alternatives: at most one of them per set.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import fsrs

SET_MIN = 5
SET_MAX = 10
NEW_LIMIT = 5
UNKNOWN_MASTERY = 0.5
# A question touching no tradeoff: practised, but after those that touch a weak one.
NO_TRADEOFF_WEAKNESS = 0.0
# A full answer is "Good", a half-right one "Hard", less is "Again" (fsrs.Rating).
HARD_FROM = 0.5
_EPSILON = 1e-6

# Daily sets: no minute-scale learning steps, and no random fuzz on the intervals, so a
# card's next due date is a function of its history and the clock alone.
SCHEDULER = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


@dataclass(frozen=True)
class Candidate:
    """A question the student may practise now."""

    question_id: int
    tradeoff_ids: tuple[int, ...] = ()
    # Questions of one quiz pool share a slot ("" gives the question its own).
    slot: str = ""


@dataclass(frozen=True)
class Memory:
    """A card's FSRS state (fsrs.Card without its id)."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None = None


def weakness(candidate: Candidate, mastery: Mapping[int, float]) -> float:
    """1 - the mastery of the question's weakest tradeoff."""
    if not candidate.tradeoff_ids:
        return NO_TRADEOFF_WEAKNESS
    return max(1 - mastery.get(t, UNKNOWN_MASTERY) for t in candidate.tradeoff_ids)


def _tiebreak(seed: str, question_id: int) -> str:
    # Equally weak new questions come in an order of their own for each student and
    # day, instead of always the authoring order.
    return hashlib.sha256(f"{seed}:{question_id}".encode()).hexdigest()


def choose(
    candidates: Iterable[Candidate],
    cards: Mapping[int, Memory],
    mastery: Mapping[int, float],
    *,
    now: datetime,
    seed: str,
    size_min: int = SET_MIN,
    size_max: int = SET_MAX,
    new_limit: int = NEW_LIMIT,
) -> list[int]:
    """The question ids of the set, in the order to ask them."""
    due, new, early = [], [], []
    for candidate in candidates:
        card = cards.get(candidate.question_id)
        if card is None:
            new.append(candidate)
        elif card.due <= now:
            due.append(candidate)
        else:
            early.append(candidate)

    def weak(c: Candidate) -> float:
        return -round(weakness(c, mastery), 9)

    due.sort(
        key=lambda c: (
            weak(c),
            cards[c.question_id].due,
            _tiebreak(seed, c.question_id),
        )
    )
    new.sort(key=lambda c: (weak(c), _tiebreak(seed, c.question_id)))
    early.sort(
        key=lambda c: (
            cards[c.question_id].due,
            weak(c),
            _tiebreak(seed, c.question_id),
        )
    )
    chosen: list[int] = []
    slots: set[str] = set()

    def take(tier: list[Candidate], limit: int) -> None:
        taken = 0
        for candidate in tier:
            if len(chosen) >= size_max or taken >= limit:
                return
            if candidate.slot and candidate.slot in slots:
                continue
            chosen.append(candidate.question_id)
            taken += 1
            if candidate.slot:
                slots.add(candidate.slot)

    take(due, size_max)
    take(new, new_limit)
    if len(chosen) < size_min:
        take(early, size_min - len(chosen))
    return chosen


def rating_for(fraction: float) -> fsrs.Rating:
    """The FSRS rating an answer earning `fraction` of the points gives its card."""
    if fraction >= 1 - _EPSILON:
        return fsrs.Rating.Good
    if fraction >= HARD_FROM - _EPSILON:
        return fsrs.Rating.Hard
    return fsrs.Rating.Again


def _utc(moment: datetime) -> datetime:
    # fsrs wants datetime.timezone.utc itself, not any zone at offset 0.
    return moment.astimezone(UTC)


def review(memory: Memory | None, rating: fsrs.Rating, now: datetime) -> Memory:
    """The card's state after a review rated `rating` at `now` (None: a new card)."""
    now = _utc(now)
    if memory is None:
        card = fsrs.Card(card_id=0, due=now)
    else:
        card = fsrs.Card(
            card_id=0,
            state=fsrs.State(memory.state),
            step=memory.step,
            stability=memory.stability,
            difficulty=memory.difficulty,
            due=_utc(memory.due),
            last_review=_utc(memory.last_review) if memory.last_review else None,
        )
    card, _log = SCHEDULER.review_card(card, rating, review_datetime=now)
    return Memory(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def interval(memory: Memory) -> timedelta:
    """How long until the card is due again, from its last review."""
    return memory.due - (memory.last_review or memory.due)
