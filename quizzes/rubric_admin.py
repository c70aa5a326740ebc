"""The admin of rubrics: criteria with levels, reused across essays and justifications."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Rubric


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["name", "criteria_count", "points", "question_count"]
    search_fields = ["name", "description"]

    @admin.display(description=_("Criteria"))
    def criteria_count(self, rubric: Rubric) -> int:
        return len(rubric.criteria or [])

    @admin.display(description=_("Questions"))
    def question_count(self, rubric: Rubric) -> int:
        return rubric.questions.count()
