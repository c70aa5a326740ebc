from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self) -> None:
        from . import cache, gradebook_cache, passages

        cache.connect_signals()
        gradebook_cache.connect_signals()
        passages.connect_signals()
