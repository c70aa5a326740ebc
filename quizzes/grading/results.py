"""Say what grading returns (GradeResult, Split) and raises (InvalidKey, InvalidAnswer)."""

from __future__ import annotations

from dataclasses import dataclass, field


class InvalidKey(ValueError):
    """A question's data or choices are malformed (an authoring error)."""


class InvalidAnswer(ValueError):
    """A student's answer is malformed; str(exc) says why."""


class IncompleteAnswer(InvalidAnswer):
    """Well formed but not finished (an allocation short of 100, an order half given).

    What the student wrote is kept as a draft; str(exc) says what is missing.
    """


@dataclass(frozen=True)
class GradeResult:
    """What one answer earned automatically and what an instructor still has to mark."""

    fraction: float
    auto_points: float
    manual_points: float
    needs_manual: bool
    feedback: list[dict] = field(default_factory=list)
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Split:
    """An answer split into what can be graded now and the unfinished rest.

    `gradable` is a valid answer ({} when nothing is); `draft` is what the student
    wrote, kept to come back on reload (None when the answer is complete); `problem`
    says what is missing.
    """

    gradable: dict
    draft: dict | None = None
    problem: str = ""
