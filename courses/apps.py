from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self) -> None:
        from .collation import register_on_sqlite

        connection_created.connect(register_on_sqlite, dispatch_uid="natural-collation")
