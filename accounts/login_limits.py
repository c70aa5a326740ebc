"""django-axes with three limits instead of one: per account and address, per account,
per address.

axes locks when the largest failure count over its lockout parameters reaches one limit.
Each parameter here has its own limit (settings.LOGIN_FAILURE_LIMITS), so each count is
scaled onto axes' limit before the largest is taken: `failures * base // limit` reaches
`base` exactly when `failures` reaches `limit`.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

__all__ = ["LoginLimitsHandler", "limit_for"]


def _name(parameter: str | list[str]) -> str:
    return parameter if isinstance(parameter, str) else "+".join(parameter)


def limit_for(parameter: str | list[str]) -> int:
    """The failures allowed under one lockout parameter ("username+ip_address", ...)."""
    return settings.LOGIN_FAILURE_LIMITS[_name(parameter)]


class LoginLimitsHandler(AxesDatabaseHandler):
    """settings.AXES_HANDLER: axes' database handler with a limit per parameter."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        base = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = (
                attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            )
            worst = max(worst, failures * base // limit_for(parameter))
        return worst

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """A good password clears that account's failures from that address only.

        axes would delete every record matching any parameter, so one success on a
        sprayer's own account would wipe the address's failures on everyone else's.
        """
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count
