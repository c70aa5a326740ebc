"""Settings for the real Celery worker in the crash test: test settings, real SMTP.

config.settings.test pins the locmem backend; this worker must deliver to the test's
aiosmtpd server, whose port comes from the environment.
"""

import os

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["PROGRESS_TEST_SMTP_PORT"])
EMAIL_TIMEOUT = 10
SITE_URL = "https://tradeoffs.example"
# A short lease, so the restarted worker may take over the killed one's rows quickly.
PROGRESS_REPORT_LEASE_SECONDS = int(os.environ.get("PROGRESS_TEST_LEASE_SECONDS", "5"))
