"""The take form's certainty-based marking: one radio group per right-or-wrong question.

How sure the student is travels beside the answer, not inside it (the answer contract
of docs/question-data.md is unchanged): the form posts `q<id>_certainty` = 1, 2 or 3,
Save and autosave read it with the answers (`read`), and the service saves and checks
it (services.save_responses).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .grading import cbm

_NAMES = {
    cbm.LOW: gettext_lazy("unsure"),
    cbm.MED: gettext_lazy("mid"),
    cbm.HIGH: gettext_lazy("quite sure"),
}


def _signed(mark: float) -> str:
    return f"{mark:+g}" if mark else "0"


def field_name(question_id: int) -> str:
    """The name of a question's certainty radio group on the take form."""
    return f"q{question_id}_certainty"


def saved_state(question: dict) -> str:
    """The group's value for a question's saved certainty ("" when none is saved)."""
    sure = question.get("certainty")
    return "" if sure is None else str(sure)


def widgets(question_id: int, state: dict) -> list[dict]:
    """The radio buttons, C=1 to C=3 (grading.cbm)."""
    name = field_name(question_id)
    return [
        {
            "id": f"{name}_{level}",
            "name": name,
            "value": str(level),
            "level": level,
            "label": _("C=%(level)s, %(name)s: %(right)s if right, %(wrong)s if wrong")
            % {
                "level": level,
                "name": _NAMES[level],
                "right": _signed(cbm.RIGHT_MARK[level]),
                "wrong": _signed(cbm.WRONG_MARK[level]),
            },
            "checked": state.get("certainty") == str(level),
        }
        for level in cbm.CERTAINTIES
    ]


def read(questions: list[dict], states: dict[int, dict]) -> dict[int, Any]:
    """How sure the student said they were, per question that asks: None when no level
    is picked, else the number; anything else goes on for the service to refuse (a
    tampered form), which then saves nothing and says why."""
    found: dict[int, Any] = {}
    for question in questions:
        if question.get("takes_certainty"):
            raw = states[question["id"]].get("certainty", "").strip()
            found[question["id"]] = int(raw) if raw.isdigit() else raw or None
    return found
