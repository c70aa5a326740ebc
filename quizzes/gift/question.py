"""Name what reading and writing GIFT share: kinds, formats, ParsedQuestion, GiftError."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

# The kinds match quizzes.models.Question.Kind values; spelled out to keep this module pure.
SINGLE_CHOICE = "single_choice"
MULTIPLE_RESPONSE = "multiple_response"
TRUE_FALSE = "true_false"
SHORT_ANSWER = "short_answer"
NUMERIC = "numeric"
MATCHING = "matching"
ESSAY = "essay"

FORMATS = ("html", "markdown", "plain", "moodle")
DEFAULT_FORMAT = "moodle"
BLANK = "_____"
CATEGORY_PREFIX = "$CATEGORY:"


class GiftError(ValueError):
    """A GIFT file that cannot be read, with the line where reading stopped."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


@dataclass(kw_only=True)
class ParsedQuestion:
    """One question read from GIFT or Moodle XML, shaped like a Question and its Choices.

    Each choice is {text, text_format, credit, feedback, feedback_format}; accepted
    answers in `data` carry `feedback_format`, matching pairs `prompt_format`.
    """

    name: str = ""
    prompt: str
    prompt_format: str = DEFAULT_FORMAT
    kind: str
    points: float = 1.0
    general_feedback: str = ""
    general_feedback_format: str = DEFAULT_FORMAT
    category: str = ""
    category_info: str = ""
    idnumber: str = ""
    tags: list[str] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    # Moodle-only settings (penalty, hints, combined feedback, ...) kept for export.
    moodle: dict[str, Any] = field(default_factory=dict)
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the question as the plain dict `export` takes."""
        return dataclasses.asdict(self)
