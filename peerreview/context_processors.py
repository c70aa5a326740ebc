"""`peer_nav`: whether the header links to the student's peer reviews (peerreview.nav).

A callable, so the cache is read only when the template asks (the header, for a user
signed in), and never a database query."""

from __future__ import annotations

from . import nav


def peer_nav(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"peer_nav": lambda: nav.shows_link(user.pk)}
