"""Admin for peer review: setups and calibration examples are edited here; the rest is
read-only evidence."""

from django.contrib import admin

from .models import (
    CalibrationAttempt,
    CalibrationExample,
    Flag,
    PeerNotice,
    PeerResult,
    PeerReviewSetup,
    ReviewAssignment,
    Submission,
)


@admin.register(PeerReviewSetup)
class PeerReviewSetupAdmin(admin.ModelAdmin):
    list_display = ["quiz", "enabled", "reviews_per_student", "review_deadline"]
    list_select_related = ["quiz"]
    raw_id_fields = ["quiz"]


@admin.register(CalibrationExample)
class CalibrationExampleAdmin(admin.ModelAdmin):
    list_display = ["question", "position"]
    list_select_related = ["question"]
    raw_id_fields = ["question"]


@admin.register(
    CalibrationAttempt, Submission, ReviewAssignment, PeerResult, Flag, PeerNotice
)
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related()
