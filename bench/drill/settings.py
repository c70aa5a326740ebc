"""Production settings for the drill's processes, for plain HTTP on loopback.

Everything else (the database, broker, cache, trusted proxies, limits) comes from the
environment the drill gives each process, exactly as in a deployment.
"""

import os

from config.settings.production import *  # noqa: F403

# Plain HTTP on 127.0.0.1: no HTTPS redirect or HSTS, and cookies a plain-HTTP client
# sends back. Static files from the finders, so no collectstatic is needed.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# The test suite's users carry MD5 hashes (config/settings/test.py); the drill run on its
# own database uses production's hasher.
if os.environ.get("DRILL_FAST_PASSWORDS"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
