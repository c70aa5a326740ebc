"""Flag questions for revision from their stored statistics, with a plain hint (pure).

Moodle's quiz statistics guidance reads a facility index above 90 % as a question
almost everyone gets right (it tells the class little) and a discrimination index
below 20 % as one that does not separate students who know the material from those
who do not. TEACHING.md §5 asks for both flags once a cohort has taken a quiz.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

__all__ = [
    "DISCRIMINATION_MIN",
    "FACILITY_MAX",
    "MEANINGFUL_ATTEMPTS",
    "flagged",
    "flags_for",
]

FACILITY_MAX = 90.0
DISCRIMINATION_MIN = 20.0
# Below this many graded attempts the indices swing widely: flags are tentative.
MEANINGFUL_ATTEMPTS = 10


def flags_for(question: dict, *, tentative: bool = False) -> list[dict]:
    """The revision flags of one question's statistics row (facility and
    discrimination_index in percent, None when unknown): code, figure and hint."""
    flags = []
    facility = question.get("facility")
    discrimination = question.get("discrimination_index")
    if facility is not None and facility > FACILITY_MAX:
        flags.append(
            {
                "code": "too_easy",
                "value": facility,
                "hint": _(
                    "Almost everyone gets this right (facility %(value).0f%% > "
                    "%(limit).0f%%): it tells you little. Check for a cue that gives "
                    "the answer away, or ask for application rather than recall."
                )
                % {"value": facility, "limit": FACILITY_MAX},
            }
        )
    if discrimination is not None and discrimination < DISCRIMINATION_MIN:
        flags.append(
            {
                "code": "weak_discrimination",
                "value": discrimination,
                "hint": _(
                    "Students who do well on the quiz do no better here than the "
                    "others (discrimination %(value).0f%% < %(limit).0f%%). Check the "
                    "key, an ambiguous wording, or a distractor that draws strong "
                    "students."
                )
                % {"value": discrimination, "limit": DISCRIMINATION_MIN},
            }
        )
    for flag in flags:
        flag["tentative"] = tentative
    return flags


def flagged(questions: list[dict], *, tentative: bool = False) -> list[dict]:
    """Each question's id, label and flags, for the questions that have any."""
    rows = []
    for question in questions:
        flags = flags_for(question, tentative=tentative)
        if flags:
            rows.append(
                {
                    "question_id": question.get("question_id"),
                    "label": question.get("label", ""),
                    "flags": flags,
                }
            )
    return rows
