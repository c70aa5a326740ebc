"""Baselines measured on the same stack: a constant DRF view and two Celery tasks.

B0 goes through the same middleware, authentication (token or session) and permission
classes as the student API, and returns a constant: what is left is the app's own work.
N0 is a task that does nothing, so the broker and worker overhead is all it measures.
N1 sends prebuilt messages through one SMTP connection: the floor for progress e-mails.
"""

from __future__ import annotations

import os
import resource

from celery import shared_task
from django.core import mail
from rest_framework.response import Response
from rest_framework.views import APIView

CONSTANT = {"ok": True, "items": [1, 2, 3]}


class ConstantView(APIView):
    """B0: authenticate, check permissions, return a constant."""

    def get(self, request):
        return Response(CONSTANT)


@shared_task(name="bench.noop", acks_late=True)
def noop() -> None:
    """N0: do nothing."""


@shared_task(name="bench.send_prebuilt", acks_late=True)
def send_prebuilt(count: int, size: int = 2000) -> dict:
    """N1: build `count` messages up front, then send them through one connection."""
    body = ("x" * 71 + "\n") * max(1, size // 72)
    messages = [
        mail.EmailMultiAlternatives(
            subject=f"Prebuilt message {n}",
            body=body,
            to=[f"bench-{n}@example.test"],
            alternatives=[(f"<p>{body}</p>", "text/html")],
        )
        for n in range(count)
    ]
    with mail.get_connection() as connection:
        sent = connection.send_messages(messages)
    return {
        "sent": sent,
        "pid": os.getpid(),
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
