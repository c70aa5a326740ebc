"""Write use cases of progress reports: build the outbox, send it, resend, unsubscribe.

`building` renders and stores the week's reports, `sending` claims and delivers them,
`outbox` holds what the admin and the user change; `limits` reads their settings.
Callers use this package: `services.build_reports(...)`.
"""

from .building import KINDS, build_reports, compose_report, iter_drafts
from .limits import (
    build_batch_size,
    extra_senders,
    max_attempts,
    send_batch_size,
    send_lease,
    slow_retries,
    slow_retry_every,
)
from .outbox import resend_reports, unsubscribe
from .sending import SendResult, claim_reports, deliver_batch, send_due_reports

__all__ = [
    "KINDS",
    "SendResult",
    "build_batch_size",
    "build_reports",
    "claim_reports",
    "compose_report",
    "deliver_batch",
    "extra_senders",
    "iter_drafts",
    "max_attempts",
    "resend_reports",
    "send_batch_size",
    "send_due_reports",
    "send_lease",
    "slow_retries",
    "slow_retry_every",
    "unsubscribe",
]
