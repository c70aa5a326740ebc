"""Where each paragraph of a lesson goes when its body is edited (pure: no ORM).

Questions link to a lesson passage by its anchor #pN. Inserting, deleting or moving
paragraphs changes which text an anchor names; `moved_paragraphs` aligns the old and
new paragraph lists (difflib) and says, for every anchor whose text changes place,
where that text is now (or None when it is gone). A paragraph edited in place keeps its
anchor.

Other apps learn of a move through the two signals: `paragraphs_moving` before the save
(each receiver returns a list of reasons not to save) and `paragraphs_moved` after it.
"""

from __future__ import annotations

import difflib

from django.dispatch import Signal

from .rendering import paragraphs

__all__ = ["moved_paragraphs", "paragraphs_moved", "paragraphs_moving"]

# Sent with lesson=, moves= ({old number: new number or None}); returns [str, ...].
paragraphs_moving = Signal()
# Sent with lesson=, moves= after the new body is saved, to re-point links.
paragraphs_moved = Signal()


def moved_paragraphs(old_body: str, new_body: str) -> dict[int, int | None]:
    """Old anchor number -> new anchor number (None: gone), for anchors that change."""
    old, new = paragraphs(old_body), paragraphs(new_body)
    targets: dict[int, int | None] = {}
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for offset, i in enumerate(range(i1, i2)):
            # Kept, or edited in place: the text stays at j1 + offset.
            kept = tag == "equal" or (tag == "replace" and offset < j2 - j1)
            targets[i] = j1 + offset if kept else None
    # A paragraph the alignment calls deleted may have moved whole (two swapped):
    # follow its exact text to a place no other paragraph took.
    taken = {j for j in targets.values() if j is not None}
    for i, j in targets.items():
        if j is None:
            found = next(
                (k for k, text in enumerate(new) if text == old[i] and k not in taken),
                None,
            )
            if found is not None:
                targets[i] = found
                taken.add(found)
    return {i + 1: None if j is None else j + 1 for i, j in targets.items() if j != i}
