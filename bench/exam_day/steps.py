"""Which N the exam-day bench tries next (pure: no Django, no I/O).

With `EXAM_STEPS` the list is run as given, stopping at the first N that does not hold.
Without it N doubles from `EXAM_START` until a step fails (or `EXAM_MAX` is reached),
then one step halfway between the last N that held and the one that failed narrows the
figure from a factor of 2 to one of 1.5.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["run_steps"]


def _round(n: float) -> int:
    """Round to two significant figures (350, 1,200), at least 1."""
    if n < 100:
        return max(1, round(n))
    digits = len(str(int(n))) - 2
    return int(round(n / 10**digits) * 10**digits)


def run_steps(
    held: Callable[[int], bool],
    *,
    given: list[int] | None = None,
    start: int = 25,
    most: int = 6400,
    refine: bool = True,
) -> tuple[int, int | None, list[int]]:
    """Call `held(n)` step by step; (largest N that held, smallest that failed, tried)."""
    tried: list[int] = []
    best, failed = 0, None
    if given:
        for n in given:
            tried.append(n)
            if not held(n):
                return best, n, tried
            best = n
        return best, None, tried
    n = start
    while n <= most:
        tried.append(n)
        if not held(n):
            failed = n
            break
        best = n
        n *= 2
    if refine and failed is not None and best:
        middle = _round((best + failed) / 2)
        if best < middle < failed:
            tried.append(middle)
            if held(middle):
                best = middle
            else:
                failed = middle
    return best, failed, tried
