"""Template helpers for quiz pages: the lesson's quiz list and readable answers and keys.

The filters only reshape what presentation.attempt_for_student already allowed into the
page; they never read a key themselves.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes import grading, standings
from quizzes.models import Question, Quiz
from quizzes.textformats import render_inline

register = template.Library()
Kind = Question.Kind


@register.inclusion_tag("quizzes/_lesson_quizzes.html", takes_context=True)
def quizzes_for_lesson(context, lesson):
    """List the published quizzes of a lesson with the student's standing and a link to
    take each (two queries)."""
    quizzes = list(
        Quiz.objects.published()
        .select_related("course")
        .filter(lesson=lesson)
        .order_by("title", "id")
    )
    user = context.get("user")
    return {"standings": standings.standings_of(quizzes, user), "user": user}


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _credit(value) -> str:
    """A credit as people write it: at most two decimals, no trailing zeros."""
    rounded = round(float(value), 2)
    return _number(0.0 if rounded == 0 else rounded)


def _share(value) -> str:
    """A fraction of the points as a rounded percentage: 0.33334 reads 33%."""
    return f"{_number(round(float(value) * 100))}%"


def _readable_pattern(text: str) -> str:
    """A short-answer pattern as words: `*countr* of origin*` reads `countr… of origin…`."""
    text = text.strip()
    inner = text.strip("*")
    if not inner:
        return "…"
    words = "…".join(inner.split("*"))
    return (
        ("…" if text.startswith("*") else "")
        + words
        + ("…" if text.endswith("*") else "")
    )


@register.filter
def answer_lines(question: dict) -> list[str]:
    """The student's own answer to a question, as lines of readable text."""
    answer = question.get("answer") or {}
    if not isinstance(answer, dict) or not answer:
        return []
    kind = question["kind"]
    lines: list[str] = []
    if kind in (Kind.SINGLE_CHOICE, Kind.TRUE_FALSE, Kind.MULTIPLE_RESPONSE):
        picked = answer.get("choices") or (
            [answer["choice"]] if "choice" in answer else []
        )
        texts = {c["id"]: c["text"] for c in question.get("choices", [])}
        lines = [texts.get(cid, str(cid)) for cid in picked]
    elif kind in (Kind.SHORT_ANSWER, Kind.ESSAY):
        lines = [answer.get("text", "")]
    elif kind == Kind.NUMERIC and "value" in answer:
        lines = [_number(answer["value"])]
    elif kind == Kind.ORDERING:
        texts = {str(i["id"]): i["text"] for i in question.get("items", [])}
        lines = [
            f"{n}. {texts.get(str(iid), iid)}"
            for n, iid in enumerate(answer.get("order", []), start=1)
        ]
    elif kind == Kind.MATCHING:
        matches = answer.get("matches", {})
        lines = [
            f"{p['text']} → {matches[p['id']]}"
            for p in question.get("prompts", [])
            if matches.get(p["id"])
        ]
    elif kind == Kind.TRADEOFF_ALLOCATION and "allocation" in answer:
        lines = [
            f"{name}: {_number(share)}"
            for name, share in zip(
                question.get("values", []), answer["allocation"], strict=False
            )
        ]
    elif kind == Kind.TRADEOFF_POSITION and "position" in answer:
        lines = [
            _("%(position)s on a scale from 0 (%(left)s) to 100 (%(right)s)")
            % {
                "position": _number(answer["position"]),
                "left": question.get("left", ""),
                "right": question.get("right", ""),
            }
        ]
    justification = answer.get("justification")
    if isinstance(justification, dict):
        # In the order the parts are asked for (JSON storage does not keep it).
        lines += [
            f"{grading.PART_LABELS[part]}: {justification[part]}"
            for part in grading.PARTS
            if justification.get(part)
        ]
    elif justification:
        lines.append(_("Justification: %(text)s") % {"text": justification})
    return lines


_PART_PROBLEMS = {
    "missing": gettext_lazy("not written"),
    "short": gettext_lazy("too short to say much"),
    "thin": gettext_lazy("too general: say what, who and why"),
    "repeated": gettext_lazy("repeats another part"),
    "no_value": gettext_lazy("name the value you put first"),
}


def _parts_text(verdicts: dict) -> str:
    done = sum(1 for verdict in verdicts.values() if not verdict)
    text = _(
        "Your justification is complete in %(done)s of %(total)s parts (the automatic "
        "share of this question; your position itself earns and loses nothing)."
    ) % {"done": done, "total": len(verdicts)}
    missing = [
        f"{grading.PART_LABELS.get(part, part)} — {_PART_PROBLEMS.get(verdict, verdict)}"
        for part, verdict in verdicts.items()
        if verdict
    ]
    if missing:
        text += " " + _("To complete: %(parts)s.") % {"parts": "; ".join(missing)}
    return text


def _fit_text(entry: dict) -> str:
    """How a scenario scored on fit was scored, in plain words."""
    if not entry.get("value"):
        text = _(
            "Half the points go to the fit between your option and the value you put "
            "first: your first part names none of the values at stake."
        )
    elif entry.get("fits"):
        text = _(
            "You put %(value)s first, and your option serves it: the fit earns half "
            "the points."
        ) % {"value": entry["value"]}
    else:
        text = _(
            "You put %(value)s first, but your option serves %(serves)s instead: the "
            "fit earns nothing (any option can earn full marks with an argument that "
            "fits it)."
        ) % {"value": entry["value"], "serves": ", ".join(entry.get("serves", []))}
    return (
        text
        + " "
        + _("Costs named: %(named)s of the %(needed)s needed for the other half.")
        % {
            "named": min(
                len(entry.get("costs_named", [])), entry.get("costs_needed", 0)
            ),
            "needed": entry.get("costs_needed", 0),
        }
    )


@register.filter
def feedback_items(question: dict) -> list[dict]:
    """The review's feedback entries with choice ids turned into their texts."""
    review = question.get("review") or {}
    texts = {c["id"]: c["text"] for c in question.get("choices", [])}
    items = []
    for entry in review.get("feedback") or []:
        kind = entry.get("kind")
        item = {"kind": kind, "title": "", "text": entry.get("text", "")}
        if entry.get("format") and item["text"]:
            item["html"] = render_inline(item["text"], entry["format"])
        if kind == "choice":
            item["title"] = texts.get(entry.get("choice"), "")
            item["parts"] = [
                (label, entry.get(name))
                for name, label in (
                    ("gains", _("What it gains")),
                    ("costs", _("What it costs")),
                    ("objection", _("The strongest objection")),
                )
                if entry.get(name)
            ]
        elif kind == "fit":
            item["text"] = _fit_text(entry)
        elif kind == "parts":
            item["text"] = _parts_text(entry.get("parts") or {})
        elif kind == "distance":
            distance = entry.get("distance") or 0
            item["text"] = (
                _("Inside the defensible range.")
                if not distance
                else _("%(distance)s points outside the defensible range.")
                % {"distance": _number(distance)}
            )
        if item["text"] or item["title"] or item.get("parts"):
            items.append(item)
    return items


@register.filter
def key_lines(question: dict) -> list[str]:
    """The answer key of a reviewed question, as lines of readable text."""
    review = question.get("review") or {}
    key = review.get("key") or {}
    kind = question["kind"]
    if "serves" in key:
        return [
            _("%(text)s: serves %(values)s")
            % {"text": option["text"], "values": ", ".join(option["serves"])}
            for option in key["serves"]
        ]
    if kind in (Kind.SINGLE_CHOICE, Kind.TRUE_FALSE):
        return [
            _("%(text)s (credit %(credit)s)")
            % {"text": c["text"], "credit": _credit(c["credit"])}
            for c in key.get("choices", [])
            if c.get("credit", 0) > 0
        ]
    if kind == Kind.MULTIPLE_RESPONSE:
        choices = key.get("choices", [])
        lines = [
            _("%(text)s (adds %(credit)s of the points)")
            % {"text": c["text"], "credit": _share(c["credit"])}
            for c in choices
            if c.get("credit", 0) > 0
        ]
        lines += [
            _("%(text)s (a wrong tick: takes away %(credit)s of the points)")
            % {"text": c["text"], "credit": _share(-c["credit"])}
            for c in choices
            if c.get("credit", 0) < 0
        ]
        return lines
    if kind == Kind.SHORT_ANSWER:
        return [_readable_pattern(a.get("text", "")) for a in key.get("accepted", [])]
    if kind == Kind.NUMERIC:
        lines = []
        for a in key.get("accepted", []):
            if "value" in a:
                tolerance = a.get("tolerance") or 0
                text = _number(a["value"])
                if tolerance:
                    text += f" ± {_number(tolerance)}"
            else:
                text = _("from %(min)s to %(max)s") % {
                    "min": _number(a["min"]),
                    "max": _number(a["max"]),
                }
            lines.append(text)
        return lines
    if kind == Kind.ORDERING:
        return [f"{n}. {text}" for n, text in enumerate(key.get("order", []), start=1)]
    if kind == Kind.MATCHING:
        return [f"{p['prompt']} → {p['answer']}" for p in key.get("pairs", [])]
    if kind == Kind.TRADEOFF_ALLOCATION:
        return [
            _("%(value)s: %(low)s to %(high)s")
            % {"value": name, "low": _number(r[0]), "high": _number(r[1])}
            for name, r in zip(
                key.get("values", []), key.get("ranges", []), strict=False
            )
        ]
    if kind == Kind.TRADEOFF_POSITION and key.get("range"):
        low, high = key["range"]
        return [
            _("Between %(low)s and %(high)s (0 = %(left)s, 100 = %(right)s)")
            % {
                "low": _number(low),
                "high": _number(high),
                "left": key.get("left", ""),
                "right": key.get("right", ""),
            }
        ]
    return []


@register.filter
def key_notes(question: dict) -> list[str]:
    """How to read a reviewed question's key: wildcards, and how a wrong tick counts."""
    review = question.get("review") or {}
    key = review.get("key") or {}
    kind = question["kind"]
    if kind == Kind.MULTIPLE_RESPONSE:
        return [
            _(
                "Each tick adds its share of the points; a wrong tick takes its share "
                "away. The total is never below 0, and picking every right answer "
                "earns full marks."
            )
        ]
    if kind == Kind.SHORT_ANSWER and any(
        "*" in a.get("text", "") for a in key.get("accepted", [])
    ):
        return [
            _(
                "“…” stands for any text: other spellings and endings are accepted there."
            )
        ]
    return []
