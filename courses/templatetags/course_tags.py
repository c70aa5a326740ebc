"""Template helpers for course pages: an accessible progress bar."""

from django import template

from courses.selectors import percent

register = template.Library()


@register.inclusion_tag("includes/progress.html")
def progress_bar(done: int, total: int, label: str = "") -> dict:
    """Render a <progress> element with a text label that says the same numbers."""
    return {
        "done": done or 0,
        "total": total or 0,
        "percent": percent(done or 0, total or 0),
        "label": label,
    }
