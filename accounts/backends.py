"""Log in by e-mail address, whatever its case."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError


class EmailBackend(ModelBackend):
    """ModelBackend whose username is the e-mail, matched case-insensitively."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(
            request, username=username or email, password=password, **kwargs
        )

    def get_user(self, user_id):
        """The session's user, as ModelBackend finds it; a malformed id is no user."""
        try:
            return super().get_user(user_id)
        except (ValueError, ValidationError):
            return None
