"""Test settings: the real PostgreSQL and Redis on 127.0.0.1."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import BASE_DIR, databases, env

SECRET_KEY = "test-secret-key-not-for-production"
DEBUG = False
ALLOWED_HOSTS = ["*"]
DATABASES = databases(
    {
        **env.db(
            "DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/tradeoffs"
        ),
        # As in production (base.py): a connection serves a thread's requests for a
        # minute. At 0 every live-server request and Celery task connected anew, a
        # large share of the suite's CPU (decision record 0011, second addendum).
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": env("TEST_DATABASE_NAME", default="test_tradeoffs")},
    }
)
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
# Under pytest-xdist each worker (gw0, gw1, ...) queues tasks in a Redis database of its
# own, counted up from the one CELERY_BROKER_URL names (the default 15 gives gw0 15,
# gw1 0, gw2 1), so one worker's tests never take another's messages. The test database gets its suffix
# (_gw0, _gw1) from pytest-django. Celery reads CELERY_BROKER_URL from the environment
# before settings, so the environment is changed too; the worker subprocesses a test
# starts inherit it, and the marker keeps their settings from counting up again.
# (PYTEST_XDIST_WORKER is set by xdist, not by deployers.)
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER and os.environ.get("TRADEOFFS_XDIST_BROKER") != XDIST_WORKER:
    _broker = urlsplit(CELERY_BROKER_URL)
    _db = int(_broker.path.strip("/") or 0) + int(XDIST_WORKER.removeprefix("gw"))
    CELERY_BROKER_URL = urlunsplit(_broker._replace(path=f"/{_db % 16}"))
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL
    os.environ["TRADEOFFS_XDIST_BROKER"] = XDIST_WORKER
# ...and each worker's test database is created as a copy of the one template the run
# migrated (tests/helpers/template_db.py), instead of applying every migration again.
if XDIST_WORKER and os.environ.get("TRADEOFFS_XDIST_TEMPLATE"):
    DATABASES["default"]["TEST"]["TEMPLATE"] = os.environ["TRADEOFFS_XDIST_TEMPLATE"]
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EXPORTS_ROOT = BASE_DIR / "var" / "test-exports" / (XDIST_WORKER or "main")
REST_FRAMEWORK = {**REST_FRAMEWORK}  # noqa: F405
# Off by default: tests call authenticate() without a request, which axes refuses
# (AxesBackendRequestParameterRequired). tests/security turns it on where it is tested.
AXES_ENABLED = False

# Static files come from the finders here; nothing is collected into STATIC_ROOT.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# ...looked up when a static URL is asked for. Otherwise WhiteNoise lists and stats every
# file the finders know each time its middleware is made, which the test Client does
# once per Client, so nearly once per test: half the access matrix's CPU (decision
# record 0011, third addendum). Same files, same headers; only the listing moves.
WHITENOISE_AUTOREFRESH = True

# Commit without waiting for the WAL to reach the disk (PostgreSQL's synchronous_commit,
# for these connections only): the transactional tests, the Celery worker subprocesses
# and the migrations commit thousands of times, and a flush per commit was a wait of
# milliseconds each. A commit is as visible to other connections as before; only a
# crash of the server could lose the last ones, which a test database can afford.
for _alias in DATABASES.values():
    _alias.setdefault("OPTIONS", {}).setdefault("options", "-c synchronous_commit=off")
