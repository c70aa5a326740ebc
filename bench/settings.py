"""Production-like settings for the benchmark: production defaults, local services.

The runner sets BENCH_SMTP_PORT for the processes it starts; everything else is fixed
here so a stray DATABASE_URL or broker in the environment can never point the bench
at real data.
"""

import os

# Overridable only to run two benches side by side (e.g. while profiling one figure).
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
BENCH_DB_NAME = os.environ.get("BENCH_DB_NAME", "bench_tradeoffs")

# production.py reads these at import time, so
# the bench's own database and Redis database are forced, not defaulted.
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB_NAME}"
os.environ["CELERY_BROKER_URL"] = BENCH_REDIS_URL
os.environ["CELERY_RESULT_BACKEND"] = BENCH_REDIS_URL
os.environ["REDIS_CACHE_URL"] = BENCH_REDIS_URL
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:1025")
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")

from config.settings.production import *  # noqa: E402, F403
from config.settings.production import BASE_DIR, CACHES  # noqa: E402

DEBUG = False
SECRET_KEY = "bench-only-secret-key-not-for-production"
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench.urls"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": BENCH_DB_NAME,
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
}

# Redis database 8 belongs to the bench; 0-7 are someone else's.
CELERY_BROKER_URL = BENCH_REDIS_URL
CELERY_RESULT_BACKEND = BENCH_REDIS_URL
if "redis" in CACHES["default"]["BACKEND"].lower():
    CACHES = {**CACHES, "default": {**CACHES["default"], "LOCATION": BENCH_REDIS_URL}}
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_ALWAYS_EAGER = False

# Plain HTTP on 127.0.0.1: no redirect to HTTPS, no HSTS header to cache.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("BENCH_SMTP_PORT", "1025"))
EMAIL_HOST_USER = ""
EMAIL_HOST_PASSWORD = ""
EMAIL_USE_TLS = False
EMAIL_USE_SSL = False
SITE_URL = "http://127.0.0.1:8000"

BENCH_VAR = BASE_DIR / "var" / "bench"
STATIC_ROOT = BENCH_VAR / "static"
EXPORTS_ROOT = BENCH_VAR / "exports"
MEDIA_ROOT = BENCH_VAR / "media"
