"""Whether the site navigation shows a student the link to their peer reviews.

Read on every page, so it costs no round trip: a column of the user's own row
(`User.peer_review_link`), which AuthenticationMiddleware reads anyway. It is set when
allocation gives the user reviews (on commit) and when they open their peer-review page
with work on it; a durable flag, so it survives a cache flush (it used to be a cache
key per user: a Redis GET on every page).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model


def remember(user_ids: Iterable[int]) -> None:
    """Show these users the link from now on (one UPDATE, of those without it yet)."""
    ids = list(user_ids)
    if ids:
        get_user_model().objects.filter(pk__in=ids, peer_review_link=False).update(
            peer_review_link=True
        )


def shows_link(user) -> bool:
    return bool(getattr(user, "peer_review_link", False))
