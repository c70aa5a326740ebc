"""Admin of courses, lessons, tradeoffs, cohorts, enrolments and completions."""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .admin_forms import LessonAdminForm
from .anchors import paragraphs_moved
from .models import (
    Cohort,
    CohortMembership,
    Course,
    Enrollment,
    Lesson,
    LessonCompletion,
    Tradeoff,
)


class LessonInline(admin.TabularInline):
    """A course's lessons in order; change `position` to reorder them."""

    model = Lesson
    fields = (
        "position",
        "title",
        "slug",
        "published",
        "estimated_minutes",
        "paragraph_count",
    )
    readonly_fields = ("estimated_minutes", "paragraph_count")
    ordering = ("position",)
    extra = 0
    show_change_link = True


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    """Courses with their lessons inline."""

    list_display = ("title", "slug", "status", "lesson_count", "updated_at")
    list_filter = ("status",)
    search_fields = ("title", "slug", "summary")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("instructors",)
    inlines = [LessonInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_lesson_count=Count("lessons"))

    @admin.display(description=_("lessons"), ordering="_lesson_count")
    def lesson_count(self, obj: Course) -> int:
        return obj._lesson_count


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    """Lessons with search, filters, a link to the page and a preview of the body."""

    list_display = (
        "title",
        "course",
        "position",
        "published",
        "paragraph_count",
        "estimated_minutes",
        "view_link",
    )
    list_display_links = ("title",)
    list_editable = ("published",)
    list_filter = ("course", "published", "tradeoffs")
    list_select_related = ("course",)
    search_fields = ("title", "slug", "body")
    ordering = ("course", "position")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("tradeoffs",)
    readonly_fields = ("paragraph_count", "estimated_minutes", "preview")
    form = LessonAdminForm
    fieldsets = (
        (None, {"fields": ("course", "position", "title", "slug", "published")}),
        (
            _("Content"),
            {"fields": ("body", "move_links", "objectives", "tradeoffs")},
        ),
        (_("Preview"), {"fields": ("paragraph_count", "estimated_minutes", "preview")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        moves = getattr(form, "moves", None)
        if change and moves and form.cleaned_data.get("move_links"):
            # Inside the admin's transaction: the links move with the body or not at all.
            paragraphs_moved.send(sender=Lesson, lesson=obj, moves=moves)

    @admin.display(description=_("on site"))
    def view_link(self, obj: Lesson) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("View"))

    @admin.display(description=_("preview"))
    def preview(self, obj: Lesson) -> str:
        if not obj.body_html:
            return _("Save the lesson to see its preview.")
        # body_html was sanitised by nh3 when the lesson was saved.
        return mark_safe(f'<div class="lesson-preview">{obj.body_html}</div>')


@admin.register(Tradeoff)
class TradeoffAdmin(admin.ModelAdmin):
    """Tradeoffs and the lessons that teach them."""

    list_display = ("name", "slug", "lesson_count")
    search_fields = ("slug", "left_value", "right_value", "description")
    prepopulated_fields = {"slug": ("left_value", "right_value")}
    readonly_fields = ("lesson_list",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_lesson_count=Count("lessons"))

    @admin.display(description=_("lessons"), ordering="_lesson_count")
    def lesson_count(self, obj: Tradeoff) -> int:
        return obj._lesson_count

    @admin.display(description=_("lessons"))
    def lesson_list(self, obj: Tradeoff) -> str:
        lessons = obj.lessons.select_related("course").order_by(
            "course__title", "position"
        )
        rows = [
            (lesson.get_absolute_url(), f"{lesson.course} — {lesson}")
            for lesson in lessons
        ]
        if not rows:
            return "—"
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', rows)


class CohortMembershipInline(admin.TabularInline):
    """The students of a cohort."""

    model = CohortMembership
    autocomplete_fields = ("student",)
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    """Cohorts with their students inline and counts in the list."""

    list_display = ("name", "course", "student_count", "instructor_count", "created_at")
    list_filter = ("course",)
    list_select_related = ("course",)
    search_fields = ("name", "course__title")
    filter_horizontal = ("instructors",)
    readonly_fields = ("join_code",)
    inlines = [CohortMembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _student_count=Count("memberships", distinct=True),
                _instructor_count=Count("instructors", distinct=True),
            )
        )

    @admin.display(description=_("students"), ordering="_student_count")
    def student_count(self, obj: Cohort) -> int:
        return obj._student_count

    @admin.display(description=_("instructors"), ordering="_instructor_count")
    def instructor_count(self, obj: Cohort) -> int:
        return obj._instructor_count


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    """Who is enrolled in which course."""

    list_display = ("user", "course", "created_at")
    list_filter = ("course", "created_at")
    list_select_related = ("user", "course")
    search_fields = (
        "user__email",
        "user__first_name",
        "user__last_name",
        "course__title",
    )
    autocomplete_fields = ("user", "course")
    date_hierarchy = "created_at"


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    """Which lessons each student has completed."""

    list_display = ("user", "lesson", "course", "completed_at")
    list_filter = ("lesson__course", "completed_at")
    list_select_related = ("user", "lesson__course")
    search_fields = ("user__email", "lesson__title")
    autocomplete_fields = ("user",)
    raw_id_fields = ("lesson",)
    date_hierarchy = "completed_at"

    @admin.display(description=_("course"), ordering="lesson__course__title")
    def course(self, obj: LessonCompletion) -> Course:
        return obj.lesson.course
