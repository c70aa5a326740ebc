"""A student's attempts as the attempts table shows them (quiz intro and history pages).

Each row's texts are worked out here, with the same Django calls the template made
(`reverse`, `gettext`, `dateformat`, `formats.localize`, the state's own choice label),
and the template only places them. The table is the reader's own, so no fragment cache
can hold it, and in the template each cell cost a chain of lookups, a rebuild of the
state's choice labels and a `{% blocktranslate %}`: a third of the quiz page's rendering
for two attempts (docs/decisions/0013).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext

from core.times import local_time

from .models import Attempt

# How a start or submit time reads in the table ("2 Dec 2026, 23:40").
TIME_FORMAT = "j M Y, H:i"
SCORED = {Attempt.State.GRADED, Attempt.State.NEEDS_REVIEW}


class Time(NamedTuple):
    iso: str  # <time datetime="...">, in the reader's time zone
    text: str


class AttemptRow(NamedTuple):
    number: int
    state: str
    started: Time
    submitted: Time | None
    score: str  # "75.0%", or "—" while there is none to show
    url: str
    link_text: str


def _time(value) -> Time | None:
    return None if value is None else Time(*local_time(value, TIME_FORMAT))


def _score(attempt: Attempt) -> str:
    percent = attempt.percent if attempt.state in SCORED else None
    return "—" if percent is None else f"{formats.localize(percent)}%"


def attempt_rows(attempts: Iterable[Attempt]) -> list[AttemptRow]:
    """One row per attempt, in the order given, with the texts the table shows."""
    rows = []
    for attempt in attempts:
        number = {"number": attempt.number}
        if attempt.state == Attempt.State.IN_PROGRESS:
            url = reverse("quizzes:attempt", args=[attempt.pk])
            link_text = gettext("Continue attempt %(number)s") % number
        else:
            url = reverse("quizzes:result", args=[attempt.pk])
            link_text = gettext("Result of attempt %(number)s") % number
        rows.append(
            AttemptRow(
                number=attempt.number,
                state=str(Attempt.State(attempt.state).label),
                started=_time(attempt.started_at),
                submitted=_time(attempt.submitted_at),
                score=_score(attempt),
                url=url,
                link_text=link_text,
            )
        )
    return rows
