"""Hook the tool to the engine's signals; the work lives in services."""

from quizzes.signals import attempts_scored

from .passback import services


def _queue_scores(sender, attempts, **kwargs) -> None:
    services.queue_scores(attempts=attempts)


def connect_signals() -> None:
    attempts_scored.connect(_queue_scores, dispatch_uid="lti.queue_scores")
