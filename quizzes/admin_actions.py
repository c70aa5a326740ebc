"""An admin action the quiz admin can add: regrade the selected quizzes.

Usage in quizzes/admin.py: ``actions = [admin_actions.regrade_selected_quizzes]``.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .services import regrading


@admin.action(
    description=gettext_lazy("Regrade selected quizzes with their current keys"),
    permissions=["change"],
)
def regrade_selected_quizzes(modeladmin, request, queryset):
    """Regrade each selected quiz, record who did it, and say what moved."""
    runs = regrading.regrade_quizzes(
        quizzes=list(queryset),
        user=request.user,
        reason=_("Regraded from the admin by %(user)s") % {"user": request.user},
    )
    for run in runs:
        modeladmin.message_user(
            request,
            _("%(quiz)s: %(changed)s attempts changed, %(notified)s students notified.")
            % {
                "quiz": run.quiz,
                "changed": run.changed,
                "notified": run.notified,
            },
            messages.SUCCESS,
        )
