"""One attempt whose result a regrade moves: as the dry run shows it and as stored."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from ..models import RegradeRun, RegradeRunChange


class RegradeChange(NamedTuple):
    """One attempt whose result a regrade moves.

    A tuple of plain values rather than a dataclass: the garbage collector stops
    tracking such tuples, and a regrade of 100,000 attempts keeps 74,000 of them while it
    makes and drops millions of model instances; as dataclasses (each with its __dict__)
    every full collection walked them all (the dry run at 100k: 84 s of app CPU, 60 s
    as tuples, 40 s with the collector off).
    """

    attempt_id: int
    student_id: int
    student_email: str
    student_name: str
    number: int
    old: Decimal | None
    new: Decimal | None
    old_max: Decimal
    new_max: Decimal
    old_state: str
    new_state: str
    question_old: Decimal | None = None
    question_new: Decimal | None = None

    def as_json(self) -> dict:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "attempt": self.attempt_id,
            "student": self.student_id,
            "email": self.student_email,
            "name": self.student_name,
            "number": self.number,
            "old": text(self.old),
            "new": text(self.new),
            "old_max": text(self.old_max),
            "new_max": text(self.new_max),
            "old_state": self.old_state,
            "new_state": self.new_state,
            "question_old": text(self.question_old),
            "question_new": text(self.question_new),
        }

    def as_row(self, run: RegradeRun) -> RegradeRunChange:
        return RegradeRunChange(
            run=run,
            attempt_id=self.attempt_id,
            student_id=self.student_id,
            number=self.number,
            old=self.old,
            new=self.new,
            old_max=self.old_max,
            new_max=self.new_max,
            old_state=self.old_state,
            new_state=self.new_state,
            question_old=self.question_old,
            question_new=self.question_new,
        )
