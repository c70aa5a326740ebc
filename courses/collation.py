"""The "natural" collation: titles sort as people read them (Lesson 2 before Lesson 10).

PostgreSQL gets it from ICU (`numeric ordering`, created by a migration); SQLite, the
zero-setup database, gets the same order from `natural_key` registered on each connection.
"""

import re

NATURAL = "natural_sort"
# ICU's root locale with numeric ordering: digit runs compare by value.
ICU_LOCALE = "und-u-kn-true"
_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """Sort key comparing digit runs by value and the rest case-insensitively."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in _DIGITS.split(text or "")
        if part
    )


def _compare(left: str, right: str) -> int:
    a, b = natural_key(left), natural_key(right)
    return (a > b) - (a < b) or (left > right) - (left < right)


def register_on_sqlite(sender, connection, **kwargs) -> None:
    """Give a new SQLite connection the collation PostgreSQL has from ICU."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(NATURAL, _compare)
