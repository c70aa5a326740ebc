"""Settings shared by every environment; each environment module overrides a few."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# The real environment wins over .env: read_env never overwrites a set variable.
environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "axes",
    "accounts",
    "courses",
    "quizzes",
    "teaching",
    "analytics",
    "practice",
    "peerreview",
    "progress",
    "lti_tool",
    "lti",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside SessionMiddleware: it re-marks the session cookie for LMS iframes.
    "lti.embedding.EmbeddingMiddleware",
    # Outside SessionMiddleware: a session saved on the way out counts as a write.
    "core.replica.ReplicaPinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged by its backend into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lti.context_processors.embedding",
                "peerreview.context_processors.peer_nav",
            ],
        },
    },
]


def databases(default: dict) -> dict:
    """DATABASES around the primary's settings (docs/operations.md, *Scaling out*).

    `DATABASE_REPLICA_URL` adds a `replica` alias, a streaming replica that
    core.replica.ReplicaRouter sends report reads to. `DATABASE_TRANSACTION_POOLER=true`
    says connections go through a transaction-mode pooler (PgBouncer), where a server
    connection serves other clients between transactions: no server-side cursor may
    outlive a transaction (Django's `.iterator()` declares them WITH HOLD outside one)
    and no prepared statement may be kept (psycopg's automatic ones).
    """
    aliases = {"default": default}
    replica_url = env("DATABASE_REPLICA_URL", default="")
    if replica_url:
        replica = environ.Env.db_url_config(replica_url)
        replica["CONN_MAX_AGE"] = default.get("CONN_MAX_AGE", 0)
        replica["CONN_HEALTH_CHECKS"] = True
        # Under test the replica serves the test database streamed from the primary.
        replica["TEST"] = {"MIRROR": "default"}
        aliases["replica"] = replica
    if env.bool("DATABASE_TRANSACTION_POOLER", default=False):
        for alias in aliases.values():
            alias["DISABLE_SERVER_SIDE_CURSORS"] = True
            alias.setdefault("OPTIONS", {})["prepare_threshold"] = None
    return aliases


DATABASES = databases(
    {
        **env.db("DATABASE_URL", default="sqlite:///:memory:"),
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    }
)
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# After a browser writes, its pages read the primary this long (core/replica.py); keep it
# above the replica's usual replay lag.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Axes only refuses locked-out log-ins; the EmailBackend does the authenticating.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Forwarding headers (X-Forwarded-For) are believed only from these peers: addresses or
# networks of our own reverse proxies, e.g. "127.0.0.1,172.28.0.0/16". Empty: the peer
# itself is the client, whatever headers it sends (core/client_ip.py).
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])
# Log-in limits (django-axes, accounts/login_limits.py), each over the cool-off time:
# one e-mail from one address (a student's typos lock only that student, there); one
# e-mail from any address (guessing one account's password from many addresses); one
# address over every e-mail (password spraying). A classroom shares one public address,
# so the last limit sits well above what a class of typing students reaches.
LOGIN_FAILURE_LIMITS = {
    "username+ip_address": env.int("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", default=5),
    "username": env.int("LOGIN_FAILURES_PER_ACCOUNT", default=20),
    "ip_address": env.int("LOGIN_FAILURES_PER_ADDRESS", default=60),
}
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "accounts.login_limits.LoginLimitsHandler"
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMITS["username+ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 403
# Password-reset requests allowed per hour, counted in the cache before anything is
# looked up, so the answer and its timing say nothing about whether an account exists.
PASSWORD_RESET_LIMITS = {
    "address": env.int("PASSWORD_RESETS_PER_ADDRESS", default=20),
    "email": env.int("PASSWORD_RESETS_PER_EMAIL", default=3),
}
PASSWORD_RESET_WINDOW_SECONDS = 3600
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "courses:catalogue"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"
# Where CSV exports are streamed to; served only through a view that checks the owner.
EXPORTS_ROOT = env.path("EXPORTS_ROOT", default=BASE_DIR / "var" / "exports")


def redis_cache(location: str) -> dict:
    """A cache on Redis that fails open: while Redis is down every read is a miss and
    every write is dropped (django-redis IGNORE_EXCEPTIONS), each failure logged as one
    warning (logger tradeoffs.cache), and each call waits at most half a second."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": "tradeoffs-cache",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "tradeoffs.cache"

# Sessions live in the database, read through the cache: the cache fails open (see
# redis_cache), so while Redis is down every read falls through to the database and
# nobody is signed out, and while it is up a page costs no session query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Throttle counters (REST_FRAMEWORK rates) live here. Per-process memory is enough for one
# process; production.py points it at Redis so every web worker shares the counts.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tradeoffs",
    },
    # What {% cache %} stores (Django's tag uses this alias when it exists): rendered
    # pieces of pages that are the same for every reader, keyed on the version of what
    # they show, so an entry is never stale, only unused. In each process's memory: a
    # hit costs no round trip (docs/decisions/0004).
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template-fragments",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Sent by SecurityMiddleware on every response (also Django's defaults; stated on purpose).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Bodies above this are refused with 400 before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # JSON with a nesting limit that refuses text which is not valid Unicode.
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "attempt_start": env("THROTTLE_ATTEMPT_START", default="30/min"),
        "answer_save": env("THROTTLE_ANSWER_SAVE", default="240/min"),
        "cohort_join": env("THROTTLE_COHORT_JOIN", default="20/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tradeoffs API",
    "DESCRIPTION": "Courses, lessons, quizzes and progress for the Tradeoffs platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AttemptStateEnum": "quizzes.models.Attempt.State",
        "ExportJobStateEnum": "analytics.models.ExportJob.State",
        "ReviewLevelEnum": "quizzes.models.Quiz.ReviewLevel",
    },
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery closes the DB connection around every task unless told to reuse it.
CELERY_DB_REUSE_MAX = 1000
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Redis redelivers an unacknowledged message after this many seconds. A publish that
# cannot reach Redis fails at once rather than retrying: the submit is already saved and
# the sweep queues its grading once Redis is back.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 3,
    "max_retries": 0,
}
# Sending a task subscribes to its result in the result backend; against a dead Redis
# Celery would retry that for about 20 s (20 tries, 1 s apart). A few quick tries keep a
# request that queues work inside a second or two when Redis is down.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
}
# Redis behind Sentinel (docs/operations.md, *Broker failover*): the broker URL lists the
# sentinels, `sentinel://host:26379;sentinel://host2:26379;...`, and this names the
# primary they watch; clients ask a sentinel for the current primary on every reconnect.
# The result backend takes the same form (`sentinel://...`) and the same name.
CELERY_SENTINEL_MASTER = env("CELERY_SENTINEL_MASTER", default="")
if CELERY_SENTINEL_MASTER:
    CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] = CELERY_SENTINEL_MASTER
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS["master_name"] = CELERY_SENTINEL_MASTER

# Progress reports (progress/services): users rendered per build batch, rows per send
# batch, how long a send run holds the rows it claimed, other worker processes the weekly
# run asks to send beside it, and the retry tiers of a failed send: MAX_ATTEMPTS tries
# with doubling waits (about half an hour), then SLOW_RETRIES more, one per
# SLOW_RETRY_EVERY, before a transient failure is final.
PROGRESS_REPORT_BUILD_BATCH = env.int("PROGRESS_REPORT_BUILD_BATCH", default=200)
PROGRESS_REPORT_SEND_BATCH = env.int("PROGRESS_REPORT_SEND_BATCH", default=200)
PROGRESS_REPORT_LEASE_SECONDS = env.int("PROGRESS_REPORT_LEASE_SECONDS", default=600)
PROGRESS_REPORT_EXTRA_SENDERS = env.int("PROGRESS_REPORT_EXTRA_SENDERS", default=1)
PROGRESS_REPORT_MAX_ATTEMPTS = 6
PROGRESS_REPORT_SLOW_RETRIES = 24
PROGRESS_REPORT_SLOW_RETRY_EVERY = timedelta(hours=1)

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Tradeoffs <noreply@tradeoffs.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in e-mails (unsubscribe, lesson passages) start with this.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# LTI (lti/): grade passback retries (seconds, doubled per try) and extra origins that
# may frame launched pages, per platform issuer (e.g. a Canvas school's own domain).
LTI_SCORE_RETRY_BASE_SECONDS = env.int("LTI_SCORE_RETRY_BASE_SECONDS", default=30)
LTI_SCORE_MAX_ATTEMPTS = env.int("LTI_SCORE_MAX_ATTEMPTS", default=8)
# A sender that died holding scores gives them up after this many seconds.
LTI_SCORE_LEASE_SECONDS = env.int("LTI_SCORE_LEASE_SECONDS", default=120)
LTI_EXTRA_FRAME_ORIGINS = env.json("LTI_EXTRA_FRAME_ORIGINS", default={})

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"outage": {"()": "core.outage.OneLineWarning"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The cache failing open (production.py): one warning line per failed call.
        "tradeoffs.cache": {"filters": ["outage"], "level": "WARNING"},
    },
}
