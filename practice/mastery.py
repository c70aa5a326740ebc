"""Mastery per tradeoff from scored answers: the one arithmetic for quizzes and practice.

Mastery of a tradeoff is the share of credit earned on the latest answer to each
question touching it, counting only questions at apply level or above (recall of the
essay measures reading, not mastery of a tradeoff). The course page, the practice page
and the weekly e-mail all call `shares`; quiz answers and practice answers are kept
apart, so practice is always shown as practice and never moves a grade. Pure: no ORM.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol


class QuestionFacts(Protocol):
    tradeoff_ids: tuple[int, ...]
    applied: bool


@dataclass(frozen=True)
class Scored:
    """One scored answer: a quiz response or a practice item."""

    question_id: int
    score: Decimal
    max_score: Decimal
    at: datetime


@dataclass(frozen=True)
class Share:
    """Credit earned out of credit possible."""

    earned: Decimal
    possible: Decimal
    answers: int = 0

    @property
    def fraction(self) -> float:
        return float(self.earned / self.possible) if self.possible else 0.0

    @property
    def percent(self) -> int:
        if not self.possible:
            return 0
        share = self.earned / self.possible * 100
        return max(0, min(100, int(share.quantize(Decimal("1")))))


def latest(rows: Iterable[Scored]) -> dict[int, Scored]:
    """Each question's most recent answer: what the student knows now."""
    newest: dict[int, Scored] = {}
    for row in sorted(rows, key=lambda r: r.at):
        newest[row.question_id] = row
    return newest


def shares(
    rows: Iterable[Scored], questions: Mapping[int, QuestionFacts]
) -> dict[int, Share]:
    """The share of credit per tradeoff id, on the latest answer to each question."""
    earned: dict[int, Decimal] = defaultdict(Decimal)
    possible: dict[int, Decimal] = defaultdict(Decimal)
    answers: dict[int, int] = defaultdict(int)
    for row in latest(rows).values():
        question = questions.get(row.question_id)
        if question is None or not question.applied:
            continue
        for tradeoff_id in question.tradeoff_ids:
            earned[tradeoff_id] += max(Decimal(row.score), Decimal(0))
            possible[tradeoff_id] += Decimal(row.max_score)
            answers[tradeoff_id] += 1
    return {
        t: Share(earned[t], possible[t], answers[t]) for t in possible if possible[t]
    }


def combined(*parts: Mapping[int, Share]) -> dict[int, float]:
    """One mastery fraction per tradeoff from several sources of evidence (the
    scheduler's weights; pages show each source on its own)."""
    earned: dict[int, Decimal] = defaultdict(Decimal)
    possible: dict[int, Decimal] = defaultdict(Decimal)
    for part in parts:
        for tradeoff_id, share in part.items():
            earned[tradeoff_id] += share.earned
            possible[tradeoff_id] += share.possible
    return {t: float(earned[t] / possible[t]) for t in possible if possible[t]}
