"""Choose which answers each reviewer reviews; plain values, no ORM.

Rules (issue 17): never one's own answer, never the same answer twice, each answer
reviewed k times, spread evenly. Reviewers are served in the order they submitted; each
takes the answers with the fewest reviews so far (the oldest first among equals), and no
answer gets more than k while allocation runs, so late answers are not starved by early
ones. What is still short at the deadline is given out again (`reassign`).
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Answer:
    id: int
    author: int
    assigned: int  # reviews of it in force


@dataclass
class Reviewer:
    user: int
    to_give: int  # reviews given to write so far
    taken: set[int] = field(default_factory=set)  # answers they already have
    position: int = 0  # their own answer's id: where their rotation starts


def _pick(bucket: list[int], after: int, eligible) -> int | None:
    """The first eligible answer in `bucket` (sorted ids) after `after`, wrapping round:
    answers are taken in a rotation, so a batch of simultaneous submits reviews each
    other in a ring instead of all picking the oldest answer."""
    start = bisect.bisect_right(bucket, after)
    size = len(bucket)
    for step in range(size):
        candidate = bucket[(start + step) % size]
        if eligible(candidate):
            return candidate
    return None


def plan(
    reviewers: Iterable[Reviewer], answers: Iterable[Answer], k: int
) -> list[tuple[int, int]]:
    """(reviewer, answer) pairs that bring every reviewer as close to k reviews as the
    answers still under k allow. Counts in the arguments are updated in place.

    A reviewer takes the answers with the fewest reviews; among equals, the next ones
    after their own answer (`Reviewer.position`) in submission order.
    """
    by_id = {a.id: a for a in answers if a.assigned < k}
    buckets: dict[int, list[int]] = {}
    for answer in sorted(by_id.values(), key=lambda a: a.id):
        buckets.setdefault(answer.assigned, []).append(answer.id)
    pairs: list[tuple[int, int]] = []
    for reviewer in reviewers:
        while reviewer.to_give < k:
            chosen = None
            for count in sorted(c for c, ids in buckets.items() if ids):
                chosen = _pick(
                    buckets[count],
                    reviewer.position,
                    lambda pk, r=reviewer: (
                        by_id[pk].author != r.user and pk not in r.taken
                    ),
                )
                if chosen is not None:
                    break
            if chosen is None:
                break
            answer = by_id[chosen]
            buckets[answer.assigned].remove(chosen)
            answer.assigned += 1
            if answer.assigned < k:
                bisect.insort(buckets.setdefault(answer.assigned, []), chosen)
            pairs.append((reviewer.user, chosen))
            reviewer.taken.add(chosen)
            reviewer.to_give += 1
    return pairs


def swap(
    reviewers: Iterable[Reviewer],
    answers: dict[int, Answer],
    open_pairs: list[tuple[int, int, int]],
    taken: dict[int, set[int]],
    k: int,
) -> list[tuple[int, int, int]]:
    """Close the ring for reviewers left short because every peer's answer already has
    its k: a reviewer X with an unwritten review of answer A hands A over to the short
    reviewer R and reviews R's answer instead. Nobody's counts change except R's (one
    more to write) and R's answer's (one more review).

    `open_pairs` are (reviewer, answer, answer's author) of reviews not yet written.
    Returns (X, A, R) moves; `open_pairs` and `taken` are updated in place.
    """
    moves: list[tuple[int, int, int]] = []
    for reviewer in reviewers:
        own = answers.get(reviewer.position)
        while reviewer.to_give < k and own is not None and own.assigned < k:
            found = None
            for index, (other, answer_id, author) in enumerate(open_pairs):
                mine = taken.setdefault(other, set())
                if (
                    other != reviewer.user
                    and author != reviewer.user
                    and answer_id not in reviewer.taken
                    and own.id not in mine
                ):
                    found = index
                    break
            if found is None:
                break
            other, answer_id, author = open_pairs.pop(found)
            open_pairs.append((reviewer.user, answer_id, author))
            open_pairs.append((other, own.id, reviewer.user))
            taken[other].add(own.id)
            reviewer.taken.add(answer_id)
            reviewer.to_give += 1
            own.assigned += 1
            moves.append((other, answer_id, reviewer.user))
    return moves


def reassign(
    answers: Iterable[Answer], reviewers: Iterable[Reviewer], k: int
) -> tuple[list[tuple[int, int]], list[int]]:
    """At the deadline: give each answer short of k reviews to the reviewers with the
    fewest reviews to write (not its author, not one who had it); returns the pairs and
    the answers no one is left for (they go to the instructor)."""
    pool = [(r.to_give, r.user, r) for r in reviewers]
    heapq.heapify(pool)
    pairs: list[tuple[int, int]] = []
    stuck: list[int] = []
    for answer in sorted(answers, key=lambda a: (a.assigned, a.id)):
        skipped = []
        while answer.assigned < k and pool:
            entry = heapq.heappop(pool)
            reviewer = entry[2]
            if reviewer.user == answer.author or answer.id in reviewer.taken:
                skipped.append(entry)
                continue
            pairs.append((reviewer.user, answer.id))
            reviewer.taken.add(answer.id)
            reviewer.to_give += 1
            answer.assigned += 1
            heapq.heappush(pool, (reviewer.to_give, reviewer.user, reviewer))
        for entry in skipped:
            heapq.heappush(pool, entry)
        if answer.assigned < k:
            stuck.append(answer.id)
    return pairs, stuck
