"""Domain signals of the engine: other apps listen, the engine imports none of them.

- `attempts_scored(attempts=[...])` is sent inside the transaction that stores scores
  (graded automatically, a manual part scored, or regraded), so a receiver's own rows
  (an outbox, such as LTI's grade passback) commit or roll back with the grade; anything
  that leaves the database (a task, a request) belongs in `transaction.on_commit`.
- `attempt_graded(quiz_id=...)` is sent after the commit that graded attempts of a quiz
  (grading, a manual mark, a per-question override that leaves the attempt graded);
  analytics refreshes the quiz's statistics on it. Send it through `announce_graded`.
"""

from __future__ import annotations

import functools

from django.db import transaction
from django.dispatch import Signal

attempts_scored = Signal()
attempt_graded = Signal()

SENDER = "quizzes"


def announce_graded(*, quiz_id: int) -> None:
    """Send `attempt_graded` for the quiz once the current transaction commits (at once
    when none is open); a rolled-back grading sends nothing."""
    transaction.on_commit(
        functools.partial(attempt_graded.send, sender=SENDER, quiz_id=quiz_id)
    )
