"""Put practice on the course page (courses never imports practice)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("practice/_course_panel.html", takes_context=True)
def practice_panel(context, course, enrolled: bool):
    """Mastery per tradeoff (quizzes, and practice apart) and the link to practise;
    for an enrolled student only, in three queries."""
    user = context.get("user")
    rows = selectors.course_mastery(user, course).rows if enrolled else []
    return {"course": course, "mastery": rows, "enrolled": enrolled}
