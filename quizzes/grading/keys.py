"""Check question keys, raising InvalidKey on an authoring error; no ORM."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .fit import check_fit, is_fit
from .justification import SCORING_V2
from .kinds import (
    CHOICE_FEEDBACK,
    CHOICE_KINDS,
    EPSILON,
    ESSAY,
    KINDS,
    MATCHING,
    MULTIPLE_RESPONSE,
    NUMERIC,
    ORDERING,
    SHORT_ANSWER,
    SINGLE_CHOICE,
    TRADEOFF_ALLOCATION,
    TRADEOFF_POSITION,
    TRUE_FALSE,
)
from .results import InvalidKey
from .rubrics import check_criteria
from .text import _normalise


def _number(value: Any) -> float | None:
    """Return value as a finite float, or None when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _key_number(value: Any, what: str, low: float = -math.inf, high: float = math.inf):
    number = _number(value)
    if number is None:
        raise InvalidKey(_("%(what)s must be a number.") % {"what": what})
    if not low <= number <= high:
        if high == math.inf:
            message = _("%(what)s must be at least %(low)g.")
        else:
            message = _("%(what)s must be between %(low)g and %(high)g.")
        raise InvalidKey(message % {"what": what, "low": low, "high": high})
    return number


def _key_text(value: Any, what: str, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidKey(_("%(what)s must be non-empty text.") % {"what": what})
    return value


def _key_objects(value: Any, what: str, minimum: int) -> list[dict]:
    if (
        not isinstance(value, list)
        or len(value) < minimum
        or not all(isinstance(item, dict) for item in value)
    ):
        raise InvalidKey(
            _("%(what)s must be a list of at least %(n)d objects.")
            % {"what": what, "n": minimum}
        )
    return value


def _key_range(value: Any, what: str) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise InvalidKey(_("%(what)s must be a pair [low, high].") % {"what": what})
    low = _key_number(value[0], what, 0, 100)
    high = _key_number(value[1], what, 0, 100)
    if low > high:
        raise InvalidKey(_("%(what)s must not start above its end.") % {"what": what})
    return low, high


def _check_unique_ids(items: list[dict], *, ints: bool, missing: str, twice: str):
    """Raise InvalidKey unless every item has a distinct text (or int) id."""
    seen = set()
    for item in items:
        item_id = item.get("id")
        is_int = isinstance(item_id, int) and not isinstance(item_id, bool)
        if not ((isinstance(item_id, str) and item_id) or (ints and is_int)):
            raise InvalidKey(missing)
        if item_id in seen:
            raise InvalidKey(twice)
        seen.add(item_id)


def _check_choices(kind: str, choices: Any, *, fit: bool = False) -> None:
    choices = _key_objects(choices, gettext_lazy("The choices"), 2)
    seen = set()
    for choice in choices:
        choice_id = choice.get("id")
        if isinstance(choice_id, bool) or not isinstance(choice_id, int):
            raise InvalidKey(_("Every choice needs a whole-number id."))
        if choice_id in seen:
            raise InvalidKey(_("Two choices share an id."))
        seen.add(choice_id)
        _key_text(choice.get("text"), gettext_lazy("A choice's text"), required=True)
        _key_number(choice.get("credit"), gettext_lazy("A choice's credit"), -1, 1)
        for name in CHOICE_FEEDBACK:
            _key_text(choice.get(name), gettext_lazy("A choice's feedback"))
    credits = [float(choice["credit"]) for choice in choices]
    if kind == TRUE_FALSE and len(choices) != 2:
        raise InvalidKey(_("A true/false question has exactly two choices."))
    if kind == MULTIPLE_RESPONSE:
        if abs(sum(c for c in credits if c > 0) - 1) > EPSILON:
            raise InvalidKey(_("The positive credits must add up to 1."))
    elif fit:
        # Scored on fit: no option is keyed, so none may carry more credit than another.
        if len(set(credits)) != 1:
            raise InvalidKey(
                _("The options of a fit scenario must carry equal credit.")
            )
    elif not any(abs(c - 1) <= EPSILON for c in credits):
        raise InvalidKey(_("One choice must have credit 1."))


def _check_accepted(kind: str, data: dict) -> None:
    answers = _key_objects(data.get("answers"), gettext_lazy("The accepted answers"), 1)
    for answer in answers:
        _key_number(answer.get("credit"), gettext_lazy("An answer's credit"), -1, 1)
        _key_text(answer.get("feedback"), gettext_lazy("An answer's feedback"))
        if kind == SHORT_ANSWER:
            text = _key_text(
                answer.get("text"), gettext_lazy("An accepted answer"), required=True
            )
            if not _normalise(text, wildcards=True).replace("*", "").strip():
                raise InvalidKey(_("An accepted answer needs letters or digits."))
        elif "value" in answer:
            _key_number(answer["value"], gettext_lazy("A numeric answer's value"))
            tolerance = answer.get("tolerance", 0)
            _key_number(tolerance, gettext_lazy("A numeric answer's tolerance"), 0)
        elif "min" in answer and "max" in answer:
            low = _key_number(answer["min"], gettext_lazy("A numeric answer's min"))
            if _key_number(answer["max"], gettext_lazy("A numeric answer's max")) < low:
                raise InvalidKey(_("A numeric answer's min must not exceed its max."))
        else:
            raise InvalidKey(_("A numeric answer needs a value or a min and a max."))
    if not any(float(answer["credit"]) > 0 for answer in answers):
        raise InvalidKey(_("At least one accepted answer must earn credit."))
    _key_text(
        data.get("feedback_wrong"), gettext_lazy("The feedback for wrong answers")
    )


def _check_ordering(data: dict) -> None:
    items = _key_objects(data.get("items"), gettext_lazy("The items"), 2)
    _check_unique_ids(
        items,
        ints=True,
        missing=_("Every item needs an id."),
        twice=_("Two items share an id."),
    )
    for item in items:
        _key_text(item.get("text"), gettext_lazy("An item's text"), required=True)


def _check_matching(data: dict) -> None:
    pairs = _key_objects(data.get("pairs"), gettext_lazy("The pairs"), 2)
    # Answers arrive as JSON objects keyed by pair id, and JSON keys are text.
    _check_unique_ids(
        pairs,
        ints=False,
        missing=_("Every pair needs a text id."),
        twice=_("Two pairs share an id."),
    )
    for pair in pairs:
        _key_text(pair.get("prompt"), gettext_lazy("A pair's prompt"), required=True)
        _key_text(pair.get("answer"), gettext_lazy("A pair's answer"), required=True)
    distractors = data.get("distractors", [])
    if not isinstance(distractors, list):
        raise InvalidKey(_("The distractors must be a list of texts."))
    answers = {pair["answer"] for pair in pairs}
    for distractor in distractors:
        if (
            _key_text(distractor, gettext_lazy("A distractor"), required=True)
            in answers
        ):
            raise InvalidKey(_("A distractor repeats one of the answers."))


def _check_justification(data: dict) -> None:
    justification = data.get("justification")
    if justification is None:
        return
    if not isinstance(justification, dict):
        raise InvalidKey(_("The justification must be an object."))
    points = _key_number(
        justification.get("points"), gettext_lazy("The justification's points")
    )
    if points <= 0:
        raise InvalidKey(_("The justification must be worth more than 0 points."))
    criteria = justification.get("rubric_criteria")
    _key_text(
        justification.get("rubric"),
        gettext_lazy("The justification's rubric"),
        required=criteria is None,
    )
    if criteria is not None:
        check_criteria(criteria, points)


def _check_falloff(data: dict) -> None:
    if _key_number(data.get("falloff"), gettext_lazy("The falloff")) <= 0:
        raise InvalidKey(_("The falloff must be more than 0."))


def _check_scoring(data: dict) -> bool:
    """Whether the item uses scoring v2 (the argument only); raise on an unknown one."""
    scoring = data.get("scoring", 1)
    if scoring not in (1, SCORING_V2) or isinstance(scoring, bool):
        raise InvalidKey(_("The scoring version must be 1 or 2."))
    if scoring == SCORING_V2 and data.get("justification") is None:
        raise InvalidKey(
            _(
                "A tradeoff item scored on its argument (scoring 2) needs a justification."
            )
        )
    return scoring == SCORING_V2


def _check_allocation(data: dict) -> None:
    values = data.get("values")
    if not isinstance(values, list) or not 2 <= len(values) <= 4:
        raise InvalidKey(_("An allocation splits 100 points across 2 to 4 values."))
    for value in values:
        _key_text(value, gettext_lazy("A value's name"), required=True)
    v2 = _check_scoring(data)
    ranges = data.get("ranges")
    if v2 and ranges is None:
        # Under scoring 2 the ranges are only the instructor's "usual" note.
        _check_justification(data)
        return
    if not isinstance(ranges, list) or len(ranges) != len(values):
        raise InvalidKey(_("Every value needs exactly one range."))
    # Answers are whole numbers, so each range must hold one and together reach 100.
    lows, highs = [], []
    for pair in ranges:
        low, high = _key_range(pair, _("A value's range"))
        lows.append(math.ceil(low))
        highs.append(math.floor(high))
        if lows[-1] > highs[-1]:
            raise InvalidKey(_("A value's range holds no whole number."))
    if not sum(lows) <= 100 <= sum(highs):
        raise InvalidKey(_("No allocation inside the ranges adds up to 100."))
    if not v2:
        _check_falloff(data)
    _check_justification(data)


def _check_position(data: dict) -> None:
    _key_text(data.get("left"), gettext_lazy("The left label"), required=True)
    _key_text(data.get("right"), gettext_lazy("The right label"), required=True)
    v2 = _check_scoring(data)
    if not v2 or data.get("range") is not None:
        _key_range(data.get("range"), _("The range"))
    if not v2:
        _check_falloff(data)
    _check_justification(data)


def _check_essay(data: dict, points: float | None = None) -> None:
    criteria = data.get("rubric_criteria")
    _key_text(data.get("rubric"), gettext_lazy("The rubric"), required=criteria is None)
    if criteria is not None:
        check_criteria(criteria, points)
    min_words = data.get("min_words", 0)
    if isinstance(min_words, bool) or not isinstance(min_words, int) or min_words < 0:
        raise InvalidKey(_("The minimum word count must be a whole number, 0 or more."))


def validate_data(
    kind: str,
    data: dict,
    choices: list[dict] | None = None,
    *,
    points: float | None = None,
) -> None:
    """Raise InvalidKey unless data (and choices, when given) make a gradable question.

    `points`, when given, also bounds an essay's structured rubric.
    """
    if kind not in KINDS:
        raise InvalidKey(_("Unknown question kind."))
    if not isinstance(data, dict):
        raise InvalidKey(_("The question data must be an object."))
    if kind in CHOICE_KINDS:
        fit = kind == SINGLE_CHOICE and is_fit(data)
        if fit:
            check_fit(data, choices)
        elif data.get("scoring") is not None:
            raise InvalidKey(_("A choice question is scored on its choices or on fit."))
        if choices is not None:
            _check_choices(kind, choices, fit=fit)
    elif kind in (SHORT_ANSWER, NUMERIC):
        _check_accepted(kind, data)
    elif kind == ESSAY:
        _check_essay(data, points)
    else:
        {
            ORDERING: _check_ordering,
            MATCHING: _check_matching,
            TRADEOFF_ALLOCATION: _check_allocation,
            TRADEOFF_POSITION: _check_position,
        }[kind](data)


class CheckedKey(NamedTuple):
    """A key already validated: graders take it in place of the dict to skip the checks.

    Grading a batch of attempts checks each question's key once, not once per answer.
    """

    kind: str
    data: dict
    choices: list[dict]
    points: float

    @property
    def max_points(self) -> float:
        justification = self.data.get("justification") or {}
        return self.points + float(justification.get("points", 0))


def check_key(key: Any) -> CheckedKey:
    """Validate a whole key (raising InvalidKey) and return it checked."""
    if isinstance(key, CheckedKey):
        return key
    if not isinstance(key, dict):
        raise InvalidKey(_("A question key must be an object."))
    kind = key.get("kind")
    if kind not in KINDS:
        raise InvalidKey(_("Unknown question kind."))
    _key_number(key.get("points"), gettext_lazy("The points"), 0)
    data = key.get("data")
    data = {} if data is None else data
    choices = key.get("choices") if kind in CHOICE_KINDS else None
    if kind in CHOICE_KINDS and choices is None:
        raise InvalidKey(_("A choice question needs its choices."))
    validate_data(kind, data, choices, points=float(key["points"]))
    return CheckedKey(kind, data, choices or [], float(key["points"]))


def _checked(key: Any) -> tuple[str, dict, list[dict]]:
    checked = check_key(key)
    return checked.kind, checked.data, checked.choices


def max_points(key: dict | CheckedKey) -> float:
    """Return the most a question can earn: its points plus any justification's."""
    return check_key(key).max_points
