"""The scale-out settings read from the environment, and the router without a replica."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.db import transaction

from core.replica import ReplicaRouter, replica_reads
from quizzes.models import Quiz
from tests.helpers.scaleout import child_env

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "aliases": sorted(settings.DATABASES),
    "default": {k: settings.DATABASES["default"].get(k)
                for k in ("DISABLE_SERVER_SIDE_CURSORS", "OPTIONS", "PORT")},
    "replica": settings.DATABASES.get("replica", {}),
    "routers": settings.DATABASE_ROUTERS,
    "broker": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "backend": settings.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS,
}, default=str))
"""


def settings_under(**env: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env=child_env(DJANGO_SETTINGS_MODULE="config.settings.production", **env),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


PRODUCTION = {
    "DJANGO_SECRET_KEY": "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "tradeoffs.example.org",
    "DATABASE_URL": "postgres://app:pw@pgbouncer-host:6432/tradeoffs",
    "REDIS_CACHE_URL": "redis://cache-host:6379/1",
    "EMAIL_URL": "smtp://mail-host:25",
    "SITE_URL": "https://tradeoffs.example.org",
}


def test_production_behind_pgbouncer_with_a_replica_and_sentinel():
    seen = settings_under(
        **PRODUCTION,
        DATABASE_TRANSACTION_POOLER="true",
        DATABASE_REPLICA_URL="postgres://app:pw@replica-host:6432/tradeoffs",
        CELERY_BROKER_URL="sentinel://s1:26379/0;sentinel://s2:26379/0",
        CELERY_SENTINEL_MASTER="tradeoffs",
    )

    assert seen["aliases"] == ["default", "replica"]
    assert seen["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert seen["default"]["OPTIONS"] == {"prepare_threshold": None}
    assert seen["replica"]["HOST"] == "replica-host"
    assert seen["replica"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert seen["routers"] == ["core.replica.ReplicaRouter"]
    assert seen["broker"]["master_name"] == seen["backend"]["master_name"]
    assert seen["broker"]["master_name"] == "tradeoffs"


def test_production_without_them_keeps_one_database_and_plain_redis():
    seen = settings_under(**PRODUCTION, CELERY_BROKER_URL="redis://broker-host:6379/0")

    assert seen["aliases"] == ["default"]
    assert seen["default"]["DISABLE_SERVER_SIDE_CURSORS"] is None
    assert "master_name" not in seen["broker"]


@pytest.mark.django_db
def test_without_a_replica_the_router_leaves_every_read_to_default(client):
    router = ReplicaRouter()

    with replica_reads(), transaction.atomic():
        assert router.db_for_read(Quiz) is None
    with replica_reads():
        assert router.db_for_read(Quiz) is None
    assert router.db_for_write(Quiz) == "default"
    assert router.allow_migrate("default", "quizzes") is True
    assert router.allow_migrate("replica", "quizzes") is False
    # No pin cookie without a replica: nothing to pin to.
    assert "tradeoffs_primary_until" not in client.post("/").cookies
