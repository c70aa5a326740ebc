"""Choose which answers each reviewer reviews; plain values, no ORM.

Rules (issue 17): never one's own answer, never the same answer twice, each answer
reviewed k times, spread evenly. Reviewers are served in the order they submitted; each
takes the answers with the fewest reviews so far (the oldest first among equals), and no
answer gets more than k while allocation runs, so late answers are not starved by early
ones. What is still short at the deadline is given out again (`reassign`).
"""

from __future__ import annotations

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


def plan(
    reviewers: Iterable[Reviewer], answers: Iterable[Answer], k: int
) -> list[tuple[int, int]]:
    """(reviewer, answer) pairs that bring every reviewer as close to k reviews as the
    answers still under k allow. Counts in the arguments are updated in place."""
    heap = [(a.assigned, a.id, a) for a in answers if a.assigned < k]
    heapq.heapify(heap)
    pairs: list[tuple[int, int]] = []
    for reviewer in reviewers:
        skipped = []
        while reviewer.to_give < k and heap:
            entry = heapq.heappop(heap)
            answer = entry[2]
            if answer.author == reviewer.user or answer.id in reviewer.taken:
                skipped.append(entry)
                continue
            pairs.append((reviewer.user, answer.id))
            reviewer.taken.add(answer.id)
            reviewer.to_give += 1
            answer.assigned += 1
            if answer.assigned < k:
                heapq.heappush(heap, (answer.assigned, answer.id, answer))
        for entry in skipped:
            heapq.heappush(heap, entry)
    return pairs


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
