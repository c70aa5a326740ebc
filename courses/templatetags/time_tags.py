"""{% time_element %}: a <time> element for a datetime, in the reader's time zone."""

from django import template
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.timezone import template_localtime

register = template.Library()


@register.simple_tag
def time_element(value, display_format: str) -> str:
    """`<time datetime="ISO 8601">shown as display_format</time>`, or "" for no value.

    The same as `<time datetime="{{ v|date:'c' }}">{{ v|date:display_format }}</time>`,
    with the time zone conversion done once instead of twice: the pages render one for
    every row of an attempts table.
    """
    if value is None or value == "":
        return ""
    local = template_localtime(value)
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(),
        dateformat.format(local, display_format),
    )
