"""Write scores to the outbox with the grade; send the newest per student and column."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from lti_tool.models import LtiMembership

from quizzes.models import Attempt
from quizzes.selectors import grade_from_attempts

from ..models import LinkedResource, Score
from . import client

logger = logging.getLogger("tradeoffs.lti")

HUNDRED = Decimal("100")


def _setting(name: str, default):
    return getattr(settings, name, default)


def lease() -> timedelta:
    return timedelta(seconds=_setting("LTI_SCORE_LEASE_SECONDS", 120))


def max_attempts() -> int:
    return _setting("LTI_SCORE_MAX_ATTEMPTS", 8)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2 x base, 4 x base ... capped at an hour."""
    base = _setting("LTI_SCORE_RETRY_BASE_SECONDS", 30)
    return timedelta(seconds=min(3600, base * 2 ** max(0, attempts - 1)))


def queue_scores(*, attempts: list, now: datetime | None = None) -> list[Score]:
    """Outbox rows for every LMS column whose grade these attempts changed.

    Runs inside the grading transaction (quizzes.signals.attempts_scored), so a row
    exists exactly when its grade was committed. A grade equal to the last one queued
    for that column and student adds nothing: one score per change.
    """
    quiz_ids = {a.quiz_id for a in attempts}
    targets = list(
        LinkedResource.objects.filter(quiz_id__in=quiz_ids)
        .exclude(lineitem_url="")
        .select_related("quiz", "resource_link__context__deployment")
    )
    if not targets:
        return []
    now = now or timezone.now()
    pairs = set(
        Attempt.objects.filter(pk__in=[a.pk for a in attempts]).values_list(
            "student_id", "quiz_id"
        )
    )
    students = {student for student, _quiz in pairs}
    contexts = {t.resource_link.context_id for t in targets}
    members = {
        (m.context_id, m.user.auth_user_id): m.user
        for m in LtiMembership.objects.filter(
            context_id__in=contexts, user__auth_user_id__in=students
        ).select_related("user")
    }
    by_pair = defaultdict(list)
    for attempt in Attempt.objects.filter(
        student_id__in=students, quiz_id__in=quiz_ids
    ).order_by("number"):
        by_pair[(attempt.student_id, attempt.quiz_id)].append(attempt)
    latest = {}
    for row in (
        Score.objects.filter(
            lineitem_url__in={t.lineitem_url for t in targets},
            student_id__in=students,
        )
        .exclude(state=Score.State.FAILED)
        .order_by("timestamp", "pk")
    ):
        latest[(row.lineitem_url, row.student_id)] = row.score_given
    rows, seen = [], set()
    for target in targets:
        context = target.resource_link.context
        for student, quiz_id in pairs:
            lti_user = members.get((context.pk, student))
            key = (target.lineitem_url, student)
            if quiz_id != target.quiz_id or lti_user is None or key in seen:
                continue
            seen.add(key)
            grade = grade_from_attempts(target.quiz, by_pair[(student, quiz_id)])
            if grade is None or latest.get(key, object()) == grade:
                continue
            rows.append(
                Score(
                    registration_id=context.deployment.registration_id,
                    lti_user=lti_user,
                    context=context,
                    quiz_id=quiz_id,
                    student_id=student,
                    lineitem_url=target.lineitem_url,
                    score_given=grade,
                    score_maximum=HUNDRED,
                    timestamp=now,
                    next_attempt_at=now,
                )
            )
    if rows:
        Score.objects.bulk_create(rows)
        from ..tasks import send_scores

        transaction.on_commit(send_scores.delay)
    return rows


def score_body(row: Score) -> dict:
    """The AGS score document (AGS 2.0 section 3.4)."""
    return {
        "userId": row.lti_user.sub,
        "scoreGiven": float(row.score_given),
        "scoreMaximum": float(row.score_maximum),
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": row.timestamp.isoformat(),
    }


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    superseded: int = 0
    next_retry_in: float | None = None


def claim(*, now: datetime, batch: int) -> tuple[list[int], datetime]:
    """Take up to `batch` due rows (skipping those another sender holds) under a lease."""
    lease_end = now + lease()
    with transaction.atomic():
        ids = list(
            Score.objects.due(now)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch]
        )
        Score.objects.filter(pk__in=ids).update(
            state=Score.State.SENDING, next_attempt_at=lease_end
        )
    return ids, lease_end


def _held(pk: int, lease_end: datetime):
    return Score.objects.filter(
        pk=pk, state=Score.State.SENDING, next_attempt_at=lease_end
    )


def _newer_exists(row: Score) -> bool:
    return (
        Score.objects.filter(lineitem_url=row.lineitem_url, lti_user=row.lti_user_id)
        .exclude(state=Score.State.FAILED)
        .filter(
            Q(timestamp__gt=row.timestamp) | Q(timestamp=row.timestamp, pk__gt=row.pk)
        )
        .exists()
    )


def send_one(row: Score, *, lease_end: datetime, result: SendResult) -> None:
    now = timezone.now()
    if _newer_exists(row):
        # An older grade must never overwrite a newer one: only the newest is sent.
        _held(row.pk, lease_end).update(state=Score.State.SUPERSEDED)
        result.superseded += 1
        return
    tries = row.attempts + 1
    try:
        status = client.post_score(
            registration=row.registration,
            lineitem_url=row.lineitem_url,
            body=score_body(row),
        )
    except client.SendFailure as failure:
        if failure.retry and tries < max_attempts():
            delay = retry_delay(tries)
            _held(row.pk, lease_end).update(
                state=Score.State.PENDING,
                attempts=tries,
                next_attempt_at=now + delay,
                last_error=failure.reason[:1000],
                http_status=failure.status,
            )
            result.retrying += 1
            wait = delay.total_seconds()
            result.next_retry_in = min(result.next_retry_in or wait, wait)
            logger.warning("LTI score %s will be retried: %s", row.pk, failure)
        else:
            _held(row.pk, lease_end).update(
                state=Score.State.FAILED,
                attempts=tries,
                last_error=failure.reason[:1000],
                http_status=failure.status,
            )
            result.failed += 1
            logger.error("LTI score %s refused by the platform: %s", row.pk, failure)
        return
    _held(row.pk, lease_end).update(
        state=Score.State.SENT,
        attempts=tries,
        sent_at=now,
        http_status=status,
        last_error="",
    )
    result.sent += 1


def send_due_scores(*, batch: int = 50) -> SendResult:
    """Send every due score, oldest first; each row records its own progress."""
    result = SendResult()
    while True:
        ids, lease_end = claim(now=timezone.now(), batch=batch)
        if not ids:
            return result
        rows = (
            Score.objects.filter(pk__in=ids, next_attempt_at=lease_end)
            .select_related("registration", "lti_user")
            .order_by("timestamp", "pk")
        )
        for row in rows:
            send_one(row, lease_end=lease_end, result=result)
