"""Check and read structured rubrics: criteria, each with levels worth points; no ORM.

A rubric may be plain text (`rubric`) or structured (`rubric_criteria`), or both:

    "rubric_criteria": [
        {"name": "Names both values",
         "levels": [{"label": "Missing", "points": 0, "description": ""},
                    {"label": "Both, with a cost each", "points": 2}]},
    ]

An essay keeps it in `data`, a tradeoff question in `data.justification`. A grader picks
one level per criterion and the levels' points add up to the score; the highest levels
together may not be worth more than the part a person marks.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _

from .results import InvalidKey


def _points(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _text(value: Any, *, required: bool) -> bool:
    if value is None:
        return not required
    return isinstance(value, str) and (not required or bool(value.strip()))


def check_criteria(criteria: Any, most: float | None) -> None:
    """Raise InvalidKey unless `criteria` is a well-formed rubric worth at most `most`."""
    if (
        not isinstance(criteria, list)
        or not criteria
        or not all(isinstance(c, dict) for c in criteria)
    ):
        raise InvalidKey(_("The rubric criteria must be a list of at least 1 object."))
    total = 0.0
    for criterion in criteria:
        if not _text(criterion.get("name"), required=True):
            raise InvalidKey(_("Every rubric criterion needs a name."))
        levels = criterion.get("levels")
        if (
            not isinstance(levels, list)
            or not levels
            or not all(isinstance(level, dict) for level in levels)
        ):
            raise InvalidKey(
                _("The criterion “%(name)s” needs a list of levels.")
                % {"name": criterion["name"]}
            )
        best = 0.0
        for level in levels:
            points = _points(level.get("points"))
            if not _text(level.get("label"), required=True):
                raise InvalidKey(_("Every rubric level needs a label."))
            if points is None or points < 0:
                raise InvalidKey(
                    _("A rubric level's points must be a number, 0 or more.")
                )
            if not _text(level.get("description"), required=False):
                raise InvalidKey(_("A rubric level's description must be text."))
            best = max(best, points)
        total += best
    if most is not None and total > most + 1e-9:
        raise InvalidKey(
            _(
                "The rubric's top levels add up to %(total)g, more than the %(most)g points it marks."
            )
            % {"total": total, "most": most}
        )


def criteria_of(kind: str, data: dict) -> list[dict]:
    """The structured rubric of a question's data, or [] when it has a text rubric only."""
    holder = data if kind == "essay" else (data.get("justification") or {})
    criteria = holder.get("rubric_criteria")
    return criteria if isinstance(criteria, list) else []
