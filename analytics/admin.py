"""Admin of the analytics: cached statistics and export jobs, read-only."""

from django.contrib import admin

from .models import ExportJob, QuizStatistics


@admin.register(QuizStatistics)
class QuizStatisticsAdmin(admin.ModelAdmin):
    list_display = ["quiz", "which", "attempt_count", "computed_at"]
    list_filter = ["which"]
    readonly_fields = ["quiz", "which", "attempt_count", "data", "computed_at"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "requested_by",
        "state",
        "rows_done",
        "rows_total",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "state"]
    readonly_fields = [f.name for f in ExportJob._meta.fields]
