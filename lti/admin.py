"""Admin for the tool's own rows; registrations and keys use django-lti's admin."""

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from lti_tool.admin import LtiDeploymentInline as BaseLtiDeploymentInline
from lti_tool.admin import LtiRegistrationAdmin as BaseLtiRegistrationAdmin
from lti_tool.models import LtiRegistration

from .models import ContextCohort, LinkedResource, RegistrationInvite, Score

# Addresses typed without a scheme are HTTPS (Django 6's default, asked for now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}

admin.site.unregister(LtiRegistration)


class LtiDeploymentInline(BaseLtiDeploymentInline):
    formfield_overrides = HTTPS_URLS


@admin.register(LtiRegistration)
class LtiRegistrationAdmin(BaseLtiRegistrationAdmin):
    """django-lti's registration admin (with its deployments inline)."""

    formfield_overrides = HTTPS_URLS
    inlines = [LtiDeploymentInline]


@admin.register(ContextCohort)
class ContextCohortAdmin(admin.ModelAdmin):
    list_display = ["cohort", "context", "synced_at"]
    list_select_related = ["cohort__course", "context"]
    raw_id_fields = ["context", "cohort"]


@admin.register(LinkedResource)
class LinkedResourceAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["resource_link", "quiz", "lesson", "lineitem_url"]
    list_select_related = ["resource_link", "quiz", "lesson"]
    raw_id_fields = ["resource_link", "quiz", "lesson"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = [
        "student",
        "quiz",
        "score_given",
        "state",
        "attempts",
        "http_status",
        "timestamp",
    ]
    list_filter = ["state"]
    list_select_related = ["student", "quiz"]
    readonly_fields = [f.name for f in Score._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(RegistrationInvite)
class RegistrationInviteAdmin(admin.ModelAdmin):
    """One-time links for LTI Dynamic Registration: give one to an LMS admin."""

    list_display = ["__str__", "link", "expires_at", "used_at", "registration"]
    readonly_fields = ["link", "used_at", "registration"]
    fields = ["note", "expires_at", "link", "used_at", "registration"]

    @admin.display(description=_("Registration URL to paste in the LMS"))
    def link(self, invite: RegistrationInvite) -> str:
        if not invite.pk:
            return _("Shown once saved.")
        return settings.SITE_URL.rstrip("/") + invite.get_absolute_url()
