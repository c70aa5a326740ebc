"""Decide what an SMTP failure means and when to try again: pure, no ORM."""

from __future__ import annotations

import random
import smtplib
from dataclasses import dataclass
from datetime import timedelta

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
MAX_ATTEMPTS = 6
# After the fast tier (MAX_ATTEMPTS tries over about half an hour) a transient failure
# goes on being tried once an hour for a day, so an outage of a few hours delays the
# week's reports instead of failing them for good; the beat sweep picks them up.
SLOW_RETRY_EVERY = timedelta(hours=1)
SLOW_RETRIES = 24


@dataclass(frozen=True)
class Failure:
    """What went wrong and whether trying later may help."""

    transient: bool
    reason: str


def _code_reason(code: int, message) -> str:
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return f"{code} {message}".strip()


def classify(exc: BaseException) -> Failure:
    """4xx replies, a dropped or refused connection are transient; 5xx and the rest are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.values())
        reason = "; ".join(
            f"{address}: {_code_reason(code, msg)}"
            for address, (code, msg) in exc.recipients.items()
        )
        transient = bool(replies) and all(400 <= code < 500 for code, _ in replies)
        return Failure(transient, reason or str(exc))
    if isinstance(exc, smtplib.SMTPResponseException):
        return Failure(
            400 <= exc.smtp_code < 500, _code_reason(exc.smtp_code, exc.smtp_error)
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | TimeoutError):
        return Failure(True, f"{type(exc).__name__}: {exc}")
    if isinstance(exc, OSError):
        # DNS failures, unreachable networks: the server may be back later.
        return Failure(True, f"{type(exc).__name__}: {exc}")
    return Failure(False, f"{type(exc).__name__}: {exc}")


def retry_delay(
    attempts: int,
    *,
    fast_tries: int = MAX_ATTEMPTS,
    slow_tries: int = SLOW_RETRIES,
    slow_every: timedelta = SLOW_RETRY_EVERY,
    rng: random.Random | None = None,
) -> timedelta | None:
    """The wait before trying a transient failure again after `attempts` tries, or None
    when it is time to give up: doubling waits first, then a slow hourly tier."""
    if attempts < fast_tries:
        return backoff(attempts, rng=rng)
    if attempts < fast_tries + slow_tries:
        # A little jitter so a week's failed rows do not return all at once.
        return slow_every + slow_every * 0.1 * (rng or random).random()
    return None


def backoff(
    attempts: int,
    *,
    base: timedelta = BACKOFF_BASE,
    cap: timedelta = BACKOFF_CAP,
    rng: random.Random | None = None,
) -> timedelta:
    """The wait before try number attempts+1: doubling, capped, with "equal jitter".

    Half the delay is fixed and half random, so retries of a batch that failed together
    spread out instead of hitting the server again at the same moment.
    """
    rng = rng or random
    exponent = max(0, attempts - 1)
    delay = min(cap, base * (2**exponent))
    half = delay / 2
    return half + half * rng.random()
