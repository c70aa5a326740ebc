"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
import config.celery  # noqa: E402,F401  (tasks sent from views use its broker)

application = get_asgi_application()
