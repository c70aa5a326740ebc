"""Draw a quiz's questions for one attempt: one question per pool; no ORM.

Questions of a quiz that share a `pool` name fill one slot, as Moodle's random question
from a category does: each attempt draws one of them, preferring one the student has not
had in an earlier attempt, so a retake is not a memory test of the first. A question
with no pool is its own slot and is always dealt.

The attempt's layout records the draw: `questions` (dealt, in the order shown) and
`skipped` (pool members not drawn). A question in neither — added to the quiz after the
attempt started — belongs to the attempt, as before pools existed.
"""

from __future__ import annotations

import random
from collections.abc import Iterable


def draw(
    questions: Iterable[tuple[int, str]], seen: set[int], rng: random.Random
) -> tuple[list[int], list[int]]:
    """(dealt ids in authoring order, skipped ids) for (id, pool) pairs in order."""
    slots: list[list[int]] = []
    by_pool: dict[str, list[int]] = {}
    for question_id, pool in questions:
        if not pool:
            slots.append([question_id])
        elif pool in by_pool:
            by_pool[pool].append(question_id)
        else:
            by_pool[pool] = [question_id]
            slots.append(by_pool[pool])
    dealt, skipped = [], []
    for slot in slots:
        fresh = [question_id for question_id in slot if question_id not in seen]
        # Questions not yet seen first; once all are seen, any of them again.
        chosen = rng.choice(fresh or slot)
        dealt.append(chosen)
        skipped.extend(question_id for question_id in slot if question_id != chosen)
    return dealt, skipped


def in_attempt(layout: dict | None, question_id: int) -> bool:
    """Whether a quiz question belongs to an attempt with this layout."""
    return question_id not in set((layout or {}).get("skipped") or ())


def seen_in(layouts: Iterable[dict | None]) -> set[int]:
    """The questions dealt in earlier attempts."""
    return {
        question_id
        for layout in layouts
        for question_id in (layout or {}).get("questions") or ()
    }
