"""Validate and normalise students' answers, raising InvalidAnswer; no ORM."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .fit import FIT_PARTS, is_fit
from .justification import PARTS, is_v2
from .keys import CheckedKey, _checked
from .kinds import (
    ANSWER_FIELDS,
    ESSAY,
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
from .results import IncompleteAnswer, InvalidAnswer, Split


def _blank(name: str, value: Any) -> bool:
    """Whether an answer field says nothing: null, or empty for its own shape."""
    if value is None:
        return True
    if name in ("text", "justification"):
        if name == "justification" and isinstance(value, dict):
            return all(_blank("text", value.get(part)) for part in value)
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
    return _text(value, gettext_lazy("The answer"))


def _clean_value(value: Any, data: dict, choices: list[dict]) -> int | float:
    number = _answer_number(value, gettext_lazy("The answer"))
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
        raise IncompleteAnswer(
            _("Give every item a position: %(given)d of %(n)d placed.")
            % {"given": len(value), "n": len(ids)}
        )
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
        raise IncompleteAnswer(
            _("The allocation must add up to 100 (it adds up to %(total)d).")
            % {"total": sum(allocation)}
        )
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
    argued = kind in TRADEOFF_KINDS or (kind == SINGLE_CHOICE and is_fit(data))
    allowed = {name, "justification"} if argued else {name}
    if any(field_name not in allowed for field_name in answer):
        raise InvalidAnswer(
            _("This question takes only these answer fields: %(fields)s.")
            % {"fields": ", ".join(sorted(allowed))}
        )
    cleaned = {}
    if not _blank(name, answer.get(name)):
        cleaned[name] = _CLEANERS[kind](answer[name], data, choices)
    if argued and not _blank("justification", answer.get("justification")):
        if kind == SINGLE_CHOICE:
            cleaned["justification"] = _clean_parts(answer["justification"], FIT_PARTS)
            return cleaned
        if data.get("justification") is None:
            raise InvalidAnswer(_("This question takes no justification."))
        cleaned["justification"] = _clean_justification(answer["justification"], data)
    return cleaned


def _clean_justification(value: Any, data: dict) -> str | dict[str, str]:
    """One text (scoring 1), or under scoring 2 also the five parts by name."""
    if not isinstance(value, dict):
        return _text(value, gettext_lazy("The justification"))
    if not is_v2(data):
        raise InvalidAnswer(_("This question takes its justification as one text."))
    return _clean_parts(value, PARTS)


def _clean_parts(value: Any, names: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(value, dict):
        raise InvalidAnswer(_("The justification is written in parts."))
    unknown = sorted(set(value) - set(names))
    if unknown:
        raise InvalidAnswer(
            _("The justification's parts are %(parts)s.") % {"parts": ", ".join(names)}
        )
    parts = {}
    for part in names:
        if not _blank("text", value.get(part)):
            parts[part] = _text(value[part], gettext_lazy("The justification"))
    if sum(len(text) for text in parts.values()) > MAX_TEXT_LENGTH:
        raise InvalidAnswer(
            _("%(what)s is longer than %(n)s characters.")
            % {"what": _("The justification"), "n": f"{MAX_TEXT_LENGTH:,}"}
        )
    return parts


def split_answer(key: dict | CheckedKey, answer: Any) -> Split:
    """Split an answer into its gradable part and an unfinished draft.

    A complete answer is all gradable. An incomplete one (IncompleteAnswer) keeps its
    main field as a draft, and its justification, which is complete on its own, is
    gradable: at the deadline the unfinished part earns nothing and the argument is
    still marked. A malformed answer raises InvalidAnswer, as validate_answer does.
    """
    try:
        return Split(validate_answer(key, answer))
    except IncompleteAnswer as exc:
        kind, data, choices = _checked(key)
        name = ANSWER_FIELDS[kind]
        gradable: dict = {}
        if kind in TRADEOFF_KINDS and not _blank(
            "justification", answer.get("justification")
        ):
            gradable = _clean(
                kind, data, choices, {"justification": answer["justification"]}
            )
        return Split(gradable, {name: list(answer[name]), **gradable}, str(exc))


def is_answered(key: dict | CheckedKey, answer: Any) -> bool:
    """Return whether the answer gives anything to grade; malformed ones count as given."""
    try:
        return bool(validate_answer(key, answer))
    except InvalidAnswer:
        return True
