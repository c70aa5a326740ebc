"""Inter-rater agreement: Krippendorff's alpha for interval or ordinal data; no ORM.

Follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": build the
coincidence matrix from every unit with at least two values, then
alpha = 1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import permutations

METRICS = ("interval", "ordinal", "nominal")


def _coincidences(units: Iterable[Sequence[float]]) -> dict[tuple[float, float], float]:
    o: dict[tuple[float, float], float] = defaultdict(float)
    for values in units:
        values = [v for v in values if v is not None]
        m = len(values)
        if m < 2:
            continue
        for a, b in permutations(range(m), 2):
            o[(values[a], values[b])] += 1.0 / (m - 1)
    return o


def _distance(metric: str, c: float, k: float, n: dict[float, float], order) -> float:
    if metric == "nominal":
        return 0.0 if c == k else 1.0
    if metric == "interval":
        return (c - k) ** 2
    low, high = sorted((order.index(c), order.index(k)))
    between = sum(n[order[g]] for g in range(low, high + 1))
    return (between - (n[c] + n[k]) / 2) ** 2


def alpha(
    units: Iterable[Sequence[float | None]], metric: str = "ordinal"
) -> float | None:
    """Krippendorff's alpha over units (each the values the raters gave it; None for a
    rater who gave none). None when there is too little to say (fewer than two pairable
    values, or a single value used throughout)."""
    if metric not in METRICS:
        raise ValueError(f"Unknown metric {metric!r}.")
    o = _coincidences(units)
    n_c: Counter = Counter()
    for (c, _k), weight in o.items():
        n_c[c] += weight
    total = sum(n_c.values())
    if total < 2 or len(n_c) < 2:
        return None
    order = sorted(n_c)
    observed = sum(w * _distance(metric, c, k, n_c, order) for (c, k), w in o.items())
    expected = sum(
        n_c[c] * n_c[k] * _distance(metric, c, k, n_c, order)
        for c in order
        for k in order
    )
    if expected == 0:
        return None
    return 1.0 - (total - 1) * observed / expected
