"""The statistics of analytics.statistics from sums the database adds up; no ORM.

A quiz with 100,000 attempts has 1.2 million marks; holding them in Python to compute
a few variances grows the worker with the quiz. Every figure of `question_stats`,
`test_stats` and Moodle's effective weight is a function of a handful of sums over the
attempts (n, sums of marks, of their squares and cross products, of the totals' powers,
the median total, and, for the discriminative efficiency, the sum of the products of the
marks and the rest-of-test marks paired after sorting each), which PostgreSQL adds up
exactly in `numeric`. The sums are turned into figures here with exact fractions, so
the results equal the list-based functions' up to their own float rounding.

Same definitions, same None cases (too few attempts, zero variance, zero max mark).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from . import moodle_weights
from .statistics import QuestionStats, TestStats, _percent, _ratio

QuestionId = Hashable
# Decimals from the database are exact, and stay exact here.
Number = int | float | Decimal | Fraction


@dataclass(frozen=True)
class QuestionSums:
    """Sums over the chosen attempts of one question's mark x and the rest r = X - x."""

    x: Number
    xx: Number
    r: Number
    rr: Number
    xr: Number
    # Sum of x_(i) * r_(i) with each column sorted ascending on its own.
    sorted_xr: Number


@dataclass(frozen=True)
class TotalSums:
    """n attempts, sums of the totals' first four powers, and the median total."""

    n: int
    s1: Number = 0
    s2: Number = 0
    s3: Number = 0
    s4: Number = 0
    median: float | None = None


def _exact(value: Number) -> Fraction:
    return Fraction(value)


def _covariance(n: int, sxy: Number, sx: Number, sy: Number) -> Fraction | None:
    """Sample covariance from sums: (sum xy - sum x sum y / n) / (n - 1)."""
    if n < 2:
        return None
    return (_exact(sxy) - _exact(sx) * _exact(sy) / n) / (n - 1)


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def question_stats_from_sums(
    n: int,
    sums: Mapping[QuestionId, QuestionSums],
    *,
    max_marks: Mapping[QuestionId, float],
) -> dict[QuestionId, QuestionStats]:
    """What `statistics.question_stats` returns, from each question's sums."""
    result: dict[QuestionId, QuestionStats] = {}
    for qid, max_mark in max_marks.items():
        s = sums[qid]
        mean = float(_exact(s.x) / n) if n else None
        var_x = _float(_covariance(n, s.xx, s.x, s.x))
        var_rest = _float(_covariance(n, s.rr, s.r, s.r))
        cov = _float(_covariance(n, s.xr, s.x, s.r))
        cov_max = _float(_covariance(n, s.sorted_xr, s.x, s.r))
        product = None if var_x is None or var_rest is None else var_x * var_rest
        r = _ratio(cov, math.sqrt(product) if product is not None else None)
        result[qid] = QuestionStats(
            question_id=qid,
            n=n,
            mean=mean,
            max_mark=float(max_mark),
            facility=_percent(mean, float(max_mark)),
            sd=_percent(
                math.sqrt(var_x) if var_x is not None else None, float(max_mark)
            ),
            discrimination_index=_percent(r, 1.0),
            discriminative_efficiency=_percent(_ratio(cov, cov_max), 1.0),
        )
    return result


def _skewness_kurtosis(t: TotalSums) -> tuple[float | None, float | None]:
    n = t.n
    if n < 3:
        return None, None
    mean = _exact(t.s1) / n
    s1, s2, s3, s4 = (_exact(v) for v in (t.s1, t.s2, t.s3, t.s4))
    m2 = (s2 - 2 * mean * s1 + n * mean**2) / n
    m3 = (s3 - 3 * mean * s2 + 3 * mean**2 * s1 - n * mean**3) / n
    m4 = (s4 - 4 * mean * s3 + 6 * mean**2 * s2 - 4 * mean**3 * s1 + n * mean**4) / n
    k2 = float(n * m2 / (n - 1))
    if k2 < 1e-12:
        return None, None
    k3 = float(n * n * m3 / ((n - 1) * (n - 2)))
    skewness = k3 / k2**1.5
    if n < 4:
        return skewness, None
    k4 = float(
        n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
    )
    return skewness, k4 / (k2 * k2)


def test_stats_from_sums(
    totals: TotalSums,
    sums: Mapping[QuestionId, QuestionSums],
    *,
    max_marks: Mapping[QuestionId, float],
) -> TestStats:
    """What `statistics.test_stats` returns, from the totals' and the items' sums."""
    n = totals.n
    max_total = math.fsum(float(m) for m in max_marks.values())
    variance = _float(_covariance(n, totals.s2, totals.s1, totals.s1))
    sd = math.sqrt(variance) if variance is not None else None
    skewness, kurtosis = _skewness_kurtosis(totals)
    alpha = None
    k = len(max_marks)
    if k >= 2 and variance is not None and variance >= 1e-12:
        item_variances = [
            float(_covariance(n, sums[q].xx, sums[q].x, sums[q].x)) for q in max_marks
        ]
        alpha = k / (k - 1) * (1 - math.fsum(item_variances) / variance)
    # alpha <= 1 in exact arithmetic; rounding can leave 1 - alpha a hair below zero.
    error_ratio = math.sqrt(max(0.0, 1 - alpha)) if alpha is not None else None
    sem = sd * error_ratio if sd is not None and error_ratio is not None else None
    return TestStats(
        n=n,
        max_total=max_total,
        mean=_percent(float(_exact(totals.s1) / n) if n else None, max_total),
        median=_percent(totals.median, max_total),
        sd=_percent(sd, max_total),
        skewness=skewness,
        kurtosis=kurtosis,
        alpha=alpha,
        error_ratio=error_ratio,
        sem=_percent(sem, max_total),
    )


# The name starts with "test", so keep pytest from collecting it where it is imported.
test_stats_from_sums.__test__ = False  # type: ignore[attr-defined]


def effective_weights_from_sums(
    n: int, sums: Mapping[QuestionId, QuestionSums]
) -> dict[QuestionId, float | None]:
    """Moodle's effective weights: cov(x, X) = cov(x, r) + var(x) for each question."""
    covariances = {}
    for qid, s in sums.items():
        cov_xr = _covariance(n, s.xr, s.x, s.r)
        var_x = _covariance(n, s.xx, s.x, s.x)
        covariances[qid] = None if cov_xr is None else float(cov_xr + var_x)
    return moodle_weights.effective_weights_from_covariances(covariances)
