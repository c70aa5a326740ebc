"""Practice in the admin: read-only history, for support questions ("why this card?")."""

from django.contrib import admin

from .models import Card, PracticeItem, PracticeSet, ReviewLog


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Card)
class CardAdmin(_ReadOnly):
    list_display = ("student", "question", "state", "due", "reviews")
    list_select_related = ("student", "question")
    search_fields = ("student__email",)
    raw_id_fields = ("student", "question")


class ItemInline(admin.TabularInline):
    model = PracticeItem
    fields = ("position", "question", "score", "max_score", "answered_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(PracticeSet)
class PracticeSetAdmin(_ReadOnly):
    list_display = ("student", "course", "day", "focus")
    list_select_related = ("student", "course", "focus")
    list_filter = ("course",)
    search_fields = ("student__email",)
    raw_id_fields = ("student",)
    inlines = [ItemInline]


@admin.register(ReviewLog)
class ReviewLogAdmin(_ReadOnly):
    list_display = ("card", "rating", "reviewed_at", "due_after")
    list_select_related = ("card__student",)
    raw_id_fields = ("card", "item")
