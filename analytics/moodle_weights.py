"""Moodle's intended weight, effective weight and random guess score; no ORM.

Definitions follow Moodle's quiz statistics (question/classes/statistics/questions/
calculator.php and each question type's `get_random_guess_score`):

- Intended weight = 100 * max mark of the question / sum of the max marks.
- Effective weight: with C_q = cov(x_q, X), the sample (n - 1) covariance of the
  question's mark with the attempt's total, EW_q = 100 * sqrt(C_q) / sum of sqrt(C_p)
  over the questions whose C_p >= 0. A question whose covariance is negative has no
  effective weight (Moodle's `negcovar`), and none has one when the sum is 0 or there
  are fewer than two attempts.
- Random guess score, as a fraction of the mark (the statistics page shows it in %):
  single choice: the mean credit of its choices; true/false: 0.5; multiple response:
  none ("pretty much impossible to compute", Moodle says); short answer: the credit of
  a `*` answer, else 0; numeric: 0 (our numeric has no `*` answer); matching:
  1 / the number of distinct answers offered; ordering and essay: 0 (their Moodle
  types keep question_type's default); tradeoff allocation and position: none, since
  the position itself earns nothing.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence

QuestionId = Hashable


def intended_weights(
    max_marks: Mapping[QuestionId, float],
) -> dict[QuestionId, float | None]:
    """Return each question's share of the test's max mark, in %."""
    total = math.fsum(float(mark) for mark in max_marks.values())
    return {
        qid: (100 * float(mark) / total if total > 0 else None)
        for qid, mark in max_marks.items()
    }


def _covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    return math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (n - 1)


def effective_weights(
    marks: Mapping[QuestionId, Sequence[float]],
) -> dict[QuestionId, float | None]:
    """Return each question's effective weight in %, from its marks per attempt.

    `marks` maps a question to its marks in attempt order; every list has one mark per
    attempt (0 where the attempt left the question out).
    """
    columns = {qid: [float(x) for x in xs] for qid, xs in marks.items()}
    if not columns:
        return {}
    totals = [math.fsum(row) for row in zip(*columns.values(), strict=True)]
    return effective_weights_from_covariances(
        {qid: _covariance(xs, totals) for qid, xs in columns.items()}
    )


def effective_weights_from_covariances(
    covariances: Mapping[QuestionId, float | None],
) -> dict[QuestionId, float | None]:
    """Return each question's effective weight in %, from cov(mark, total) per question.

    None for a question means too few attempts for a covariance.
    """
    # Rounding leaves a zero covariance a hair either side of 0; Moodle's data is exact.
    covariances = {
        qid: (0.0 if c is not None and abs(c) < 1e-12 else c)
        for qid, c in covariances.items()
    }
    denominator = math.fsum(
        math.sqrt(c) for c in covariances.values() if c is not None and c >= 0
    )
    return {
        qid: (
            100 * math.sqrt(c) / denominator
            if c is not None and c >= 0 and denominator > 0
            else None
        )
        for qid, c in covariances.items()
    }


def random_guess_score(
    kind: str,
    *,
    credits: Iterable[float] = (),
    data: Mapping | None = None,
) -> float | None:
    """Return the fraction of the mark a random guess earns on average, or None."""
    data = data or {}
    if kind == "single_choice":
        credits = [float(c) for c in credits]
        return math.fsum(credits) / len(credits) if credits else None
    if kind == "true_false":
        return 0.5
    if kind == "short_answer":
        for answer in data.get("answers", []):
            if str(answer.get("text", "")).strip() == "*":
                return float(answer.get("credit", 0))
        return 0.0
    if kind == "matching":
        offered = {pair["answer"] for pair in data.get("pairs", [])}
        offered |= set(data.get("distractors", []))
        return 1 / len(offered) if offered else None
    if kind in ("numeric", "ordering", "essay"):
        return 0.0
    # multiple_response (Moodle: none), tradeoff allocation and position.
    return None
