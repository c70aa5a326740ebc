"""Admin for the tool's own rows; registrations and keys use django-lti's admin."""

from django.contrib import admin

from .models import ContextCohort, LinkedResource, Score


@admin.register(ContextCohort)
class ContextCohortAdmin(admin.ModelAdmin):
    list_display = ["cohort", "context", "synced_at"]
    list_select_related = ["cohort__course", "context"]
    raw_id_fields = ["context", "cohort"]


@admin.register(LinkedResource)
class LinkedResourceAdmin(admin.ModelAdmin):
    list_display = ["resource_link", "quiz", "lesson", "lineitem_url"]
    list_select_related = ["resource_link", "quiz", "lesson"]
    raw_id_fields = ["resource_link", "quiz", "lesson"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
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
