"""Grade answers per kind, and build the answer that earns a key's full marks."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _

from . import fit
from .answers import _clean
from .justification import completeness, is_v2, model_justification
from .keys import CheckedKey, _checked, check_key
from .kinds import (
    ANSWER_FIELDS,
    CHOICE_FEEDBACK,
    EPSILON,
    ESSAY,
    MATCHING,
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
from .results import GradeResult
from .text import _matches_pattern, _normalise


def _not_answered() -> dict:
    return {"kind": "unanswered", "text": _("Not answered.")}


def _with_format(entry: dict, text_format: str | None) -> dict:
    # Markdown is the default and was always shown as typed: only other formats say so.
    if text_format and text_format != "markdown":
        entry["format"] = text_format
    return entry


def _choice_feedback(choice: dict) -> dict:
    entry = {"kind": "choice", "choice": choice["id"]}
    entry["text"] = choice.get("feedback") or ""
    entry.update({name: choice.get(name) or "" for name in CHOICE_FEEDBACK[1:]})
    return _with_format(entry, choice.get("feedback_format"))


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
        wrong_format = (data.get("moodle") or {}).get("wrong_format")
        return (
            0.0,
            [_with_format({"kind": "answer", "text": text}, wrong_format)]
            if text
            else [],
            {"matched": None},
        )
    text = data["answers"][best[0]].get("feedback") or ""
    answer_format = data["answers"][best[0]].get("feedback_format")
    feedback = (
        [_with_format({"kind": "answer", "text": text}, answer_format)] if text else []
    )
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


def is_unusual(kind: str, value, data: dict) -> bool:
    """Whether a position or allocation lies outside where most informed readers stand:
    a note for the instructor ("worth a conversation"), never a score."""
    if kind == TRADEOFF_POSITION:
        return bool(data.get("range")) and _outside(float(value), data["range"]) > 0
    ranges = data.get("ranges") or []
    return any(
        _outside(float(share), bounds)
        for share, bounds in zip(value, ranges, strict=False)
    )


def _grade_argument(kind: str, data: dict, cleaned: dict, points: float) -> GradeResult:
    """Scoring 2: the position earns nothing; a complete justification earns `points`,
    and the rubric part waits for a person."""
    name = ANSWER_FIELDS[kind]
    detail: dict = {"scoring": 2}
    if name in cleaned:
        detail[name] = cleaned[name]
        detail["unusual"] = is_unusual(kind, cleaned[name], data)
    written = "justification" in cleaned
    fraction, verdicts = completeness(cleaned.get("justification"), data)
    detail["justification"] = written
    detail["parts"] = verdicts
    feedback = [{"kind": "parts", "parts": verdicts}] if written else []
    manual = float(data["justification"]["points"]) if written else 0.0
    fraction = round(fraction, 6)
    auto = round(fraction * points, 6)
    return GradeResult(fraction, auto, manual, manual > 0, feedback, detail)


def _grade_fit(data: dict, choices: list[dict], cleaned: dict, points: float):
    """A scenario scored on fit: the option earns nothing by itself; its fit with the
    value named first and the costs named earn the points (grading/fit.py)."""
    if "choice" not in cleaned:
        # An argument for no option fits nothing.
        return GradeResult(0.0, 0.0, 0.0, False, [_not_answered()], {})
    index = next(i for i, c in enumerate(choices) if c["id"] == cleaned["choice"])
    fraction, found = fit.grade_fit(index, cleaned.get("justification"), data)
    feedback = [_choice_feedback(choices[index]), {"kind": "fit", **found}]
    detail = {"choice": cleaned["choice"], "scoring": fit.FIT, **found}
    return GradeResult(
        fraction, round(fraction * points, 6), 0.0, False, feedback, detail
    )


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
    if kind in TRADEOFF_KINDS and is_v2(data):
        return _grade_argument(kind, data, cleaned, points)
    if kind == SINGLE_CHOICE and fit.is_fit(data):
        return _grade_fit(data, choices, cleaned, points)
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
    """Return an answer that earns the key's full automatic marks.

    Scoring-1 tradeoff items get a position inside the range and no justification;
    scoring-2 items the midpoint (any position would do) and a complete justification.
    """
    kind, data, choices = _checked(key)
    if kind in TRADEOFF_KINDS and is_v2(data):
        if kind == TRADEOFF_POSITION:
            return {"position": 50, "justification": model_justification(data)}
        count = len(data["values"])
        shares = [100 // count] * count
        shares[0] += 100 - sum(shares)
        return {"allocation": shares, "justification": model_justification(data)}
    if kind == SINGLE_CHOICE and fit.is_fit(data):
        return {
            "choice": choices[0]["id"],
            "justification": fit.model_justification(data, 0),
        }
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
