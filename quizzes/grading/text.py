"""Normalise short-answer text and match it against patterns where * is any run."""

from __future__ import annotations

import unicodedata


def _normalise(text: str, *, wildcards: bool = False) -> str:
    """Fold case, drop punctuation and collapse whitespace (keeping * in patterns)."""
    # NFKC first so full-width letters and ligatures compare equal to plain ones.
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(
        ch
        for ch in text
        if not unicodedata.category(ch).startswith("P") or (wildcards and ch == "*")
    )
    return " ".join(text.split())


def _matches_pattern(pattern: str, text: str) -> bool:
    """Whether normalised text fits a normalised pattern where * matches any run."""
    # Greedy leftmost search instead of a regex: linear time whatever the text.
    first, *middle = pattern.split("*")
    if not middle:
        return text == pattern
    last = middle.pop()
    if len(text) < len(first) + len(last):
        return False
    if not (text.startswith(first) and text.endswith(last)):
        return False
    position, end = len(first), len(text) - len(last)
    for piece in middle:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True
