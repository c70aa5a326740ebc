"""The hook for the peer-review queue, which another engineer is building in parallel.

When the queue exists, `measure` seeds nothing itself: give it the URL of the
instructor's (or the reviewer's) queue page for the size's waiting answers and return
`{"seconds", "units": 1, "unit": "page", "queries"}` as the grading queue does.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def measure(ctx: dict, page) -> dict:
    """Time the peer-review queue's first page, or say why it cannot be measured."""
    try:
        url = reverse("instructor:peer_review_queue")
    except NoReverseMatch:
        return {"skipped": "the peer-review queue is not in the tree yet"}
    seconds, queries, status = page(ctx, url)
    assert status == 200, status
    return {"seconds": seconds, "units": 1, "unit": "page", "queries": queries}
