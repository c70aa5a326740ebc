"""A datetime as a page shows it: in the reader's time zone, machine- and human-readable."""

from __future__ import annotations

from datetime import datetime

from django.utils import dateformat
from django.utils.timezone import template_localtime


def local_time(value: datetime, display_format: str) -> tuple[str, str]:
    """(ISO 8601 for `<time datetime>`, the text in `display_format`), both in the active
    time zone, converted once."""
    local = template_localtime(value)
    return local.isoformat(), dateformat.format(local, display_format)
