"""Log a service outage the app rides out as one warning line per event, not a traceback."""

from __future__ import annotations

import logging

__all__ = ["OneLineWarning"]


class OneLineWarning(logging.Filter):
    """Turn an error record with a traceback into a WARNING naming the exception.

    django-redis logs every ignored cache failure with logger.exception(); while Redis is
    down that is one traceback per cache call. The site keeps working, so a warning that
    says what failed is the right weight.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            cause = error.__cause__ or error
            record.msg = f"Cache unavailable, carrying on without it: {cause!r}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
