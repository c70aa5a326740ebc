"""Record the e-mails peer review owes students, once each, and send them.

A notice row is written in the transaction that makes it due (allocation, a review
that completes an answer's score); the unique (user, kind, key) makes a repeat a no-op.
`send_due_notices` claims pending rows (skipping rows another sender holds), sends each
and marks it sent in its own transaction, as progress's outbox does; a student who
turned e-mails off (`progress_emails`, the one e-mail preference) gets a row marked
skipped instead.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import PeerNotice, ReviewAssignment

BATCH = 100


# Notices made within this many seconds share one sending task: a burst of submits
# allocates thousands of times, and each would otherwise queue a sender of its own.
SEND_DELAY = 10


def _enqueue_sending() -> None:
    from . import tasks

    def queue() -> None:
        if cache.add("peerreview:notices-queued", True, timeout=SEND_DELAY):
            tasks.send_peer_notices.apply_async(countdown=SEND_DELAY)

    transaction.on_commit(queue)


def reviews_waiting(*, quiz_id: int, users: list[int]) -> int:
    """Owe each user one "you have N reviews waiting" for this quiz; returns how many
    are new. One INSERT of an array of users: a burst's run owes thousands."""
    if not users:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PeerNotice._meta.db_table} (user_id, kind, key, count,"
            " state, attempts, last_error, created_at)"
            " SELECT u, %s, %s, 0, %s, 0, '', %s FROM unnest(%s::bigint[]) AS u"
            " ON CONFLICT DO NOTHING",
            [
                PeerNotice.Kind.WAITING.value,
                f"quiz:{quiz_id}",
                PeerNotice.State.PENDING.value,
                timezone.now(),
                sorted(users),
            ],
        )
        created = cursor.rowcount
    _enqueue_sending()
    return created


def answer_reviewed(*, user_id: int, submission_id: int) -> None:
    """Owe the author one "your answer has been reviewed"."""
    PeerNotice.objects.bulk_create(
        [
            PeerNotice(
                user_id=user_id,
                kind=PeerNotice.Kind.REVIEWED,
                key=f"submission:{submission_id}",
            )
        ],
        ignore_conflicts=True,
    )
    _enqueue_sending()


def _site() -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/")


def _message(notice: PeerNotice) -> tuple[str, str]:
    if notice.kind == PeerNotice.Kind.WAITING:
        quiz_id = int(notice.key.split(":")[1])
        waiting = ReviewAssignment.objects.filter(
            reviewer_id=notice.user_id,
            submission__question__quiz_id=quiz_id,
            state=ReviewAssignment.State.ASSIGNED,
        ).count()
        notice.count = waiting
        subject = ngettext(
            "You have %(n)d review waiting", "You have %(n)d reviews waiting", waiting
        ) % {"n": waiting}
        body = _(
            "Your classmates' arguments are ready for your review.\n\n"
            "Write your reviews here: %(url)s\n"
        ) % {"url": _site() + reverse("peer:queue")}
        return subject, body
    subject = _("Your answer has been reviewed")
    body = _(
        "Your classmates have reviewed your argument.\n\nRead their reviews: %(url)s\n"
    ) % {"url": _site() + reverse("peer:queue")}
    return subject, body


def send_due_notices(*, batch: int = BATCH) -> dict:
    """Send pending notices; each is claimed, sent and marked in one transaction, so a
    crash between sending and marking is the only way one can go twice."""
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    while True:
        with transaction.atomic():
            notice = (
                PeerNotice.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(state=PeerNotice.State.PENDING)
                .order_by("id")
                .first()
            )
            if notice is None:
                return counts
            notice.attempts += 1
            if not notice.user.progress_emails or not notice.user.is_active:
                notice.state = PeerNotice.State.SKIPPED
            else:
                subject, body = _message(notice)
                try:
                    send_mail(subject, body, None, [notice.user.email])
                except OSError as exc:
                    notice.last_error = str(exc)[:1000]
                    if notice.attempts >= 5:
                        notice.state = PeerNotice.State.FAILED
                else:
                    notice.state = PeerNotice.State.SENT
                    notice.sent_at = timezone.now()
            notice.save()
            key = {"sent": "sent", "skipped": "skipped"}.get(notice.state, "failed")
            counts[key] += 1
            if notice.state == PeerNotice.State.PENDING:
                return counts  # the server is failing: the beat sweep retries later
        if sum(counts.values()) >= batch:
            return counts
