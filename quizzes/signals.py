"""Signals the assessment engine sends; other apps listen, the engine knows none of them."""

from django.dispatch import Signal

# Sent with `attempts` (Attempt instances, each with `pk` and `quiz_id`) whenever
# attempts are scored: graded automatically, a manual part scored, or regraded. It is
# sent inside the transaction that stores the scores, so a receiver's own rows (an
# outbox) commit or roll back with the grade; anything that leaves the database (a
# task, a request) belongs in `transaction.on_commit`.
attempt_graded = Signal()
