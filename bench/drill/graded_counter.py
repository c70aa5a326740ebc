"""Count each grading a worker node commits, per attempt, in the drill's Redis.

Loaded by the drill's worker nodes (`celery worker --include bench.drill.graded_counter`)
and nowhere else: importing it connects the receiver in the importing process. `attempts_scored` is sent inside the grading transaction, so the count
is written on commit: a grading rolled back (its node killed mid-transaction) counts
nothing, and an attempt graded twice would show 2 in the hash `drill:graded`.
"""

from __future__ import annotations

import os

import redis
from django.db import transaction

from quizzes.models import Attempt
from quizzes.signals import attempts_scored

from .multinode import GRADED_KEY as KEY

_client = None


def _redis():
    global _client
    if _client is None:
        _client = redis.Redis.from_url(os.environ["DRILL_COUNTER_URL"])
    return _client


def _count(ids: list[int]) -> None:
    pipe = _redis().pipeline(transaction=False)
    for pk in ids:
        pipe.hincrby(KEY, str(pk), 1)
    pipe.execute()


def on_scored(sender, attempts, **kwargs) -> None:
    ids = [a.pk for a in attempts if a.state == Attempt.State.GRADED]
    if ids:
        transaction.on_commit(lambda: _count(ids))


attempts_scored.connect(on_scored, dispatch_uid="drill-graded-counter")
