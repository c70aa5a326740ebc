"""Whether the site navigation shows a student the link to their peer reviews.

Read on every page, so it costs no database query: a flag per user in the cache,
written when allocation gives the user reviews (on commit) and when they open their
peer-review page. A lost flag (the cache emptied) only hides the link until then; the
e-mail notices link to the page as well.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache

KEY = "peer-nav:{}"


def remember(user_ids: Iterable[int]) -> None:
    """Show these users the link from now on."""
    try:
        cache.set_many({KEY.format(pk): True for pk in user_ids}, timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage only hides a link
        pass


def shows_link(user_id: int) -> bool:
    try:
        return bool(cache.get(KEY.format(user_id)))
    except Exception:  # noqa: BLE001 - a cache outage only hides a link
        return False
