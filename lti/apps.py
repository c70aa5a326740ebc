from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI"

    def ready(self) -> None:
        from . import receivers

        receivers.connect_signals()
