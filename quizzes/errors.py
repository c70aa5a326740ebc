"""Domain errors of the quizzes app: each becomes a 409 (or 400) with its message."""

from django.utils.translation import gettext_lazy as _

from config.api import DomainError


class QuizNotOpen(DomainError):
    def __init__(self, message=None):
        super().__init__(
            str(message or _("This quiz is not open.")), code="quiz_not_open"
        )


class NoAttemptsLeft(DomainError):
    def __init__(self):
        super().__init__(
            str(_("You have used all your attempts.")), code="no_attempts_left"
        )


class AttemptFinished(DomainError):
    def __init__(self):
        super().__init__(
            str(
                _("This attempt has been submitted; its answers can no longer change.")
            ),
            code="attempt_finished",
        )


class DeadlinePassed(DomainError):
    def __init__(self):
        super().__init__(
            str(_("Time is up: the attempt was closed at its deadline.")),
            code="deadline_passed",
        )


class NothingToGrade(DomainError):
    def __init__(self, message):
        super().__init__(str(message), code="nothing_to_grade")
