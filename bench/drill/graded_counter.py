"""Count each grading a worker node commits, per attempt, in the drill's Redis.

Loaded by the drill's worker nodes (`celery worker --include bench.drill.graded_counter`)
and nowhere else: importing it connects the receiver in the importing process.
`attempts_scored` is sent inside the grading transaction, so the count is written on
commit: a grading rolled back (its node killed mid-transaction) counts nothing, and an
attempt graded twice would show 2 in the hash `drill:graded`. A node killed between its
commit and the count leaves graded attempts uncounted; so each node also marks, inside
the transaction, the attempts it began to score (`drill:scoring:<node>`), and the drill
accepts an uncounted attempt only if the killed node was scoring it.
"""

from __future__ import annotations

import os

import redis
from celery import current_task
from django.db import transaction

from quizzes.models import Attempt
from quizzes.signals import attempts_scored

from .multinode import GRADED_KEY as KEY
from .multinode import SCORING_KEY

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
        node = getattr(current_task.request, "hostname", None) or "unknown"
        _redis().sadd(f"{SCORING_KEY}:{node}", *ids)
        transaction.on_commit(lambda: _count(ids))


attempts_scored.connect(on_scored, dispatch_uid="drill-graded-counter")
