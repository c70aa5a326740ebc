"""WSGI entry point."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
import config.celery  # noqa: E402,F401  (tasks sent from views use its broker)

application = get_wsgi_application()
