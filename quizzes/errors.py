"""Domain errors of the quizzes app: the API answers each with a 409 (or a 403)."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotPermitted


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


class NotAssigned(NotPermitted):
    def __init__(self):
        super().__init__(
            str(
                _(
                    "This quiz is set for its assigned cohorts only; "
                    "ask your instructor if you should take it."
                )
            ),
            code="not_assigned",
        )


class EmailNotVerified(NotPermitted):
    def __init__(self):
        super().__init__(
            str(
                _(
                    "Confirm your e-mail address before taking a quiz: follow the link "
                    "we sent you, or ask for a new one on your profile page."
                )
            ),
            code="email_not_verified",
        )


class QuizChanged(DomainError):
    """A question was removed between reading the attempt and writing its answers."""

    def __init__(self):
        super().__init__(
            str(
                _(
                    "This quiz changed while you were answering: a question was "
                    "removed. Reload the page to carry on; what you saved before is kept."
                )
            ),
            code="quiz_changed",
        )
