"""Say what grading returns (GradeResult) and raises (InvalidKey, InvalidAnswer)."""

from __future__ import annotations

from dataclasses import dataclass, field


class InvalidKey(ValueError):
    """A question's data or choices are malformed (an authoring error)."""


class InvalidAnswer(ValueError):
    """A student's answer is malformed; str(exc) says why."""


@dataclass(frozen=True)
class GradeResult:
    """What one answer earned automatically and what an instructor still has to mark."""

    fraction: float
    auto_points: float
    manual_points: float
    needs_manual: bool
    feedback: list[dict] = field(default_factory=list)
    detail: dict = field(default_factory=dict)
