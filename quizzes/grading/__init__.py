"""Grade students' answers against question keys (docs/question-data.md); no ORM.

Call sites use the package: `grading.grade(key, answer)`. What lives where:

- `kinds`: the question kinds, the answer field each fills, shared limits.
- `results`: `GradeResult`, and the errors `InvalidKey` and `InvalidAnswer`.
- `keys`: key checking (`validate_data`, `check_key`, `CheckedKey`, `max_points`).
- `answers`: answer validation (`validate_answer`, `split_answer`, `is_answered`).
- `graders`: the grader of each kind (`grade`) and `key_answer`.
- `text`: short-answer normalisation and `*` pattern matching.
- `rubrics`: structured rubrics, criteria with levels (`criteria_of`).
- `cbm`: certainty-based marking as Moodle does it (`grade_with_certainty`, the
  summary of an attempt's calibration).
- `fit`: scenarios scored on the fit between the option and the value named first,
  and on the costs named (`is_fit`, `FIT_PARTS`), not on a keyed option.
- `justification`: scoring 2 of the tradeoff kinds, the justification's five parts and
  their completeness (`completeness`, `justification_text`).
"""

from . import cbm, fit
from .answers import is_answered, split_answer, validate_answer
from .cbm import grade_with_certainty, takes_certainty
from .fit import FIT_LABELS, FIT_PARTS, is_fit
from .graders import grade, is_unusual, key_answer
from .justification import PART_LABELS, PARTS, SCORING_V2, completeness, is_v2
from .justification import text_of as justification_text
from .keys import CheckedKey, check_key, max_points, validate_data
from .kinds import (
    ANSWER_FIELDS,
    CHOICE_FEEDBACK,
    CHOICE_KINDS,
    EPSILON,
    ESSAY,
    KINDS,
    MANUAL_KINDS,
    MATCHING,
    MAX_TEXT_LENGTH,
    MULTIPLE_RESPONSE,
    NUMERIC,
    ORDERING,
    SHORT_ANSWER,
    SINGLE_CHOICE,
    TRADEOFF_ALLOCATION,
    TRADEOFF_KINDS,
    TRADEOFF_POSITION,
    TRUE_FALSE,
)
from .results import GradeResult, IncompleteAnswer, InvalidAnswer, InvalidKey, Split
from .rubrics import criteria_of
from .text import _matches_pattern as _matches_pattern

__all__ = [
    "ANSWER_FIELDS",
    "CHOICE_FEEDBACK",
    "CHOICE_KINDS",
    "EPSILON",
    "ESSAY",
    "KINDS",
    "MANUAL_KINDS",
    "MATCHING",
    "MAX_TEXT_LENGTH",
    "MULTIPLE_RESPONSE",
    "NUMERIC",
    "ORDERING",
    "SHORT_ANSWER",
    "SINGLE_CHOICE",
    "TRADEOFF_ALLOCATION",
    "TRADEOFF_KINDS",
    "TRADEOFF_POSITION",
    "TRUE_FALSE",
    "PARTS",
    "FIT_LABELS",
    "FIT_PARTS",
    "fit",
    "is_fit",
    "PART_LABELS",
    "SCORING_V2",
    "completeness",
    "is_v2",
    "is_unusual",
    "justification_text",
    "CheckedKey",
    "GradeResult",
    "IncompleteAnswer",
    "InvalidAnswer",
    "Split",
    "InvalidKey",
    "cbm",
    "check_key",
    "grade",
    "grade_with_certainty",
    "takes_certainty",
    "is_answered",
    "key_answer",
    "max_points",
    "split_answer",
    "validate_answer",
    "validate_data",
    "criteria_of",
]
