"""Compute Moodle-style quiz and question statistics from plain response data.

Definitions follow MoodleDocs "Quiz statistics calculations" (Tim Hunt, Jamie Pratt) and
the Moodle quiz statistics report (question/classes/statistics):

- x_i is attempt i's mark on one question, X_i its total; n attempts; sample (n - 1)
  variances and covariances throughout.
- Facility index F = 100 * mean(x) / max mark.
- SD = 100 * sd(x) / max mark.
- Discrimination index D = 100 * r(x, X - x): the correlation of the question's mark with
  the mark on the rest of the test.
- Discriminative efficiency E = 100 * C(x, X - x) / C_max(x, X - x), where C_max pairs x
  and X - x after sorting each in ascending order (the largest covariance those two sets
  of marks could have).
- Test skewness k3 / k2^1.5 and kurtosis k4 / k2^2 from the sample cumulants
  k2 = n m2 / (n - 1), k3 = n^2 m3 / ((n - 1)(n - 2)),
  k4 = n^2 ((n + 1) m4 - 3 (n - 1) m2^2) / ((n - 1)(n - 2)(n - 3)), m_r central moments.
- Coefficient of internal consistency (Cronbach's alpha, equal to KR-20 for 0/1 items)
  alpha = k / (k - 1) * (1 - sum V(x_q) / V(X)); error ratio sqrt(1 - alpha) and standard
  error of measurement SEM = SD(X) * sqrt(1 - alpha).

A statistic that is undefined for the data (too few attempts, zero variance, zero max
mark) is None, never a ZeroDivisionError.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeVar

QuestionId = Hashable
ChoiceId = Hashable
Which = Literal["first", "all", "highest", "last"]


@dataclass(frozen=True)
class AttemptScores:
    """One attempt's mark and max mark per question; a missing mark counts as 0."""

    attempt_id: Hashable
    scores: Mapping[QuestionId, float]
    max_scores: Mapping[QuestionId, float]


@dataclass(frozen=True)
class QuestionStats:
    """Item-analysis figures for one question; percentages are of the max mark."""

    question_id: QuestionId
    n: int
    mean: float | None
    max_mark: float
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None


@dataclass(frozen=True)
class TestStats:
    """Whole-test figures: mean, median, sd, sem in % of max_total; alpha a fraction."""

    __test__ = False  # not a pytest test class despite the name

    n: int
    max_total: float
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    alpha: float | None
    error_ratio: float | None
    sem: float | None


@dataclass(frozen=True)
class PositionDistribution:
    """Counts of 0..100 answers per equal-width bin, with their mean and median."""

    counts: list[int]
    edges: list[float]
    n: int
    mean: float | None
    median: float | None


@dataclass(frozen=True)
class AttemptRecord:
    """A student's numbered attempt and its total, as select_attempts needs it."""

    student_id: Hashable
    number: int
    total: float
    attempt_id: Hashable | None = field(default=None, compare=False)


class _AttemptLike(Protocol):
    student_id: Hashable
    number: int
    total: float


A = TypeVar("A", bound=_AttemptLike)


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx = math.fsum(xs) / n
    my = math.fsum(ys) / n
    return math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (n - 1)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    # Variances of identical marks come out as tiny non-zero floats, not exactly 0.
    if numerator is None or denominator is None or abs(denominator) < 1e-12:
        return None
    return numerator / denominator


def _percent(value: float | None, whole: float) -> float | None:
    if value is None or whole <= 0:
        return None
    return 100 * value / whole


def _question_maxima(
    matrix: Sequence[AttemptScores], max_marks: Mapping[QuestionId, float] | None
) -> dict[QuestionId, float]:
    if max_marks is not None:
        return {qid: float(mark) for qid, mark in max_marks.items()}
    maxima: dict[QuestionId, float] = {}
    for attempt in matrix:
        for qid in (*attempt.max_scores, *attempt.scores):
            # Attempts should agree on a question's max; the largest covers a regrade
            # that raised it and a question only some attempts list.
            mark = float(attempt.max_scores.get(qid, 0.0))
            maxima[qid] = max(maxima.get(qid, mark), mark)
    return maxima


def _marks(matrix: Sequence[AttemptScores], qid: QuestionId) -> list[float]:
    return [float(attempt.scores.get(qid, 0.0)) for attempt in matrix]


def question_stats(
    matrix: Sequence[AttemptScores],
    *,
    max_marks: Mapping[QuestionId, float] | None = None,
) -> dict[QuestionId, QuestionStats]:
    """Return facility, SD, discrimination index and efficiency for each question."""
    maxima = _question_maxima(matrix, max_marks)
    marks = {qid: _marks(matrix, qid) for qid in maxima}
    totals = [math.fsum(column) for column in zip(*marks.values(), strict=True)]
    result: dict[QuestionId, QuestionStats] = {}
    for qid, max_mark in maxima.items():
        xs = marks[qid]
        rest = [total - x for total, x in zip(totals, xs, strict=True)]
        mean = _mean(xs)
        var_x = _covariance(xs, xs)
        var_rest = _covariance(rest, rest)
        cov = _covariance(xs, rest)
        cov_max = _covariance(sorted(xs), sorted(rest))
        product = None if var_x is None or var_rest is None else var_x * var_rest
        r = _ratio(cov, math.sqrt(product) if product is not None else None)
        efficiency = _ratio(cov, cov_max)
        result[qid] = QuestionStats(
            question_id=qid,
            n=len(xs),
            mean=mean,
            max_mark=max_mark,
            facility=_percent(mean, max_mark),
            sd=_percent(math.sqrt(var_x) if var_x is not None else None, max_mark),
            discrimination_index=_percent(r, 1.0),
            discriminative_efficiency=_percent(efficiency, 1.0),
        )
    return result


def _skewness_kurtosis(totals: Sequence[float]) -> tuple[float | None, float | None]:
    n = len(totals)
    if n < 3:
        return None, None
    mean = math.fsum(totals) / n
    m2, m3, m4 = (math.fsum((t - mean) ** r for t in totals) / n for r in (2, 3, 4))
    k2 = n * m2 / (n - 1)
    if k2 < 1e-12:
        return None, None
    k3 = n * n * m3 / ((n - 1) * (n - 2))
    skewness = k3 / k2**1.5
    if n < 4:
        return skewness, None
    k4 = n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
    return skewness, k4 / (k2 * k2)


def cronbach_alpha(item_marks: Sequence[Sequence[float]]) -> float | None:
    """Return Cronbach's alpha for marks given per item (one list per question)."""
    k = len(item_marks)
    if k < 2:
        return None
    totals = [math.fsum(column) for column in zip(*item_marks, strict=True)]
    var_total = _covariance(totals, totals)
    item_variances = [_covariance(xs, xs) for xs in item_marks]
    if var_total is None or var_total < 1e-12:
        return None
    return k / (k - 1) * (1 - math.fsum(item_variances) / var_total)


def test_stats(
    matrix: Sequence[AttemptScores],
    *,
    max_marks: Mapping[QuestionId, float] | None = None,
) -> TestStats:
    """Return the distribution of total marks and the test's reliability."""
    maxima = _question_maxima(matrix, max_marks)
    item_marks = [_marks(matrix, qid) for qid in maxima]
    totals = [math.fsum(column) for column in zip(*item_marks, strict=True)]
    max_total = math.fsum(maxima.values())
    if not item_marks:
        totals = [0.0] * len(matrix)
    variance = _covariance(totals, totals)
    sd = math.sqrt(variance) if variance is not None else None
    skewness, kurtosis = _skewness_kurtosis(totals)
    alpha = cronbach_alpha(item_marks)
    # alpha <= 1 in exact arithmetic; rounding can leave 1 - alpha a hair below zero.
    error_ratio = math.sqrt(max(0.0, 1 - alpha)) if alpha is not None else None
    sem = sd * error_ratio if sd is not None and error_ratio is not None else None
    return TestStats(
        n=len(matrix),
        max_total=max_total,
        mean=_percent(_mean(totals), max_total),
        median=_percent(statistics.median(totals) if totals else None, max_total),
        sd=_percent(sd, max_total),
        skewness=skewness,
        kurtosis=kurtosis,
        alpha=alpha,
        error_ratio=error_ratio,
        sem=_percent(sem, max_total),
    )


# The name starts with "test", so keep pytest from collecting it where it is imported.
test_stats.__test__ = False  # type: ignore[attr-defined]


def choice_counts(
    picks: Iterable[Iterable[ChoiceId]],
    *,
    choices: Iterable[ChoiceId] = (),
) -> dict[ChoiceId, int]:
    """Count the responses that picked each choice; listed choices start at 0."""
    counts: dict[ChoiceId, int] = dict.fromkeys(choices, 0)
    for response in picks:
        # A choice listed twice in one response is still one student picking it.
        for choice in dict.fromkeys(response):
            counts[choice] = counts.get(choice, 0) + 1
    return counts


def position_distribution(
    values: Iterable[float], bins: int = 10
) -> PositionDistribution:
    """Bin 0..100 answers (a position, or one value's share of an allocation)."""
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    data = [float(value) for value in values]
    counts = [0] * bins
    for value in data:
        if not 0 <= value <= 100:
            raise ValueError(f"position {value} is outside 0..100")
        # Bins are half-open [low, high) except the last, which also holds 100.
        counts[min(int(value * bins / 100), bins - 1)] += 1
    return PositionDistribution(
        counts=counts,
        edges=[100 * i / bins for i in range(bins + 1)],
        n=len(data),
        mean=_mean(data),
        median=statistics.median(data) if data else None,
    )


def select_attempts(attempts: Iterable[A], which: Which = "first") -> list[A]:
    """Pick the attempts statistics use: each student's first, last, highest, or all."""
    if which not in ("first", "all", "highest", "last"):
        raise ValueError(f"unknown attempt selection {which!r}")
    attempts = list(attempts)
    if which == "all":
        return attempts

    def better(candidate: A, current: A) -> bool:
        if which == "first":
            return candidate.number < current.number
        if which == "last":
            return candidate.number > current.number
        # Ties on the highest total go to the earlier attempt, as in Moodle's grading.
        return (candidate.total, -candidate.number) > (current.total, -current.number)

    chosen: dict[Hashable, A] = {}
    for attempt in attempts:
        current = chosen.get(attempt.student_id)
        if current is None or better(attempt, current):
            chosen[attempt.student_id] = attempt
    picked = {id(attempt) for attempt in chosen.values()}
    return [attempt for attempt in attempts if id(attempt) in picked]
