"""{% time_element %}: a <time> element for a datetime, in the reader's time zone."""

from django import template
from django.utils.html import format_html

from core.times import local_time

register = template.Library()


@register.simple_tag
def time_element(value, display_format: str) -> str:
    """`<time datetime="ISO 8601">shown as display_format</time>`, or "" for no value.

    The same as `<time datetime="{{ v|date:'c' }}">{{ v|date:display_format }}</time>`,
    with the time zone conversion done once instead of twice (core.times, which the
    attempts table's rows use too).
    """
    if value is None or value == "":
        return ""
    return format_html(
        '<time datetime="{}">{}</time>', *local_time(value, display_format)
    )
