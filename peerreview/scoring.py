"""Score answers from peer levels and reviewers from calibration; plain values, no ORM.

A review gives one level index per rubric criterion (criteria as in
quizzes.grading.rubrics: {"name", "levels": [{"label", "points", ...}]}).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# A reviewer who misses every criterion still counts a little: a weight of 0 would let
# one careless calibration silence a student for the whole quiz.
MIN_WEIGHT = 0.1


def check_levels(criteria: list[dict], levels) -> list[int]:
    """The levels as ints, or ValueError unless there is one valid index per criterion."""
    if not isinstance(levels, list) or len(levels) != len(criteria):
        raise ValueError("Give one level for every criterion.")
    checked = []
    for criterion, level in zip(criteria, levels, strict=True):
        if isinstance(level, bool) or not isinstance(level, int):
            raise ValueError("A level is the number of one of the criterion's levels.")
        if not 0 <= level < len(criterion["levels"]):
            raise ValueError(f"“{criterion['name']}” has no such level.")
        checked.append(level)
    return checked


def _points(criterion: dict, level: int) -> float:
    return float(criterion["levels"][level]["points"])


def points_of(criteria: list[dict], levels: Sequence[int]) -> float:
    """What the chosen levels are worth together."""
    return sum(_points(c, level) for c, level in zip(criteria, levels, strict=True))


def _range(criterion: dict) -> float:
    values = [float(level["points"]) for level in criterion["levels"]]
    return max(values) - min(values)


def calibration_error(
    criteria: list[dict], given: Sequence[int], expected: Sequence[int]
) -> float:
    """How far a student's levels are from the instructor's: the mean over criteria of
    the points apart, each as a share of the criterion's range (0 to 1)."""
    shares = []
    for criterion, mine, theirs in zip(criteria, given, expected, strict=True):
        width = _range(criterion)
        apart = abs(_points(criterion, mine) - _points(criterion, theirs))
        shares.append(apart / width if width else 0.0)
    return sum(shares) / len(shares) if shares else 0.0


def calibration_weight(errors: Sequence[float]) -> float:
    """A reviewer's weight from their calibration errors: 1 - mean error, at least
    MIN_WEIGHT; 1 when there was nothing to calibrate on."""
    if not errors:
        return 1.0
    return round(max(MIN_WEIGHT, 1.0 - sum(errors) / len(errors)), 4)


def weighted_median(values: Sequence[float], weights: Sequence[float]) -> float:
    """The lower weighted median: the smallest value at which the cumulative weight
    reaches half the total. Equal weights give the ordinary (lower) median."""
    if not values:
        raise ValueError("No values.")
    pairs = sorted(zip(values, weights, strict=True))
    total = sum(w for _v, w in pairs)
    if total <= 0:
        pairs = [(v, 1.0) for v, _w in pairs]
        total = float(len(pairs))
    running = 0.0
    for value, weight in pairs:
        running += weight
        if running >= total / 2 - 1e-12:
            return value
    return pairs[-1][0]


@dataclass(frozen=True)
class Combined:
    """The peer score of one answer."""

    levels: list[int]
    points: float
    spread: float


def combine(
    criteria: list[dict], reviews: Sequence[tuple[Sequence[int], float]]
) -> Combined:
    """The weighted median level of each criterion over (levels, weight) reviews, what
    they are worth, and the reviewers' disagreement (mean share of each range used)."""
    if not reviews:
        return Combined(levels=[], points=0.0, spread=0.0)
    levels, spreads = [], []
    for index, criterion in enumerate(criteria):
        # The median of points, then the level at it: levels need not be in order.
        chosen = [review[index] for review, _w in reviews]
        weights = [weight for _r, weight in reviews]
        points = [_points(criterion, level) for level in chosen]
        median = weighted_median(points, weights)
        levels.append(chosen[points.index(median)])
        width = _range(criterion)
        spreads.append((max(points) - min(points)) / width if width else 0.0)
    return Combined(
        levels=levels,
        points=points_of(criteria, levels),
        spread=round(sum(spreads) / len(spreads), 4) if spreads else 0.0,
    )
