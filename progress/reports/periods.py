"""ISO weeks: the period a report covers, parsed and computed in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


@dataclass(frozen=True)
class Week:
    """An ISO week, Monday 00:00 UTC to the next Monday 00:00 UTC."""

    monday: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.monday, time(0), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=7)

    @property
    def label(self) -> str:
        return f"{self.monday:%G-W%V}"

    @property
    def last_day(self) -> date:
        return self.monday + timedelta(days=6)


def parse_period(value: str) -> date:
    """The Monday of an ISO week written like 2026-W48; ValueError otherwise."""
    match = _WEEK.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not an ISO week like 2026-W48.")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValueError(f"{value!r}: year {year} has no week {week}.") from exc


def last_complete_week(now: datetime) -> date:
    """The Monday of the last week that has fully ended by `now` (UTC)."""
    today = now.astimezone(UTC).date()
    this_monday = today - timedelta(days=today.weekday())
    return this_monday - timedelta(days=7)
