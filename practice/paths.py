"""Where a student practises a course, optionally one tradeoff ("practise this")."""

from django.urls import reverse


def practice_path(course_slug: str, tradeoff_id: int | None = None) -> str:
    """The site-relative URL of a course's practice page."""
    path = reverse("practice:course", kwargs={"course_slug": course_slug})
    return f"{path}?tradeoff={tradeoff_id}" if tradeoff_id else path
