"""Limit how often one user may try join codes, on the page and the API alike."""

from rest_framework.throttling import UserRateThrottle


class JoinCodeThrottle(UserRateThrottle):
    """Tries of a join code per user (or per address before log-in)."""

    scope = "cohort_join"


def join_allowed(request) -> bool:
    """Count this try of a join code; False once the user is over the rate."""
    return JoinCodeThrottle().allow_request(request, None)
