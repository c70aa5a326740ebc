"""The bench's production-like settings on the growth bench's own database and Redis db.

PostgreSQL database `bench_growth` and Redis database 10, whatever BENCH_DB_NAME and
BENCH_REDIS_URL say (the main bench's); GROWTH_DB_NAME and GROWTH_REDIS_URL choose others,
so two growth runs on one machine need not share a database. E-mail goes nowhere (the dummy backend): the progress figure times building and
handing over the reports, not an SMTP server.
"""

import os

os.environ["BENCH_DB_NAME"] = os.environ.get("GROWTH_DB_NAME", "bench_growth")
os.environ["BENCH_REDIS_URL"] = os.environ.get(
    "GROWTH_REDIS_URL", "redis://127.0.0.1:6379/10"
)

from bench.settings import *  # noqa: E402, F403
from bench.settings import BENCH_VAR  # noqa: E402

EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
EXPORTS_ROOT = BENCH_VAR / "growth" / "exports"
LOGGING = {"version": 1, "disable_existing_loggers": False}
