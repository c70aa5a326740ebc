"""Each settings module loads as documented; production passes `check --deploy`."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
ENV_CALL = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
EXAMPLE_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)

# Every variable production.py requires, plus the ones .env could flip (it is read in
# every environment), so a developer's .env cannot change what is checked.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "tradeoffs.example.org",
    "DATABASE_URL": "postgres://tradeoffs:secret@127.0.0.1:5432/tradeoffs",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
    "REDIS_CACHE_URL": "redis://127.0.0.1:6379/2",
    "EMAIL_URL": "smtp://mail.example.org:587",
    "SITE_URL": "https://tradeoffs.example.org",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
}
# Kept out of the child's environment so each test sees the settings' own defaults.
APP_VARIABLES = {
    *PRODUCTION_ENV,
    "DJANGO_DEBUG",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DJANGO_TRUSTED_PROXIES",
    "CELERY_RESULT_BACKEND",
    "CONN_MAX_AGE",
    "EMAIL_BACKEND",
    # tests/conftest.py sets it for Playwright; a deployment must not.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}

SHOW_SETTINGS = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "debug": settings.DEBUG,
    "eager": getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False),
    "email_backend": settings.EMAIL_BACKEND,
    "email_file_path": str(getattr(settings, "EMAIL_FILE_PATH", "")),
}))
"""


def run_python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the project's Python in a child with a clean application environment."""
    base = {key: value for key, value in os.environ.items() if key not in APP_VARIABLES}
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def dotenv_defines(name: str) -> bool:
    """Say whether the checkout's .env (read by every settings module) sets name."""
    path = PROJECT_DIR / ".env"
    if not path.is_file():
        return False
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, _ = line.strip().removeprefix("export ").partition("=")
        if sep and not key.startswith("#") and key.strip() == name:
            return True
    return False


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_python(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    assert "System check identified no issues" in output


def test_production_settings_refuse_to_load_without_a_secret_key():
    if dotenv_defines("DJANGO_SECRET_KEY"):
        pytest.skip(
            ".env in this checkout sets DJANGO_SECRET_KEY, so it cannot be unset"
        )
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}

    result = run_python("manage.py", "check", env=env)

    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


def test_local_settings_use_sqlite_eager_celery_and_file_email():
    result = run_python(
        "-c", SHOW_SETTINGS, env={"DJANGO_SETTINGS_MODULE": "config.settings.local"}
    )

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"] == str(PROJECT_DIR / "var" / "db.sqlite3")
    assert shown["debug"] is True
    assert shown["eager"] is True
    assert shown["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert shown["email_file_path"] == str(PROJECT_DIR / "var" / "mail")


def test_env_example_lists_every_variable_the_settings_read():
    settings_dir = PROJECT_DIR / "config" / "settings"
    read = set()
    for path in settings_dir.glob("*.py"):
        read |= set(ENV_CALL.findall(path.read_text(encoding="utf-8")))
    example = (PROJECT_DIR / ".env.example").read_text(encoding="utf-8")
    # A commented-out line counts: it documents a variable whose default is right.
    listed = set(EXAMPLE_LINE.findall(example))

    assert read, "no env(...) calls found; has the settings layout changed?"
    assert read - listed == set()


def test_every_migration_applies_on_sqlite_as_make_run_does(tmp_path):
    # `make run` migrates a fresh SQLite database; an operation only PostgreSQL knows
    # (an index ordered NULLS LAST, say) breaks the zero-setup start, which no test
    # on PostgreSQL would notice.
    database = tmp_path / "db.sqlite3"
    migrated = run_python(
        "manage.py",
        "migrate",
        "--noinput",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": f"sqlite:///{database}",
        },
    )

    assert migrated.returncode == 0, migrated.stderr[-2000:]
    assert database.stat().st_size > 0
