"""Turn the take page's POST into answer JSON per kind, and answers back into widgets.

The contract is docs/question-data.md. This module only reshapes: whether an answer is
acceptable is decided by the services (grading.validate_answer via save_responses). It
reports only what cannot be put into the contract's shape at all, such as "abc" typed
into a number box or two ordering items given the same position.

A question's *state* is what its widgets hold, as the strings a browser posts: it is
built from a saved answer or from the POST, and it is what a re-rendered page shows, so
a refused submission keeps everything the student typed.
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.utils.translation import gettext as _

from . import certainty_form
from .models import Question

Kind = Question.Kind
CHOICE_KINDS = {Kind.SINGLE_CHOICE, Kind.TRUE_FALSE}
TEXT_KINDS = {Kind.SHORT_ANSWER, Kind.ESSAY}
TRADEOFF_KINDS = {Kind.TRADEOFF_ALLOCATION, Kind.TRADEOFF_POSITION}
_INTEGER = re.compile(r"^[+-]?\d+$")


class Unreadable(ValueError):
    """A widget's value cannot be put into the answer's shape; str(exc) says why."""


def field_name(question_id: int, part: str, sub: Any = None) -> str:
    """The name of one input of a question on the take form."""
    name = f"q{question_id}_{part}"
    return f"{name}_{sub}" if sub is not None else name


def _to_number(raw: str) -> int | float:
    text = raw.strip().replace(",", ".")
    if _INTEGER.match(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        raise Unreadable(_("Enter a number, such as 12 or 3.5.")) from None
    if not math.isfinite(number):
        raise Unreadable(_("Enter a finite number."))
    return number


# --------------------------------------------------------------- state from input


def state_from_post(question: dict, post) -> dict:
    """What the POST holds for one question's widgets."""
    qid, kind = question["id"], question["kind"]
    get = post.get
    state: dict[str, Any] = {}
    if kind in CHOICE_KINDS:
        state["choice"] = get(field_name(qid, "choice"), "")
    elif kind == Kind.MULTIPLE_RESPONSE:
        state["choices"] = post.getlist(field_name(qid, "choices"))
    elif kind in TEXT_KINDS:
        state["text"] = get(field_name(qid, "text"), "")
    elif kind == Kind.NUMERIC:
        state["value"] = get(field_name(qid, "value"), "")
    elif kind == Kind.ORDERING:
        state["positions"] = {
            str(item["id"]): get(field_name(qid, "pos", item["id"]), "")
            for item in question["items"]
        }
    elif kind == Kind.MATCHING:
        state["matches"] = {
            prompt["id"]: get(field_name(qid, "match", prompt["id"]), "")
            for prompt in question["prompts"]
        }
    elif kind == Kind.TRADEOFF_ALLOCATION:
        state["allocation"] = [
            get(field_name(qid, "alloc", index), "")
            for index in range(len(question["values"]))
        ]
    elif kind == Kind.TRADEOFF_POSITION:
        state["position"] = get(field_name(qid, "position"), "")
        state["slider"] = get(field_name(qid, "slider"), "")
        state["slider_initial"] = get(field_name(qid, "slider_initial"), "")
    if _argued(question):
        if _in_parts(question):
            state["justification"] = {
                part: get(field_name(qid, "justification", part), "")
                for part in _parts(question)
            }
        else:
            state["justification"] = get(field_name(qid, "justification"), "")
    if question.get("takes_certainty"):
        state["certainty"] = get(certainty_form.field_name(qid), "")
    return state


def _argued(question: dict) -> bool:
    """Whether the question takes a justification: a tradeoff, or a fit scenario."""
    return question["kind"] in TRADEOFF_KINDS or bool(question.get("fit"))


def _in_parts(question: dict) -> bool:
    """Whether the question's justification is written in parts (scoring 2, fit)."""
    return bool((question.get("justification") or {}).get("parts"))


def _parts(question: dict) -> list[str]:
    return [part["name"] for part in question["justification"]["parts"]]


def _plain(number: Any) -> str:
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return str(number)


def state_from_answer(question: dict, answer: Any) -> dict:
    """The widgets' values that show a saved answer (blank when there is none)."""
    answer = answer if isinstance(answer, dict) else {}
    kind = question["kind"]
    state: dict[str, Any] = {}
    if kind in CHOICE_KINDS:
        state["choice"] = _plain(answer["choice"]) if "choice" in answer else ""
    elif kind == Kind.MULTIPLE_RESPONSE:
        state["choices"] = [_plain(c) for c in answer.get("choices") or []]
    elif kind in TEXT_KINDS:
        state["text"] = answer.get("text") or ""
    elif kind == Kind.NUMERIC:
        state["value"] = _plain(answer["value"]) if "value" in answer else ""
    elif kind == Kind.ORDERING:
        order = [str(i) for i in answer.get("order") or []]
        state["positions"] = {
            str(item["id"]): (
                str(order.index(str(item["id"])) + 1)
                if str(item["id"]) in order
                else ""
            )
            for item in question["items"]
        }
    elif kind == Kind.MATCHING:
        matches = answer.get("matches") or {}
        state["matches"] = {
            prompt["id"]: matches.get(prompt["id"]) or ""
            for prompt in question["prompts"]
        }
    elif kind == Kind.TRADEOFF_ALLOCATION:
        given = answer.get("allocation") or []
        state["allocation"] = [
            _plain(given[i]) if i < len(given) else ""
            for i in range(len(question["values"]))
        ]
    elif kind == Kind.TRADEOFF_POSITION:
        position = _plain(answer["position"]) if "position" in answer else ""
        state["position"] = position
        state["slider"] = position or "50"
        state["slider_initial"] = state["slider"]
    if _argued(question):
        written = answer.get("justification") or ""
        if _in_parts(question):
            if isinstance(written, str):
                # Written as one text before the question asked for parts.
                written = {"value": written} if written else {}
            state["justification"] = {
                part: written.get(part, "") for part in _parts(question)
            }
        else:
            state["justification"] = written if isinstance(written, str) else ""
    if question.get("takes_certainty"):
        state["certainty"] = certainty_form.saved_state(question)
    return state


# --------------------------------------------------------------- answer from state


def _blank(text: str | dict) -> bool:
    if isinstance(text, dict):
        return all(_blank(part) for part in text.values())
    return not (text or "").strip()


def _justification(state: dict) -> str | dict:
    written = state.get("justification", "")
    if isinstance(written, dict):
        return {part: text for part, text in written.items() if not _blank(text)}
    return written


def _position_value(state: dict) -> str:
    # A moved slider wins (without JavaScript the number box does not follow it);
    # otherwise the number box, which a keyboard or screen-reader user may prefer.
    slider, initial = state.get("slider", ""), state.get("slider_initial", "")
    if slider and slider != initial:
        return slider
    return state.get("position", "")


def answer_from_state(question: dict, state: dict) -> dict | None:
    """The answer JSON the widgets say, None when nothing is given; may raise Unreadable."""
    kind = question["kind"]
    answer: dict[str, Any] = {}
    if kind in CHOICE_KINDS:
        if not _blank(state["choice"]):
            # A handle (quizzes/handles.py): a tampered one is refused by the service.
            answer["choice"] = state["choice"].strip()
    elif kind == Kind.MULTIPLE_RESPONSE:
        if state["choices"]:
            answer["choices"] = [c.strip() for c in state["choices"]]
    elif kind in TEXT_KINDS:
        if not _blank(state["text"]):
            answer["text"] = state["text"]
    elif kind == Kind.NUMERIC:
        if not _blank(state["value"]):
            answer["value"] = _to_number(state["value"])
    elif kind == Kind.ORDERING:
        answer.update(_order(question, state["positions"]))
    elif kind == Kind.MATCHING:
        matches = {pid: opt for pid, opt in state["matches"].items() if opt}
        if matches:
            answer["matches"] = matches
    elif kind == Kind.TRADEOFF_ALLOCATION:
        if any(not _blank(share) for share in state["allocation"]):
            answer["allocation"] = [_share(share) for share in state["allocation"]]
    elif kind == Kind.TRADEOFF_POSITION:
        value = _position_value(state)
        if not _blank(value):
            answer["position"] = _to_number(value)
    if _argued(question) and not _blank(state.get("justification", "")):
        answer["justification"] = _justification(state)
    return answer or None


def _share(raw: str) -> int | float:
    # A box left empty beside filled ones gives that value nothing.
    return 0 if _blank(raw) else _to_number(raw)


def _order(question: dict, positions: dict[str, str]) -> dict:
    ids = {str(item["id"]): item["id"] for item in question["items"]}
    given: dict[str, int] = {}
    for item_id, raw in positions.items():
        if _blank(raw):
            continue
        if not _INTEGER.match(raw.strip()):
            raise Unreadable(_("Pick a position from the list for each item."))
        given[item_id] = int(raw)
    if not given:
        return {}
    if len(set(given.values())) != len(given):
        raise Unreadable(_("Give each item a different position."))
    ordered = sorted(given, key=given.__getitem__)
    # An item without a position is left out; the service says the order is incomplete.
    return {"order": [ids.get(item_id, item_id) for item_id in ordered]}


def read_answers(
    questions: list[dict], post
) -> tuple[dict[int, Any], dict[int, str], dict[int, dict]]:
    """Read the POST for these questions: (answers, unreadable messages, states)."""
    answers: dict[int, Any] = {}
    errors: dict[int, str] = {}
    states: dict[int, dict] = {}
    for question in questions:
        state = state_from_post(question, post)
        states[question["id"]] = state
        try:
            answers[question["id"]] = answer_from_state(question, state)
        except Unreadable as exc:
            errors[question["id"]] = str(exc)
            # The unreadable widget keeps its saved value; the argument beside it,
            # readable on its own, is still saved.
            if not _blank(state.get("justification", "")):
                answers[question["id"]] = {"justification": _justification(state)}
    return answers, errors, states


# --------------------------------------------------------------- widgets


def bind(question: dict, state: dict, error: str = "") -> dict:
    """The question with what each of its widgets shows and the error beside it."""
    qid, kind = question["id"], question["kind"]
    bound = {**question, "state": state, "error": error}
    if kind in CHOICE_KINDS or kind == Kind.MULTIPLE_RESPONSE:
        picked = (
            set(state["choices"])
            if kind == Kind.MULTIPLE_RESPONSE
            else {state["choice"]}
        )
        name = field_name(
            qid, "choices" if kind == Kind.MULTIPLE_RESPONSE else "choice"
        )
        bound["widgets"] = [
            {
                "id": f"{name}_{choice['id']}",
                "name": name,
                "value": choice["id"],
                "text": choice["text"],
                "text_html": choice.get("text_html", ""),
                "checked": str(choice["id"]) in picked,
            }
            for choice in question["choices"]
        ]
    elif kind in TEXT_KINDS:
        bound["name"] = field_name(qid, "text")
    elif kind == Kind.NUMERIC:
        bound["name"] = field_name(qid, "value")
    elif kind == Kind.ORDERING:
        count = len(question["items"])
        bound["widgets"] = [
            {
                "id": field_name(qid, "pos", item["id"]),
                "name": field_name(qid, "pos", item["id"]),
                "item": item["id"],
                "text": item["text"],
                "text_html": item.get("text_html", ""),
                "options": [
                    {
                        "value": str(n),
                        "selected": state["positions"].get(str(item["id"])) == str(n),
                    }
                    for n in range(1, count + 1)
                ],
            }
            for item in question["items"]
        ]
    elif kind == Kind.MATCHING:
        bound["widgets"] = [
            {
                "id": field_name(qid, "match", prompt["id"]),
                "name": field_name(qid, "match", prompt["id"]),
                "pair": prompt["id"],
                "text": prompt["text"],
                "text_html": prompt.get("text_html", ""),
                "options": [
                    {
                        "value": option,
                        "selected": state["matches"].get(prompt["id"]) == option,
                    }
                    for option in question["options"]
                ],
            }
            for prompt in question["prompts"]
        ]
    elif kind == Kind.TRADEOFF_ALLOCATION:
        bound["widgets"] = [
            {
                "id": field_name(qid, "alloc", index),
                "name": field_name(qid, "alloc", index),
                "label": value,
                "value": state["allocation"][index],
            }
            for index, value in enumerate(question["values"])
        ]
    elif kind == Kind.TRADEOFF_POSITION:
        bound["names"] = {
            "position": field_name(qid, "position"),
            "slider": field_name(qid, "slider"),
            "slider_initial": field_name(qid, "slider_initial"),
        }
        # Both widgets show the value that counts, and the slider's starting point is
        # reset to it, so the next POST can tell which widget the student moved.
        shown = _position_value(state)
        bound["position"] = shown
        try:
            bound["slider"] = _plain(min(100, max(0, _to_number(shown))))
        except Unreadable:
            bound["slider"] = "50"
        if _blank(shown):
            bound["slider"] = "50"
    if question.get("takes_certainty"):
        bound["certainty_widgets"] = certainty_form.widgets(qid, state)
    if _argued(question):
        bound["justification_name"] = field_name(qid, "justification")
        if _in_parts(question):
            written = state.get("justification") or {}
            bound["justification_widgets"] = [
                {
                    "name": field_name(qid, "justification", part["name"]),
                    "label": part["label"],
                    "value": written.get(part["name"], ""),
                }
                for part in question["justification"]["parts"]
            ]
    return bound
