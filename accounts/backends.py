"""Log in by e-mail address, whatever its case."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from config import rows


class EmailBackend(ModelBackend):
    """ModelBackend whose username is the e-mail, matched case-insensitively."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(
            request, username=username or email, password=password, **kwargs
        )

    def get_user(self, user_id):
        """The session's user, as ModelBackend finds it (by primary key, if still
        active), read by SQL: it runs on every signed-in page, and compiling the ORM's
        query cost more than running it."""
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:  # a malformed id in a session is no user
            return None
        found = rows.fetch(
            model,
            f"SELECT * FROM {model._meta.db_table} WHERE {model._meta.pk.column} = %s",
            [pk],
        )
        if not found or not self.user_can_authenticate(found[0]):
            return None
        return found[0]
