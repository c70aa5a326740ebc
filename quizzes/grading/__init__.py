"""Grade students' answers against question keys (docs/question-data.md); no ORM."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

SINGLE_CHOICE = "single_choice"
TRUE_FALSE = "true_false"
MULTIPLE_RESPONSE = "multiple_response"
SHORT_ANSWER = "short_answer"
NUMERIC = "numeric"
ORDERING = "ordering"
MATCHING = "matching"
TRADEOFF_ALLOCATION = "tradeoff_allocation"
TRADEOFF_POSITION = "tradeoff_position"
ESSAY = "essay"

# The field of the answer object that carries each kind's response.
ANSWER_FIELDS = {
    SINGLE_CHOICE: "choice",
    TRUE_FALSE: "choice",
    MULTIPLE_RESPONSE: "choices",
    SHORT_ANSWER: "text",
    NUMERIC: "value",
    ORDERING: "order",
    MATCHING: "matches",
    TRADEOFF_ALLOCATION: "allocation",
    TRADEOFF_POSITION: "position",
    ESSAY: "text",
}
KINDS = frozenset(ANSWER_FIELDS)
CHOICE_KINDS = frozenset({SINGLE_CHOICE, TRUE_FALSE, MULTIPLE_RESPONSE})
TRADEOFF_KINDS = frozenset({TRADEOFF_ALLOCATION, TRADEOFF_POSITION})
MANUAL_KINDS = frozenset({ESSAY})

MAX_TEXT_LENGTH = 20_000
# Credits are decimals stored as floats in the key; their sums need a tolerance.
EPSILON = 1e-6
CHOICE_FEEDBACK = ("feedback", "gains", "costs", "objection")


class InvalidKey(ValueError):
    """A question's data or choices are malformed (an authoring error)."""


class InvalidAnswer(ValueError):
    """A student's answer is malformed; str(exc) says why."""


@dataclass(frozen=True)
class GradeResult:
    """What one answer earned automatically and what an instructor still has to mark."""

    fraction: float
    auto_points: float
    manual_points: float
    needs_manual: bool
    feedback: list[dict] = field(default_factory=list)
    detail: dict = field(default_factory=dict)


# ---------------------------------------------------------------- keys


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


def _check_choices(kind: str, choices: Any) -> None:
    choices = _key_objects(choices, _("The choices"), 2)
    seen = set()
    for choice in choices:
        choice_id = choice.get("id")
        if isinstance(choice_id, bool) or not isinstance(choice_id, int):
            raise InvalidKey(_("Every choice needs a whole-number id."))
        if choice_id in seen:
            raise InvalidKey(_("Two choices share an id."))
        seen.add(choice_id)
        _key_text(choice.get("text"), _("A choice's text"), required=True)
        _key_number(choice.get("credit"), _("A choice's credit"), -1, 1)
        for name in CHOICE_FEEDBACK:
            _key_text(choice.get(name), _("A choice's feedback"))
    credits = [float(choice["credit"]) for choice in choices]
    if kind == TRUE_FALSE and len(choices) != 2:
        raise InvalidKey(_("A true/false question has exactly two choices."))
    if kind == MULTIPLE_RESPONSE:
        if abs(sum(c for c in credits if c > 0) - 1) > EPSILON:
            raise InvalidKey(_("The positive credits must add up to 1."))
    elif not any(abs(c - 1) <= EPSILON for c in credits):
        raise InvalidKey(_("One choice must have credit 1."))


def _check_accepted(kind: str, data: dict) -> None:
    answers = _key_objects(data.get("answers"), _("The accepted answers"), 1)
    for answer in answers:
        _key_number(answer.get("credit"), _("An answer's credit"), -1, 1)
        _key_text(answer.get("feedback"), _("An answer's feedback"))
        if kind == SHORT_ANSWER:
            text = _key_text(answer.get("text"), _("An accepted answer"), required=True)
            if not _normalise(text, wildcards=True).replace("*", "").strip():
                raise InvalidKey(_("An accepted answer needs letters or digits."))
        elif "value" in answer:
            _key_number(answer["value"], _("A numeric answer's value"))
            tolerance = answer.get("tolerance", 0)
            _key_number(tolerance, _("A numeric answer's tolerance"), 0)
        elif "min" in answer and "max" in answer:
            low = _key_number(answer["min"], _("A numeric answer's min"))
            if _key_number(answer["max"], _("A numeric answer's max")) < low:
                raise InvalidKey(_("A numeric answer's min must not exceed its max."))
        else:
            raise InvalidKey(_("A numeric answer needs a value or a min and a max."))
    if not any(float(answer["credit"]) > 0 for answer in answers):
        raise InvalidKey(_("At least one accepted answer must earn credit."))
    _key_text(data.get("feedback_wrong"), _("The feedback for wrong answers"))


def _check_ordering(data: dict) -> None:
    items = _key_objects(data.get("items"), _("The items"), 2)
    _check_unique_ids(
        items,
        ints=True,
        missing=_("Every item needs an id."),
        twice=_("Two items share an id."),
    )
    for item in items:
        _key_text(item.get("text"), _("An item's text"), required=True)


def _check_matching(data: dict) -> None:
    pairs = _key_objects(data.get("pairs"), _("The pairs"), 2)
    # Answers arrive as JSON objects keyed by pair id, and JSON keys are text.
    _check_unique_ids(
        pairs,
        ints=False,
        missing=_("Every pair needs a text id."),
        twice=_("Two pairs share an id."),
    )
    for pair in pairs:
        _key_text(pair.get("prompt"), _("A pair's prompt"), required=True)
        _key_text(pair.get("answer"), _("A pair's answer"), required=True)
    distractors = data.get("distractors", [])
    if not isinstance(distractors, list):
        raise InvalidKey(_("The distractors must be a list of texts."))
    answers = {pair["answer"] for pair in pairs}
    for distractor in distractors:
        if _key_text(distractor, _("A distractor"), required=True) in answers:
            raise InvalidKey(_("A distractor repeats one of the answers."))


def _check_justification(data: dict) -> None:
    justification = data.get("justification")
    if justification is None:
        return
    if not isinstance(justification, dict):
        raise InvalidKey(_("The justification must be an object."))
    if _key_number(justification.get("points"), _("The justification's points")) <= 0:
        raise InvalidKey(_("The justification must be worth more than 0 points."))
    _key_text(
        justification.get("rubric"), _("The justification's rubric"), required=True
    )


def _check_falloff(data: dict) -> None:
    if _key_number(data.get("falloff"), _("The falloff")) <= 0:
        raise InvalidKey(_("The falloff must be more than 0."))


def _check_allocation(data: dict) -> None:
    values = data.get("values")
    if not isinstance(values, list) or not 2 <= len(values) <= 4:
        raise InvalidKey(_("An allocation splits 100 points across 2 to 4 values."))
    for value in values:
        _key_text(value, _("A value's name"), required=True)
    ranges = data.get("ranges")
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
    _check_falloff(data)
    _check_justification(data)


def _check_position(data: dict) -> None:
    _key_text(data.get("left"), _("The left label"), required=True)
    _key_text(data.get("right"), _("The right label"), required=True)
    _key_range(data.get("range"), _("The range"))
    _check_falloff(data)
    _check_justification(data)


def _check_essay(data: dict) -> None:
    _key_text(data.get("rubric"), _("The rubric"), required=True)
    min_words = data.get("min_words", 0)
    if isinstance(min_words, bool) or not isinstance(min_words, int) or min_words < 0:
        raise InvalidKey(_("The minimum word count must be a whole number, 0 or more."))


def validate_data(kind: str, data: dict, choices: list[dict] | None = None) -> None:
    """Raise InvalidKey unless data (and choices, when given) make a gradable question."""
    if kind not in KINDS:
        raise InvalidKey(_("Unknown question kind."))
    if not isinstance(data, dict):
        raise InvalidKey(_("The question data must be an object."))
    if kind in CHOICE_KINDS:
        if choices is not None:
            _check_choices(kind, choices)
    elif kind in (SHORT_ANSWER, NUMERIC):
        _check_accepted(kind, data)
    else:
        {
            ORDERING: _check_ordering,
            MATCHING: _check_matching,
            TRADEOFF_ALLOCATION: _check_allocation,
            TRADEOFF_POSITION: _check_position,
            ESSAY: _check_essay,
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
    _key_number(key.get("points"), _("The points"), 0)
    data = key.get("data")
    data = {} if data is None else data
    choices = key.get("choices") if kind in CHOICE_KINDS else None
    if kind in CHOICE_KINDS and choices is None:
        raise InvalidKey(_("A choice question needs its choices."))
    validate_data(kind, data, choices)
    return CheckedKey(kind, data, choices or [], float(key["points"]))


def _checked(key: Any) -> tuple[str, dict, list[dict]]:
    checked = check_key(key)
    return checked.kind, checked.data, checked.choices


def max_points(key: dict | CheckedKey) -> float:
    """Return the most a question can earn: its points plus any justification's."""
    return check_key(key).max_points


# ---------------------------------------------------------------- answers


def _normalise(text: str, *, wildcards: bool = False) -> str:
    """Fold case, drop punctuation and collapse whitespace (keeping * in patterns)."""
    # NFKC first so full-width letters and ligatures compare equal to plain ones.
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(
        ch
        for ch in text
        if not unicodedata.category(ch).startswith("P") or (wildcards and ch == "*")
    )
    return " ".join(text.split())


def _matches_pattern(pattern: str, text: str) -> bool:
    """Whether normalised text fits a normalised pattern where * matches any run."""
    # Greedy leftmost search instead of a regex: linear time whatever the text.
    first, *middle = pattern.split("*")
    if not middle:
        return text == pattern
    last = middle.pop()
    if len(text) < len(first) + len(last):
        return False
    if not (text.startswith(first) and text.endswith(last)):
        return False
    position, end = len(first), len(text) - len(last)
    for piece in middle:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def _blank(name: str, value: Any) -> bool:
    """Whether an answer field says nothing: null, or empty for its own shape."""
    if value is None:
        return True
    if name in ("text", "justification"):
        return isinstance(value, str) and not value.strip()
    if name in ("choices", "order", "allocation"):
        return value == []
    if name == "matches":
        return isinstance(value, dict) and all(item is None for item in value.values())
    return False


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidAnswer(_("%(what)s must be text.") % {"what": what})
    text = value.strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidAnswer(
            _("%(what)s is longer than %(n)s characters.")
            % {"what": what, "n": f"{MAX_TEXT_LENGTH:,}"}
        )
    # PostgreSQL cannot store NUL or unpaired surrogates in JSON, so refuse them here.
    if "\x00" in text or _has_surrogate(text):
        raise InvalidAnswer(
            _("%(what)s contains characters that are not allowed.") % {"what": what}
        )
    return text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _answer_number(value: Any, what: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidAnswer(_("%(what)s must be a number.") % {"what": what})
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidAnswer(_("%(what)s must be a finite number.") % {"what": what})
    return value


def _choice_id(value: Any, ids: set[int]) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAnswer(_("A choice must be given by its number."))
    if value not in ids:
        raise InvalidAnswer(_("That choice is not one of this question's choices."))
    return value


def _clean_choice(value: Any, data: dict, choices: list[dict]) -> int:
    return _choice_id(value, {choice["id"] for choice in choices})


def _clean_choices(value: Any, data: dict, choices: list[dict]) -> list[int]:
    if not isinstance(value, list):
        raise InvalidAnswer(_("The picked choices must be a list."))
    ids = {choice["id"] for choice in choices}
    picked = [_choice_id(item, ids) for item in value]
    if len(set(picked)) != len(picked):
        raise InvalidAnswer(_("The same choice is picked twice."))
    return picked


def _clean_answer_text(value: Any, data: dict, choices: list[dict]) -> str:
    return _text(value, _("The answer"))


def _clean_value(value: Any, data: dict, choices: list[dict]) -> int | float:
    number = _answer_number(value, _("The answer"))
    try:
        float(number)
    except OverflowError:
        raise InvalidAnswer(_("The answer is too large a number.")) from None
    return number


def _clean_order(value: Any, data: dict, choices: list[dict]) -> list:
    if not isinstance(value, list):
        raise InvalidAnswer(_("The order must be a list of items."))
    ids = [item["id"] for item in data["items"]]
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int) or item not in ids:
            raise InvalidAnswer(
                _("The order names an item this question does not have.")
            )
    if len(set(value)) != len(value):
        raise InvalidAnswer(_("The order lists the same item twice."))
    if len(value) != len(ids):
        raise InvalidAnswer(_("The order must list every item."))
    return list(value)


def _clean_matches(value: Any, data: dict, choices: list[dict]) -> dict[str, str]:
    if not isinstance(value, dict):
        raise InvalidAnswer(_("The matches must map prompts to answers."))
    pair_ids = {pair["id"] for pair in data["pairs"]}
    options = {pair["answer"] for pair in data["pairs"]} | set(
        data.get("distractors", [])
    )
    matches = {}
    for pair_id, option in value.items():
        if pair_id not in pair_ids:
            raise InvalidAnswer(
                _("A match names a prompt this question does not have.")
            )
        if option is None:
            continue
        if not isinstance(option, str) or option not in options:
            raise InvalidAnswer(_("A match picks an answer that is not offered."))
        matches[pair_id] = option
    return matches


def _clean_allocation(value: Any, data: dict, choices: list[dict]) -> list[int]:
    count = len(data["values"])
    if not isinstance(value, list) or len(value) != count:
        raise InvalidAnswer(
            _("The allocation must give a number to each of the %(n)d values.")
            % {"n": count}
        )
    allocation = []
    for item in value:
        if isinstance(item, float) and item.is_integer():
            item = int(item)
        if isinstance(item, bool) or not isinstance(item, int):
            raise InvalidAnswer(_("The allocation must use whole numbers."))
        if not 0 <= item <= 100:
            raise InvalidAnswer(_("Each share must be between 0 and 100."))
        allocation.append(item)
    if sum(allocation) != 100:
        raise InvalidAnswer(_("The allocation must add up to 100."))
    return allocation


def _clean_position(value: Any, data: dict, choices: list[dict]) -> int | float:
    position = _answer_number(value, _("The position"))
    if not 0 <= position <= 100:
        raise InvalidAnswer(_("The position must be between 0 and 100."))
    return position


_CLEANERS = {
    SINGLE_CHOICE: _clean_choice,
    TRUE_FALSE: _clean_choice,
    MULTIPLE_RESPONSE: _clean_choices,
    SHORT_ANSWER: _clean_answer_text,
    NUMERIC: _clean_value,
    ORDERING: _clean_order,
    MATCHING: _clean_matches,
    TRADEOFF_ALLOCATION: _clean_allocation,
    TRADEOFF_POSITION: _clean_position,
    ESSAY: _clean_answer_text,
}


def validate_answer(key: dict | CheckedKey, answer: Any) -> dict:
    """Return the normalised answer ({} when unanswered) or raise InvalidAnswer."""
    return _clean(*_checked(key), answer)


def _clean(kind: str, data: dict, choices: list[dict], answer: Any) -> dict:
    if answer is None:
        return {}
    if not isinstance(answer, dict):
        raise InvalidAnswer(_("An answer must be an object."))
    name = ANSWER_FIELDS[kind]
    allowed = {name, "justification"} if kind in TRADEOFF_KINDS else {name}
    if any(field_name not in allowed for field_name in answer):
        raise InvalidAnswer(
            _("This question takes only these answer fields: %(fields)s.")
            % {"fields": ", ".join(sorted(allowed))}
        )
    cleaned = {}
    if not _blank(name, answer.get(name)):
        cleaned[name] = _CLEANERS[kind](answer[name], data, choices)
    if kind in TRADEOFF_KINDS and not _blank(
        "justification", answer.get("justification")
    ):
        if data.get("justification") is None:
            raise InvalidAnswer(_("This question takes no justification."))
        cleaned["justification"] = _text(
            answer["justification"], _("The justification")
        )
    return cleaned


def is_answered(key: dict | CheckedKey, answer: Any) -> bool:
    """Return whether the answer gives anything to grade; malformed ones count as given."""
    try:
        return bool(validate_answer(key, answer))
    except InvalidAnswer:
        return True


# ---------------------------------------------------------------- grading


def _not_answered() -> dict:
    return {"kind": "unanswered", "text": _("Not answered.")}


def _choice_feedback(choice: dict) -> dict:
    entry = {"kind": "choice", "choice": choice["id"]}
    entry["text"] = choice.get("feedback") or ""
    entry.update({name: choice.get(name) or "" for name in CHOICE_FEEDBACK[1:]})
    return entry


def _grade_choice(value: int, data: dict, choices: list[dict]):
    chosen = next(choice for choice in choices if choice["id"] == value)
    credit = float(chosen["credit"])
    return credit, [_choice_feedback(chosen)], {"choice": value, "credit": credit}


def _grade_choices(value: list[int], data: dict, choices: list[dict]):
    chosen = [choice for choice in choices if choice["id"] in value]
    credit = sum(float(choice["credit"]) for choice in chosen)
    # Keys pass when positive credits reach 1 within EPSILON; picking them all is full marks.
    fraction = 1.0 if credit >= 1 - EPSILON else credit
    feedback = [_choice_feedback(choice) for choice in chosen]
    return fraction, feedback, {"choices": [c["id"] for c in chosen], "credit": credit}


def _best_accepted(data: dict, fits) -> tuple[float, list[dict], dict]:
    """Score the best-credit accepted answer that fits, with its feedback."""
    best = None
    for index, answer in enumerate(data["answers"]):
        credit = float(answer["credit"])
        if (best is None or credit > best[1]) and fits(answer):
            best = (index, credit)
    if best is None:
        text = data.get("feedback_wrong") or ""
        return (
            0.0,
            [{"kind": "answer", "text": text}] if text else [],
            {"matched": None},
        )
    text = data["answers"][best[0]].get("feedback") or ""
    feedback = [{"kind": "answer", "text": text}] if text else []
    return best[1], feedback, {"matched": best[0], "credit": best[1]}


def _grade_text(value: str, data: dict, choices: list[dict]):
    text = _normalise(value)
    return _best_accepted(
        data,
        lambda answer: _matches_pattern(
            _normalise(answer["text"], wildcards=True), text
        ),
    )


def _fits_number(answer: dict, value: float) -> bool:
    if "value" in answer:
        target = float(answer["value"])
        # A relative hair of slack so that float noise (0.1 + 0.2) does not cost marks.
        slack = 1e-9 * max(1.0, abs(target))
        return abs(value - target) <= float(answer.get("tolerance", 0)) + slack
    low, high = float(answer["min"]), float(answer["max"])
    slack = 1e-9 * max(1.0, abs(low), abs(high))
    return low - slack <= value <= high + slack


def _grade_value(value: int | float, data: dict, choices: list[dict]):
    number = float(value)
    return _best_accepted(data, lambda answer: _fits_number(answer, number))


def _grade_order(value: list, data: dict, choices: list[dict]):
    rank = {item_id: index for index, item_id in enumerate(value)}
    ids = [item["id"] for item in data["items"]]
    total = len(ids) * (len(ids) - 1) // 2
    right = sum(
        1
        for i in range(len(ids))
        for j in range(i + 1, len(ids))
        if rank[ids[i]] < rank[ids[j]]
    )
    return right / total, [], {"correct_pairs": right, "total_pairs": total}


def _grade_matches(value: dict, data: dict, choices: list[dict]):
    pairs = data["pairs"]
    right = sum(1 for pair in pairs if value.get(pair["id"]) == pair["answer"])
    return right / len(pairs), [], {"correct_pairs": right, "total_pairs": len(pairs)}


def _outside(value: float, bounds: list) -> float:
    return max(float(bounds[0]) - value, 0.0, value - float(bounds[1]))


def _grade_allocation(value: list[int], data: dict, choices: list[dict]):
    outside = [
        _outside(share, bounds)
        for share, bounds in zip(value, data["ranges"], strict=True)
    ]
    # A point moved out of one range lands in another, so each is counted twice.
    distance = round(sum(outside) / 2, 6)
    shares = [
        {"value": name, "allocated": share, "range": list(bounds), "outside": out}
        for name, share, bounds, out in zip(
            data["values"], value, data["ranges"], outside, strict=True
        )
    ]
    feedback = [{"kind": "distance", "distance": distance, "values": shares}]
    detail = {"allocation": value, "ranges": [list(r) for r in data["ranges"]]}
    detail.update(distance=distance, falloff=data["falloff"])
    return 1 - distance / float(data["falloff"]), feedback, detail


def _grade_position(value: int | float, data: dict, choices: list[dict]):
    bounds = list(data["range"])
    distance = round(_outside(float(value), bounds), 6)
    feedback = [{"kind": "distance", "distance": distance, "range": bounds}]
    detail = {"position": value, "range": bounds, "distance": distance}
    return 1 - distance / float(data["falloff"]), feedback, detail


_GRADERS = {
    SINGLE_CHOICE: _grade_choice,
    TRUE_FALSE: _grade_choice,
    MULTIPLE_RESPONSE: _grade_choices,
    SHORT_ANSWER: _grade_text,
    NUMERIC: _grade_value,
    ORDERING: _grade_order,
    MATCHING: _grade_matches,
    TRADEOFF_ALLOCATION: _grade_allocation,
    TRADEOFF_POSITION: _grade_position,
}


def grade(key: dict | CheckedKey, answer: Any) -> GradeResult:
    """Grade an answer; unanswered earns 0, a malformed answer raises InvalidAnswer."""
    kind, data, choices, points = check_key(key)
    cleaned = _clean(kind, data, choices, answer)
    if not cleaned:
        # Nothing to read: no feedback beyond this, and nothing for an instructor.
        return GradeResult(0.0, 0.0, 0.0, False, [_not_answered()], {})
    if kind == ESSAY:
        words = len(cleaned["text"].split())
        detail = {"words": words, "min_words": data.get("min_words", 0)}
        return GradeResult(0.0, 0.0, points, True, [], detail)
    name = ANSWER_FIELDS[kind]
    if name in cleaned:
        fraction, feedback, detail = _GRADERS[kind](cleaned[name], data, choices)
        fraction = round(min(1.0, max(0.0, fraction)), 6)
    else:
        # A tradeoff answered only by its justification.
        fraction, feedback, detail = 0.0, [_not_answered()], {}
    manual = 0.0
    if kind in TRADEOFF_KINDS and data.get("justification") is not None:
        detail["justification"] = "justification" in cleaned
        if detail["justification"]:
            manual = float(data["justification"]["points"])
    auto = round(fraction * points, 6)
    return GradeResult(fraction, auto, manual, manual > 0, feedback, detail)


def _allocation_inside(ranges: list) -> list[int]:
    allocation = [math.ceil(float(bounds[0])) for bounds in ranges]
    left = 100 - sum(allocation)
    for index, bounds in enumerate(ranges):
        extra = min(left, math.floor(float(bounds[1])) - allocation[index])
        allocation[index] += extra
        left -= extra
    return allocation


def key_answer(key: dict) -> dict:
    """Return an answer that earns the key's full automatic marks (no justification)."""
    kind, data, choices = _checked(key)
    if kind in (SINGLE_CHOICE, TRUE_FALSE):
        return {"choice": max(choices, key=lambda c: float(c["credit"]))["id"]}
    if kind == MULTIPLE_RESPONSE:
        return {"choices": [c["id"] for c in choices if float(c["credit"]) > 0]}
    if kind in (SHORT_ANSWER, NUMERIC):
        best = max(data["answers"], key=lambda answer: float(answer["credit"]))
        if kind == SHORT_ANSWER:
            # A spaced letter fills each wildcard: "no * one" needs more than a space,
            # and spaces keep combining marks from fusing with the filler.
            return {"text": best["text"].replace("*", " x ")}
        if "value" in best:
            value = best["value"]
            return {"value": value if isinstance(value, int | float) else float(value)}
        return {"value": (float(best["min"]) + float(best["max"])) / 2}
    if kind == ORDERING:
        return {"order": [item["id"] for item in data["items"]]}
    if kind == MATCHING:
        return {"matches": {pair["id"]: pair["answer"] for pair in data["pairs"]}}
    if kind == TRADEOFF_ALLOCATION:
        return {"allocation": _allocation_inside(data["ranges"])}
    if kind == TRADEOFF_POSITION:
        middle = (float(data["range"][0]) + float(data["range"][1])) / 2
        return {"position": int(middle) if middle.is_integer() else middle}
    return {"text": " ".join(["word"] * max(1, data.get("min_words", 0)))}
