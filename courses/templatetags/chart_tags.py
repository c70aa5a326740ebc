"""Template helper for the course page: the lesson-by-lesson progress chart."""

from django import template
from django.utils.safestring import SafeString

from courses.charts import LessonMark, progress_chart_svg

register = template.Library()


@register.simple_tag
def progress_chart(lessons) -> SafeString:
    """Draw the published lessons of a course outline, in order, as an SVG chart."""
    return progress_chart_svg(
        [
            LessonMark(title=lesson.title, done=bool(lesson.completed))
            for lesson in lessons
            if lesson.published
        ]
    )
