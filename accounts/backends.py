"""Log in by e-mail address, whatever its case."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import router

from core import rows


class EmailBackend(ModelBackend):
    """ModelBackend whose username is the e-mail, matched case-insensitively."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(
            request, username=username or email, password=password, **kwargs
        )

    def get_user(self, user_id):
        """The session's user, as ModelBackend finds it; a malformed id is no user.

        Read on every signed-in request, by primary key: through core.rows rather than
        `objects.get()`, whose query building cost more than the read itself
        (docs/decisions/0013). The same row, the same checks.
        """
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except (ValueError, ValidationError):
            return None
        table, column = model._meta.db_table, model._meta.pk.column
        (found,) = rows.fetch_together(
            [(model, f"SELECT * FROM {table} WHERE {column} = %s", [pk])],
            using=router.db_for_read(model),
        )
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
