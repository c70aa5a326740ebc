"""The tool's signing keys (django-lti's Key rows; rotate with `manage.py rotate_keys`)."""

from lti_tool.models import Key


def ensure_signing_key() -> None:
    """Make the first key pair if there is none: a fresh install launches at once.

    Two processes racing here each make one; both are published, the newest signs.
    """
    if not Key.objects.active().exists():
        Key.objects.generate()
