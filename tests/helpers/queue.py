"""Read the task messages waiting in the test broker's queue (Redis, kombu's format)."""

from __future__ import annotations

import base64
import json

import redis
from django.conf import settings

QUEUE = "celery"


def take_queued(task_name: str) -> list[list]:
    """Remove and return the args of every queued message for task_name, oldest first."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        found = []
        for raw in client.lrange(QUEUE, 0, -1):
            message = json.loads(raw)
            if message.get("headers", {}).get("task") != task_name:
                continue
            args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            found.append(args)
            client.lrem(QUEUE, 1, raw)
        # Redis lists push on the left: the oldest message is last.
        return list(reversed(found))
    finally:
        client.close()
