"""Certainty-based marking (CBM) as Moodle does it; no ORM.

Moodle's `question_cbm` (question/engine/lib, core_question\\local\\behaviour) and
`qbehaviour_deferredcbm`, after Gardner-Medwin:

    certainty          C=1     C=2     C=3
    mark if right       1       2       3     (times the raw fraction when partly right)
    mark if wrong       0      -2      -6
    ideal accuracy    < 67%  67-80%   > 80%

All in units of the question's points. An answer counts as wrong when its raw fraction
is at most MARK_TOLERANCE; a partly right one earns the right-mark times its fraction, so
it never loses marks. An answer given without a certainty is marked at C=1
(`default_certainty`). An unanswered question earns 0 at any certainty and is left out
of the breakdown by certainty, as Moodle leaves a question without a graded step out.

`summarise` is Moodle's `summarise_usage`: accuracy (percent right, ignoring certainty,
weighted by each question's points), the average CBM mark, the CBM bonus
(`calculate_bonus`: a tenth of how far the average CBM mark beats the best a student with
that accuracy could get using one certainty for everything) and the breakdown by
certainty with Moodle's judgement of each level against its ideal range.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _

from .answers import is_answered
from .graders import grade
from .keys import CheckedKey, check_key
from .kinds import (
    MATCHING,
    MULTIPLE_RESPONSE,
    NUMERIC,
    ORDERING,
    SHORT_ANSWER,
    SINGLE_CHOICE,
    TRUE_FALSE,
)
from .results import GradeResult, InvalidAnswer

LOW, MED, HIGH = 1, 2, 3
CERTAINTIES = (LOW, MED, HIGH)
RIGHT_MARK = {LOW: 1.0, MED: 2.0, HIGH: 3.0}
WRONG_MARK = {LOW: 0.0, MED: -2.0, HIGH: -6.0}
# Moodle's optimal windows of the probability of being right, per certainty.
IDEAL_RANGE = {
    LOW: (0.0, 0.666666666666667),
    MED: (0.666666666666667, 0.8),
    HIGH: (0.8, 1.0),
}
# Moodle's question_utils::MARK_TOLERANCE: a raw fraction at or below it is wrong.
MARK_TOLERANCE = 0.00000005
# Moodle skips questions whose max mark is below this in the summary.
_NO_MARK = 0.0000005

# Kinds that are right or wrong: they take a certainty. Positions and allocations are
# never right or wrong (TEACHING.md §1), essays are marked by a person.
KINDS = frozenset(
    {
        SINGLE_CHOICE,
        TRUE_FALSE,
        MULTIPLE_RESPONSE,
        SHORT_ANSWER,
        NUMERIC,
        ORDERING,
        MATCHING,
    }
)

OK = "ok"
OVERCONFIDENT = "overconfident"
SLIGHTLY_OVERCONFIDENT = "slightly_overconfident"
UNDERCONFIDENT = "underconfident"
SLIGHTLY_UNDERCONFIDENT = "slightly_underconfident"


def default_certainty() -> int:
    """The certainty assumed when the student gives none (Moodle: the lowest)."""
    return LOW


def takes_certainty(kind: str) -> bool:
    """Whether a question of this kind asks how sure the student is."""
    return kind in KINDS


def clean_certainty(value: Any) -> int | None:
    """Return the certainty (1, 2 or 3) or None for none; raise InvalidAnswer otherwise."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value not in CERTAINTIES
    ):
        raise InvalidAnswer(_("The certainty must be 1, 2 or 3."))
    return value


def adjust_fraction(fraction: float, certainty: int) -> float:
    """The CBM fraction of the question's points for a raw fraction at a certainty."""
    if fraction <= MARK_TOLERANCE:
        return WRONG_MARK[certainty]
    return RIGHT_MARK[certainty] * fraction


def grade_with_certainty(
    key: dict | CheckedKey, answer: Any, certainty: int | None
) -> GradeResult:
    """Grade an answer and apply CBM when its kind takes a certainty.

    The result's fraction and automatic points are the CBM ones (negative when a
    confident answer is wrong); `detail["cbm"]` keeps the certainty used, whether it was
    assumed, and the raw fraction and points before CBM. Unanswered: as `grade`, 0.
    """
    checked = check_key(key)
    certainty = clean_certainty(certainty)
    result = grade(checked, answer)
    if not takes_certainty(checked.kind) or not is_answered(checked, answer):
        return result
    used = default_certainty() if certainty is None else certainty
    fraction = round(adjust_fraction(result.fraction, used), 6)
    detail = {
        **result.detail,
        "cbm": {
            "certainty": used,
            "assumed": certainty is None,
            "raw_fraction": result.fraction,
            "raw_points": result.auto_points,
        },
    }
    return replace(
        result,
        fraction=fraction,
        auto_points=round(fraction * checked.points, 6),
        detail=detail,
    )


def expected_mark(probability: float, certainty: int) -> float:
    """The average CBM fraction at a certainty for a given chance of being right."""
    return probability * adjust_fraction(1, certainty) + (
        1 - probability
    ) * adjust_fraction(0, certainty)


def bonus(average_mark: float, accuracy: float) -> float:
    """Moodle's CBM bonus (`calculate_bonus`) for an average CBM mark and an accuracy.

    0.1 is Moodle's constant (Gardner-Medwin's, chosen to make accuracy + bonus the most
    reliable measure); the expected mark is the best one certainty used throughout
    would give at that accuracy.
    """
    best = max(expected_mark(accuracy, c) for c in CERTAINTIES)
    return 0.1 * (average_mark - best)


def judgement(accuracy: float, count: int, certainty: int) -> str:
    """Moodle's verdict on one certainty level: within the ideal range, or over- or
    under-confident (only "slightly" when the gap is small for so few answers)."""
    low, high = IDEAL_RANGE[certainty]
    if accuracy < low - 0.0000005:
        significant = (accuracy - low) ** 2 * count > 0.5
        return OVERCONFIDENT if significant else SLIGHTLY_OVERCONFIDENT
    if accuracy > high + 0.0000005:
        significant = (accuracy - high) ** 2 * count > 0.5
        return UNDERCONFIDENT if significant else SLIGHTLY_UNDERCONFIDENT
    return OK


@dataclass(frozen=True)
class CbmAnswer:
    """One CBM question of an attempt as the summary sees it.

    `certainty` as given (None: none given, counted at C=1); `fraction` the raw fraction
    before CBM (None: not answered); `mark` the CBM mark in points; `max_mark` the
    question's points.
    """

    certainty: int | None
    fraction: float | None
    mark: float
    max_mark: float


@dataclass(frozen=True)
class Level:
    """The answers given at one certainty: how many, how many right, the ideal range."""

    certainty: int
    count: int
    accuracy: float | None
    ideal_low: float
    ideal_high: float
    judgement: str | None


@dataclass(frozen=True)
class Totals:
    """Moodle's figures over a set of questions; fractions of 1, not percentages."""

    questions: int
    accuracy: float
    average_mark: float
    bonus: float

    @property
    def accuracy_and_bonus(self) -> float:
        return self.accuracy + self.bonus


@dataclass(frozen=True)
class Summary:
    """An attempt's CBM summary: the whole quiz, the answered questions alone (when some
    are unanswered) and the breakdown by certainty, C=1 to C=3."""

    whole: Totals
    answered: Totals | None
    levels: tuple[Level, ...]


def _totals(answers: Sequence[CbmAnswer]) -> Totals | None:
    weight = sum(a.max_mark for a in answers)
    if weight <= 0:
        return None
    accuracy = sum(a.max_mark * (a.fraction or 0.0) for a in answers) / weight
    average = sum(a.mark for a in answers) / weight
    return Totals(len(answers), accuracy, average, bonus(average, accuracy))


def levels_of(answers: Iterable[CbmAnswer]) -> tuple[Level, ...]:
    """The breakdown by certainty of the answered questions, C=1 to C=3."""
    count = dict.fromkeys(CERTAINTIES, 0)
    weight = dict.fromkeys(CERTAINTIES, 0.0)
    right = dict.fromkeys(CERTAINTIES, 0.0)
    for answer in answers:
        if answer.fraction is None or answer.max_mark < _NO_MARK:
            continue
        level = answer.certainty or default_certainty()
        count[level] += 1
        weight[level] += answer.max_mark
        right[level] += answer.max_mark * answer.fraction
    levels = []
    for c in CERTAINTIES:
        low, high = IDEAL_RANGE[c]
        accuracy = right[c] / weight[c] if count[c] else None
        verdict = judgement(accuracy, count[c], c) if accuracy is not None else None
        levels.append(Level(c, count[c], accuracy, low, high, verdict))
    return tuple(levels)


def summarise(answers: Iterable[CbmAnswer]) -> Summary | None:
    """Moodle's CBM summary of one attempt; None without a CBM question worth marks."""
    counted = [a for a in answers if a.max_mark >= _NO_MARK]
    whole = _totals(counted)
    if whole is None:
        return None
    given = [a for a in counted if a.fraction is not None]
    answered = _totals(given) if given and len(given) < len(counted) else None
    return Summary(whole, answered, levels_of(given))


@dataclass(frozen=True)
class ClassSummary:
    """A quiz's CBM figures over many attempts: the mean of each attempt's accuracy,
    average CBM mark and CBM bonus, and the breakdown by certainty of all answers."""

    attempts: int
    accuracy: float
    average_mark: float
    bonus: float
    levels: tuple[Level, ...]


def summarise_class(attempts: Iterable[Sequence[CbmAnswer]]) -> ClassSummary | None:
    """Average the attempts' CBM summaries; None when no attempt has one."""
    wholes: list[Totals] = []
    pooled: list[CbmAnswer] = []
    for answers in attempts:
        summary = summarise(answers)
        if summary is None:
            continue
        wholes.append(summary.whole)
        pooled.extend(answers)
    if not wholes:
        return None
    n = len(wholes)
    return ClassSummary(
        attempts=n,
        accuracy=sum(t.accuracy for t in wholes) / n,
        average_mark=sum(t.average_mark for t in wholes) / n,
        bonus=sum(t.bonus for t in wholes) / n,
        levels=levels_of(pooled),
    )
