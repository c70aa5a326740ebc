"""The composition root: settings, the root URLconf, the Celery app, WSGI/ASGI entry points.

No app imports it. Importing `config` or its settings starts nothing: the entry points
(manage.py, wsgi.py, asgi.py and `celery -A config`, which finds config/celery.py) load
the Celery app, so `shared_task`s bind to it in every process that sends or runs them.
"""
