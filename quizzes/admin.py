"""Admin for quizzes: authoring with inlines, a student's-eye preview, attempts, regrades."""

from django.contrib import admin
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import answer_form, presentation, selectors
from .admin_actions import regrade_selected_quizzes
from .admin_forms import MAX_VALUES, TRADEOFF_KINDS, QuestionAdminForm
from .gift_admin import GiftImportAdminMixin
from .models import (
    Assignment,
    Attempt,
    Choice,
    Extension,
    GradeAudit,
    GradeOverride,
    Question,
    QuestionTag,
    Quiz,
    RegradeRun,
    Response,
)
from .rubric_admin import RubricAdmin  # noqa: F401 (registers the rubric admin)


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "kind", "name", "points", "lesson", "paragraph", "edit_link"]
    readonly_fields = ["edit_link"]
    extra = 0
    show_change_link = True
    ordering = ["position", "id"]

    @admin.display(description=_("Prompt"))
    def edit_link(self, obj):
        if not obj.pk:
            return ""
        url = reverse("admin:quizzes_question_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, Truncator(obj.prompt).words(14))


@admin.register(Quiz)
class QuizAdmin(GiftImportAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "course",
        "lesson",
        "published",
        "question_count",
        "attempts_allowed",
        "grading_method",
        "access",
        "preview_link",
    ]
    list_filter = ["course", "published", "grading_method", "access"]
    search_fields = ["title", "slug", "instructions"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["course", "lesson"]
    autocomplete_fields = ["lesson"]
    inlines = [QuestionInline]
    actions = [regrade_selected_quizzes]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "course",
                    "lesson",
                    "title",
                    "slug",
                    "instructions",
                    "published",
                ]
            },
        ),
        (
            _("Rules"),
            {
                "fields": [
                    "time_limit_minutes",
                    "attempts_allowed",
                    "grading_method",
                    "pass_mark",
                    "certainty_based_marking",
                    "opens_at",
                    "closes_at",
                ]
            },
        ),
        (
            _("Presentation and review"),
            {
                "fields": [
                    "shuffle_questions",
                    "shuffle_choices",
                    "one_question_per_page",
                    "access",
                    "review_immediately",
                    "review_while_open",
                    "review_after_close",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_question_count=Count("questions"))
        )

    @admin.display(description=_("Questions"), ordering="_question_count")
    def question_count(self, obj):
        return obj._question_count

    @admin.display(description=_("Preview"))
    def preview_link(self, obj):
        url = reverse("admin:quizzes_quiz_preview", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Preview as a student"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        if object_id:
            extra_context["preview_url"] = reverse(
                f"{self.admin_site.name}:quizzes_quiz_preview", args=[object_id]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="quizzes_quiz_preview",
            )
        ]
        return extra + super().get_urls()

    def preview_view(self, request, pk):
        """Show the quiz exactly as a student would see it, with no key."""
        quiz = get_object_or_404(Quiz, pk=pk)
        if not self.has_view_permission(request, quiz):
            return self.admin_site.login(request)
        quiz = selectors.quiz_with_questions(quiz_id=quiz.pk)
        # The student's own presentation and widgets, with nothing answered: the
        # preview renders the take page's question template, so it cannot drift.
        questions = [
            answer_form.bind(view, answer_form.state_from_answer(view, None))
            for view in presentation.questions_for_preview(quiz)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": quiz,
            "title": _("Preview: %(title)s") % {"title": quiz.title},
            "quiz": quiz,
            "questions": questions,
            "payload": {"questions": questions},
        }
        return TemplateResponse(request, "admin/quizzes/quiz_preview.html", context)


class ChoiceInline(admin.StackedInline):
    model = Choice
    extra = 0
    fields = [
        ("position", "credit"),
        ("text", "text_format"),
        ("feedback", "feedback_format"),
        "feedback_gains",
        "feedback_costs",
        "feedback_objection",
    ]
    ordering = ["position", "id"]


@admin.register(QuestionTag)
class QuestionTagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "quiz", "kind", "points", "lesson", "paragraph"]
    list_filter = ["kind", "quiz__course", "quiz", "tradeoffs"]
    search_fields = ["prompt", "name", "explanation", "idnumber"]
    list_select_related = ["quiz", "lesson"]
    autocomplete_fields = ["quiz", "lesson"]
    filter_horizontal = ["tradeoffs", "tags"]
    inlines = [ChoiceInline]
    form = QuestionAdminForm

    def get_fieldsets(self, request, obj=None):
        main = (
            None,
            {
                "fields": [
                    "quiz",
                    "position",
                    "kind",
                    ("name", "idnumber"),
                    ("prompt", "prompt_format"),
                    "points",
                    ("explanation", "explanation_format"),
                    "lesson",
                    "paragraph",
                    "tradeoffs",
                    "tags",
                    "cognitive_level",
                    "pool",
                    "rubric",
                ]
            },
        )
        rows = [
            (f"value_{n}", f"value_{n}_low", f"value_{n}_high")
            for n in range(1, MAX_VALUES + 1)
        ]
        tradeoff = (
            _("Tradeoff"),
            {
                "description": _(
                    "For tradeoff questions. An allocation lists 2 to 4 values with "
                    "the range of points a defensible answer gives each; a position "
                    "names the two ends of the scale and its defensible range."
                ),
                "fields": [
                    "scoring",
                    *rows,
                    ("left", "right"),
                    ("range_low", "range_high"),
                    "falloff",
                    "justification_points",
                    "justification_rubric",
                ],
            },
        )
        data = (_("Data"), {"fields": ["data"]})
        if obj is None:
            return [main, tradeoff, data]
        if obj.kind in TRADEOFF_KINDS:
            return [main, tradeoff]
        return [main, data]


class ResponseInline(admin.TabularInline):
    model = Response
    extra = 0
    can_delete = False
    fields = [
        "question",
        "answer",
        "auto_score",
        "manual_score",
        "override_score",
        "override_reason",
        "score",
        "max_score",
        "needs_manual",
        "graded_by",
        "graded_at",
    ]
    readonly_fields = fields


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = [
        "quiz",
        "student",
        "number",
        "state",
        "started_at",
        "submitted_at",
        "score",
        "max_score",
    ]
    list_filter = ["state", "quiz__course", "quiz"]
    search_fields = ["student__email", "quiz__title"]
    list_select_related = ["quiz", "student"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "quiz",
        "student",
        "number",
        "started_at",
        "deadline",
        "submitted_at",
        "graded_at",
        "score",
        "max_score",
        "layout",
    ]
    inlines = [ResponseInline]


class ExtensionInline(admin.TabularInline):
    model = Extension
    extra = 0
    fields = [
        "student",
        "due_at",
        "extra_minutes",
        "extra_attempts",
        "reason",
        "expires_at",
        "granted_by",
    ]
    autocomplete_fields = ["student"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = [
        "quiz",
        "cohort",
        "opens_at",
        "due_at",
        "attempts_allowed",
        "time_limit_minutes",
    ]
    list_filter = ["cohort__course", "cohort"]
    search_fields = ["quiz__title", "cohort__name"]
    list_select_related = ["quiz", "cohort"]
    inlines = [ExtensionInline]


@admin.register(RegradeRun)
class RegradeRunAdmin(admin.ModelAdmin):
    list_display = [
        "quiz",
        "question",
        "performed_by",
        "reason",
        "changed",
        "notified",
        "created_at",
    ]
    list_filter = ["quiz"]
    readonly_fields = [f.name for f in RegradeRun._meta.fields]


class _ReadOnly(admin.ModelAdmin):
    """Overrides are made on the instructor pages, where every change is audited."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(GradeOverride)
class GradeOverrideAdmin(_ReadOnly):
    list_display = ["assignment", "student", "grade", "excused", "reason", "set_by"]
    list_filter = ["excused"]
    list_select_related = [
        "assignment__quiz",
        "assignment__cohort",
        "student",
        "set_by",
    ]
    search_fields = ["student__email", "reason"]


@admin.register(GradeAudit)
class GradeAuditAdmin(_ReadOnly):
    list_display = [
        "changed_at",
        "target",
        "student",
        "old_value",
        "new_value",
        "new_excused",
        "reason",
        "changed_by",
    ]
    list_filter = ["target"]
    list_select_related = ["student", "changed_by"]
    search_fields = ["student__email", "reason"]
