"""Send report reads to a streaming read replica, and everything else to the primary.

A replica is configured by `DATABASE_REPLICA_URL` (config/settings/base.py adds the
`replica` alias). Reads go there only inside a `replica_reads()` scope (report pages,
CSV export rows), and even there the primary answers when the answer must include a
write the replica may not have replayed yet:

- inside a transaction on the primary (a service that reads, then writes);
- in a request that has written anything, or that is a POST (or another unsafe method);
- for a few seconds after the same browser's last write (`ReplicaPinMiddleware`'s
  cookie), so the page shown right after a POST reflects it;
- for the session and token tables (who is asking is always the primary's answer).

With no replica configured the router answers None and Django uses `default`.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

__all__ = [
    "REPLICA",
    "ReplicaPinMiddleware",
    "ReplicaRouter",
    "primary_reads",
    "replica_reads",
    "reads_from_replica",
]

REPLICA = "replica"
# Apps whose rows decide who the caller is or what runs: never read stale.
PRIMARY_ONLY_APPS = frozenset({"sessions", "authtoken", "axes", "django_celery_beat"})
PIN_COOKIE = "tradeoffs_primary_until"

_scope: ContextVar[bool] = ContextVar("tradeoffs_replica_scope", default=False)
_pinned: ContextVar[bool] = ContextVar("tradeoffs_primary_pinned", default=False)
_wrote: ContextVar[bool] = ContextVar("tradeoffs_wrote", default=False)
_in_request: ContextVar[bool] = ContextVar("tradeoffs_in_request", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Let reads inside this block go to the replica (when one is configured)."""
    scope = _scope.set(True)
    try:
        yield
    finally:
        _scope.reset(scope)


@contextlib.contextmanager
def primary_reads() -> Iterator[None]:
    """Read from the primary inside this block, even within a replica scope.

    For a read whose absence leads to a write: a row the replica lacks may be one the
    primary stored since the replica's last replay.
    """
    pinned = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(pinned)


def reads_from_replica(view: Callable) -> Callable:
    """Decorate a page view: its GET and HEAD reads may be served by the replica.

    The user is loaded first, outside the scope, from the primary.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - resolve the lazy user now
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Route reads inside a replica scope to the replica; all writes to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if not (_scope.get() and replica_configured()):
            return None
        if _pinned.get() or (_in_request.get() and _wrote.get()):
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        # Read-then-write in one transaction must see (and lock) the primary's rows.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        # What this request reads next must include what it just wrote. (A task's
        # own writes pin nothing: an export's progress updates are not read back.)
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica is a copy of the primary: its rows relate to the primary's.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # A hot standby is read-only; it receives the schema by replication.
        return db != REPLICA


class ReplicaPinMiddleware:
    """After a browser writes, read its next pages from the primary for a while.

    A request with an unsafe method, or one that wrote, sets a cookie holding the time
    until which that browser reads from the primary (`REPLICA_PIN_SECONDS`, above the
    replica's usual lag); each request starts unpinned unless the cookie says otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
        pinned = _pinned.set(
            unsafe or _float(request.COOKIES.get(PIN_COOKIE)) > time.time()
        )
        wrote = _wrote.set(False)
        in_request = _in_request.set(True)
        try:
            response = self.get_response(request)
            pin = unsafe or _wrote.get()
        finally:
            _in_request.reset(in_request)
            _wrote.reset(wrote)
            _pinned.reset(pinned)
        if pin:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


def _float(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0
