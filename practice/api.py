"""What other apps read of practice (the progress e-mails): plain rows, one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import F

from .models import PracticeItem


@dataclass(frozen=True)
class AnsweredRow:
    student_id: int
    question_id: int
    score: Decimal
    max_score: Decimal
    answered_at: datetime


def answered_rows(*, student_ids: list[int], before: datetime) -> list[AnsweredRow]:
    """Every practice answer of these students before a moment (one query)."""
    return [
        AnsweredRow(**row)
        for row in PracticeItem.objects.filter(
            practice_set__student_id__in=student_ids,
            answered_at__isnull=False,
            answered_at__lt=before,
        )
        .order_by()
        .values(
            "question_id",
            "score",
            "max_score",
            "answered_at",
            student_id=F("practice_set__student_id"),
        )
    ]
