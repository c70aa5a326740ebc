"""Launch refusals: what went wrong, and what the learner should tell the LMS admin."""

from django.utils.translation import gettext_lazy as _

# code -> (what happened, what to tell the LMS administrator)
REASONS = {
    "unknown_platform": (
        _("This LMS is not registered with Tradeoffs."),
        _(
            "Ask your LMS administrator to register the platform (issuer and client "
            "ID) in the Tradeoffs admin, or to use dynamic registration."
        ),
    ),
    "bad_state": (
        _("The launch did not start from this browser, or was already used."),
        _(
            "Go back to the course in your LMS and open the link again. If it keeps "
            "failing, tell your LMS administrator the launch state was refused."
        ),
    ),
    "replayed": (
        _("This launch was already used once."),
        _("Open the link again from your LMS; every launch can be used only once."),
    ),
    "bad_token": (
        _("The LMS sent a launch token Tradeoffs cannot accept."),
        _(
            "Tell your LMS administrator the id_token was refused (signature, "
            "audience, issuer or format); the Tradeoffs log has the details."
        ),
    ),
    "expired": (
        _("The launch token has expired or is not valid yet."),
        _(
            "Open the link again. If it keeps failing, ask your LMS administrator "
            "to check the LMS server's clock."
        ),
    ),
    "unknown_key": (
        _("The launch was signed with a key the LMS does not publish."),
        _(
            "Tell your LMS administrator the platform's key set (JWKS URL) in the "
            "Tradeoffs registration does not hold the signing key."
        ),
    ),
    "unknown_deployment": (
        _("This deployment of the tool is not registered."),
        _(
            "Ask your LMS administrator to add the deployment ID to the Tradeoffs "
            "registration (Django admin, LTI registrations) and mark it active."
        ),
    ),
    "bad_message": (
        _("The launch message is incomplete."),
        _("Tell your LMS administrator a required LTI claim was missing."),
    ),
    "no_target": (
        _("This link is not connected to a quiz or lesson."),
        _(
            "Ask your instructor to add the activity again with the Tradeoffs "
            "content picker (deep linking)."
        ),
    ),
    "not_instructor": (
        _("Only an instructor of the LMS course can add Tradeoffs content."),
        _("Ask an instructor of this course to add the activity."),
    ),
    "no_launch": (
        _("There is no LTI launch in progress."),
        _("Open the activity again from your LMS."),
    ),
}


class LaunchRefused(Exception):
    """A launch or login the tool will not accept, with a reason code from REASONS."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail

    @property
    def message(self):
        return REASONS[self.code][0]

    @property
    def admin_hint(self):
        return REASONS[self.code][1]
