# One image for web (gunicorn), worker and beat (celery) and the migrate one-shot.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app

# Dependencies first so code changes do not reinstall them; psycopg[binary] ships libpq.
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN groupadd --system app && useradd --system --gid app --home-dir /app app

COPY --chown=app:app . .

# collectstatic only needs settings that import: throwaway values, never used at run time.
# static/ may be absent in a checkout (git keeps no empty folders); create it so
# STATICFILES_DIRS points at something.
RUN mkdir -p static var/media var/exports \
    && DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
       DJANGO_ALLOWED_HOSTS=localhost \
       DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
       CELERY_BROKER_URL=memory:// \
       REDIS_CACHE_URL=redis://localhost:6379/1 \
       EMAIL_URL=consolemail:// \
       SITE_URL=http://localhost \
       python manage.py collectstatic --noinput \
    && chown -R app:app /app/var /app/staticfiles

USER app

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--config", "config/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
