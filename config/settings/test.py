"""Test settings: the real PostgreSQL and Redis on 127.0.0.1."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

SECRET_KEY = "test-secret-key-not-for-production"
DEBUG = False
ALLOWED_HOSTS = ["*"]
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/tradeoffs"
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {
    "NAME": env("TEST_DATABASE_NAME", default="test_tradeoffs")
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EXPORTS_ROOT = BASE_DIR / "var" / "test-exports"
REST_FRAMEWORK = {**REST_FRAMEWORK}  # noqa: F405
# Off by default: tests call authenticate() without a request, which axes refuses
# (AxesBackendRequestParameterRequired). tests/security turns it on where it is tested.
AXES_ENABLED = False

# Static files come from the finders here; nothing is collected into STATIC_ROOT.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
