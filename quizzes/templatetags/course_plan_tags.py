"""Template helpers that put quizzes on the course pages (courses never imports quizzes):
the course plan, the resume targets of the dashboard, and the chart of lessons and quizzes.
"""

from django import template
from django.utils.safestring import SafeString

from courses.charts import progress_chart_svg

from .. import standings

register = template.Library()


@register.simple_tag(takes_context=True)
def course_plan(context, outline) -> standings.CoursePlan:
    """The course's lessons with their quizzes, the final assessment, progress and resume."""
    return standings.course_plan(outline, context.get("user"))


@register.simple_tag(takes_context=True)
def open_attempts(context, courses) -> dict:
    """The attempt in progress per course id, for "Resume where I left off"."""
    return standings.open_attempts_by_course(
        context.get("user"), [course.pk for course in courses]
    )


@register.filter
def get_item(mapping: dict, key):
    """mapping[key], or None."""
    return mapping.get(key) if mapping else None


@register.simple_tag
def plan_chart(plan: standings.CoursePlan) -> SafeString:
    """The plan's lessons and quizzes as the progress chart."""
    return progress_chart_svg(plan.marks)


@register.simple_tag(takes_context=True)
def final_assessments(context, course) -> list:
    """The course's final assessment(s), for the last lesson's "Next" link."""
    return standings.final_assessments(context.get("user"), course)
