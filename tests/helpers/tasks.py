"""Tasks only the test worker loads: they let a test see the database through its eyes."""

from celery import shared_task
from django.contrib.auth import get_user_model


@shared_task(name="tests.helpers.user_exists")
def user_exists(email: str) -> bool:
    """Say whether the worker's database holds a user with this e-mail."""
    return get_user_model().objects.filter(email__iexact=email).exists()


@shared_task(name="tests.helpers.create_user")
def create_user(email: str) -> int:
    """Write a user from the worker; returns its id."""
    return get_user_model().objects.create_user(email=email, password=None).pk


@shared_task(name="tests.helpers.forget")
def forget() -> bool:
    """Clear the worker's caches: the next test that gets this worker starts from none."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    return True
