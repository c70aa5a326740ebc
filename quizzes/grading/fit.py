"""Score a scenario on fit, not on a keyed option (TEACHING.md §2); no ORM.

A scenario scored on fit (`data["scoring"] == "fit"`) is a single choice whose options
each protect some of the values at stake and each carry a real cost. No option is the
right one: every option can earn full marks, and opposing options are scored alike.
The student picks an option and writes two short parts:

- `value`: the value they put first, and why;
- `costs`: what their choice costs, and who bears it.

The credit is FIT_SHARE for the fit between the option and the value named first (the
value the `value` part names earliest must be one the option serves; a value the option
works against earns nothing there), and COSTS_SHARE for the option's costs named in the
`costs` part (`need` of the option's cost terms, one word each, matched as a word or
its start: "burden" finds "burdens").
A part shorter than MIN_WORDS words counts as not written, so a list of key words is
not an argument. The configuration lives in the question's data:

    {"scoring": "fit",
     "values": [{"name": "Humanitarian duty", "words": ["humanitarian", "protect"]},
                ...],
     "options": [{"serves": ["Humanitarian duty"], "costs": ["burden", "clinic"],
                  "need": 2}, ...]}        # one per choice, in the choices' order
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .results import InvalidKey

FIT = "fit"
FIT_PARTS = ("value", "costs")
FIT_LABELS = {
    "value": gettext_lazy("The value you put first, and why"),
    "costs": gettext_lazy("What your choice costs, and who bears the cost"),
}
FIT_SHARE = 0.5
COSTS_SHARE = 0.5
MIN_WORDS = 6
DEFAULT_NEED = 2

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def is_fit(data: Any) -> bool:
    """Whether a choice question is scored on fit rather than on its choices' credit."""
    return isinstance(data, dict) and data.get("scoring") == FIT


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text or "")]


def _terms(value: dict) -> list[str]:
    """A value's terms: its `words`, or else its name's words of four letters or more
    (an author lists words where a name's word is too common to tell values apart)."""
    words = [str(w).casefold() for w in value.get("words", [])]
    return words or [w for w in _words(value.get("name", "")) if len(w) >= 4]


def _first_at(words: list[str], terms: list[str]) -> int | None:
    hits = [
        index
        for index, word in enumerate(words)
        if any(word.startswith(term) for term in terms)
    ]
    return min(hits) if hits else None


def named_first(text: str, data: dict) -> str | None:
    """The value a text names earliest, by its terms; None when it names none."""
    words = _words(text)
    best: tuple[int, str] | None = None
    for value in data["values"]:
        at = _first_at(words, _terms(value))
        if at is not None and (best is None or at < best[0]):
            best = (at, value["name"])
    return best[1] if best else None


def costs_named(text: str, option: dict) -> list[str]:
    """The option's cost terms a text names."""
    words = _words(text)
    return [
        term
        for term in option["costs"]
        if _first_at(words, [term.casefold()]) is not None
    ]


def _need(option: dict) -> int:
    return min(int(option.get("need", DEFAULT_NEED)), len(option["costs"]))


def check_fit(data: dict, choices: list[dict] | None) -> None:
    """Raise InvalidKey unless the fit configuration is complete and symmetric."""
    values = data.get("values")
    if not isinstance(values, list) or len(values) < 2:
        raise InvalidKey(_("A scenario scored on fit weighs at least two values."))
    names = set()
    for value in values:
        if not isinstance(value, dict) or not str(value.get("name") or "").strip():
            raise InvalidKey(_("Every value of a fit scenario needs a name."))
        words = value.get("words", [])
        if not isinstance(words, list) or not all(
            isinstance(w, str) and w.strip() for w in words
        ):
            raise InvalidKey(_("A value's words must be a list of texts."))
        if not _terms(value):
            raise InvalidKey(_("A value needs a word a student can name it by."))
        names.add(value["name"])
    options = data.get("options")
    if not isinstance(options, list) or not options:
        raise InvalidKey(_("A fit scenario needs one entry in options per choice."))
    if choices is not None and len(options) != len(choices):
        raise InvalidKey(_("A fit scenario needs one entry in options per choice."))
    for option in options:
        serves = option.get("serves") if isinstance(option, dict) else None
        if not isinstance(serves, list) or not serves or not set(serves) <= names:
            raise InvalidKey(_("Every option must serve one or more of the values."))
        costs = option.get("costs")
        if (
            not isinstance(costs, list)
            or not costs
            or not all(isinstance(c, str) and _WORD.fullmatch(c.strip()) for c in costs)
        ):
            raise InvalidKey(_("Every option must name its costs: no free lunch."))
        need = option.get("need", DEFAULT_NEED)
        if isinstance(need, bool) or not isinstance(need, int) or need < 1:
            raise InvalidKey(_("An option's need must be a whole number, 1 or more."))
    served = {name for option in options for name in option["serves"]}
    if served != names:
        raise InvalidKey(_("Every value must be served by at least one option."))


def grade_fit(index: int, justification: Any, data: dict) -> tuple[float, dict]:
    """The fraction an option (by its place among the choices) and a justification
    earn, and what was found: the value named first, whether it fits, the costs named."""
    option = data["options"][index]
    parts = justification if isinstance(justification, dict) else {}
    value_text = parts.get("value") or ""
    costs_text = parts.get("costs") or ""
    value = (
        named_first(value_text, data) if len(_words(value_text)) >= MIN_WORDS else None
    )
    fits = value is not None and value in option["serves"]
    named = (
        costs_named(costs_text, option) if len(_words(costs_text)) >= MIN_WORDS else []
    )
    need = _need(option)
    fraction = FIT_SHARE * fits + COSTS_SHARE * min(1.0, len(named) / need)
    detail = {
        "value": value,
        "fits": fits,
        "serves": list(option["serves"]),
        "costs_named": named,
        "costs_needed": need,
    }
    return round(fraction, 6), detail


def model_justification(data: dict, index: int) -> dict[str, str]:
    """A justification that earns an option full marks, for builders and tests."""
    option = data["options"][index]
    first = option["serves"][0]
    costs = ", ".join(option["costs"][: _need(option)])
    return {
        "value": f"I put {first} first, because the people it protects have most "
        "at stake here.",
        "costs": f"This choice has real costs that others bear: {costs}, and those "
        "who pay them did not choose it.",
    }
