"""`peer_nav`: whether the header links to the student's peer reviews (peerreview.nav).

A flag on the user's own row, which AuthenticationMiddleware has read: no round trip."""

from __future__ import annotations

from . import nav


def peer_nav(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"peer_nav": nav.shows_link(user)}
