"""Template helpers for course pages: an accessible progress bar."""

from django import template

from courses.selectors import percent

register = template.Library()


@register.inclusion_tag("includes/progress.html")
def progress_bar(done: int, total: int, label: str = "", steps: bool = False) -> dict:
    """Render a <progress> element with a text label that says the same numbers; with
    `steps`, the numbers count lessons and quizzes together."""
    return {
        "done": done or 0,
        "total": total or 0,
        "percent": percent(done or 0, total or 0),
        "label": label,
        "steps": steps,
    }
