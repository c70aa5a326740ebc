from django.apps import AppConfig


class PeerReviewConfig(AppConfig):
    name = "peerreview"
    verbose_name = "Peer review"

    def ready(self) -> None:
        from . import receivers

        receivers.connect_signals()
