"""Write questions as GIFT, with a warning for each thing the format cannot carry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .question import (
    BLANK,
    CATEGORY_PREFIX,
    DEFAULT_FORMAT,
    ESSAY,
    FORMATS,
    MATCHING,
    MULTIPLE_RESPONSE,
    NUMERIC,
    SHORT_ANSWER,
    SINGLE_CHOICE,
    TRUE_FALSE,
    ParsedQuestion,
)
from .text import _FORMAT_TAG_RE, _escape, _text, excerpt


class _Unexpressible(Exception):
    """A question GIFT cannot carry; the message says why."""


def export(
    questions: Iterable[Mapping[str, Any] | ParsedQuestion],
) -> tuple[str, list[str]]:
    """Write questions as GIFT; return the text and a warning per thing left out."""
    chunks: list[str] = []
    warnings: list[str] = []
    category = ""
    for question in questions:
        q = (
            question.to_dict()
            if isinstance(question, ParsedQuestion)
            else dict(question)
        )
        label = q.get("name") or excerpt(q.get("prompt", ""))
        writer = _WRITERS.get(q.get("kind", ""))
        if writer is None:
            warnings.append(
                _("Skipped “%(label)s”: %(kind)s questions cannot be written in GIFT.")
                % {"label": label, "kind": q.get("kind")}
            )
            continue
        try:
            block = writer(q, warnings, label)
        except _Unexpressible as exc:
            warnings.append(
                _("Skipped “%(label)s”: %(why)s") % {"label": label, "why": exc}
            )
            continue
        points = q.get("points", 1)
        if points is not None and Decimal(str(points)) != 1:
            warnings.append(
                _(
                    "“%(label)s” is worth %(points)s points; GIFT has no points, so it will read back as 1."
                )
                % {"label": label, "points": points}
            )
        if (q.get("category") or "") != category:
            category = q.get("category") or ""
            chunks.append(f"{CATEGORY_PREFIX} {_escape(category)}".rstrip())
        chunks.append(_id_and_tags(q) + block)
    text = "\n\n".join(chunks)
    return (text + "\n" if text else ""), warnings


def _id_and_tags(q: Mapping[str, Any]) -> str:
    """Write Moodle's `// [id:…] [tag:…]` line, `]` escaped, as its exporter does."""
    bits = []
    if q.get("idnumber"):
        bits.append("[id:" + str(q["idnumber"]).replace("]", "\\]") + "]")
    bits.extend("[tag:" + tag.replace("]", "\\]") + "]" for tag in q.get("tags") or [])
    return "// " + " ".join(bits) + "\n" if bits else ""


def _percent(credit: Any) -> str:
    value = (Decimal(str(credit)) * 100).normalize()
    return format(value, "f")


def _weighted(marker: str, credit: Any, text: str, *, plain_weight: Any) -> str:
    """Write `marker%w%text`, leaving the weight out when the marker already implies it."""
    if Decimal(str(credit)) == Decimal(str(plain_weight)) and not text.startswith("%"):
        return marker + text
    return f"{marker}%{_percent(credit)}%{text}"


def _feedback(feedback: str, fmt: str, own: str | None = None) -> str:
    return "#" + _text(feedback, fmt, own) if feedback else ""


def _place(q: Mapping[str, Any], block: str) -> str:
    """Write name, prompt and answer block, the block standing in the prompt's blank."""
    fmt = q.get("prompt_format") or DEFAULT_FORMAT
    if fmt not in FORMATS:
        raise _Unexpressible(_("unknown text format %(fmt)s") % {"fmt": fmt})
    prompt = q.get("prompt") or ""
    if not prompt.strip():
        raise _Unexpressible(_("it has no question text"))
    name = f"::{_escape(q['name'])}::" if q.get("name") else ""
    # A leading tag also keeps a prompt that looks like "[tag]" or "// comment" intact.
    needs_tag = _FORMAT_TAG_RE.match(prompt) or (not name and prompt.startswith("//"))
    tag = f"[{fmt}]" if fmt != DEFAULT_FORMAT or needs_tag else ""
    before, blank, after = prompt.partition(BLANK)
    if blank and after.strip():
        return f"{name}{tag}{_escape(before)}{block}{_escape(after)}"
    return f"{name}{tag}{_escape(prompt)} {block}"


def _block(q: Mapping[str, Any], lines: list[str], opening: str = "{") -> str:
    """Write an answer block one answer a line, general feedback last."""
    general = q.get("general_feedback") or ""
    if general:
        lines = [
            *lines,
            "####"
            + _text(
                general,
                q.get("prompt_format") or DEFAULT_FORMAT,
                q.get("general_feedback_format"),
            ),
        ]
    return opening + "\n" + "".join(f"\t{line}\n" for line in lines) + "}"


def _write_choices(q: Mapping[str, Any], warnings: list[str], label: str) -> str:
    fmt = q.get("prompt_format") or DEFAULT_FORMAT
    choices = q.get("choices") or []
    if len(choices) < 2:
        raise _Unexpressible(_("a choice question needs at least two choices"))
    single = q["kind"] == SINGLE_CHOICE
    credits = [Decimal(str(choice["credit"])) for choice in choices]
    if single and credits.count(Decimal(1)) != 1:
        raise _Unexpressible(
            _("GIFT marks exactly one right answer of a single-choice question")
        )
    if single and any(credit < 0 for credit in credits):
        warnings.append(
            _(
                "“%(label)s” has negative credit; GIFT reads it back as multiple response."
            )
            % {"label": label}
        )
    if not single and not any(credit > 0 for credit in credits):
        raise _Unexpressible(_("no choice earns credit"))
    lines = []
    marked = False
    for choice, credit in zip(choices, credits, strict=True):
        text = _text(choice["text"], fmt, choice.get("text_format"))
        if single and credit == 1 and not marked:
            marked = True
            # Moodle reads no weight after '=' in a choice question: text as it is.
            answer = "=" + text
        else:
            answer = _weighted("~", credit, text, plain_weight=0)
        lines.append(
            answer
            + _feedback(
                choice.get("feedback") or "", fmt, choice.get("feedback_format")
            )
        )
    return _place(q, _block(q, lines))


def _write_true_false(q: Mapping[str, Any], warnings: list[str], label: str) -> str:
    fmt = q.get("prompt_format") or DEFAULT_FORMAT
    by_text = {
        str(choice["text"]).strip().lower(): choice for choice in q.get("choices") or []
    }
    if set(by_text) != {"true", "false"}:
        raise _Unexpressible(
            _("a true/false question needs the choices True and False")
        )
    true, false = by_text["true"], by_text["false"]
    correct = Decimal(str(true["credit"])) > Decimal(str(false["credit"]))
    right, wrong = (true, false) if correct else (false, true)
    answer = "TRUE" if correct else "FALSE"
    right_feedback = (
        _text(right["feedback"], fmt, right.get("feedback_format"))
        if right.get("feedback")
        else ""
    )
    wrong_feedback = (
        _text(wrong["feedback"], fmt, wrong.get("feedback_format"))
        if wrong.get("feedback")
        else ""
    )
    if right_feedback:
        answer += f"#{wrong_feedback}#{right_feedback}"
    elif wrong_feedback:
        answer += f"#{wrong_feedback}"
    general = q.get("general_feedback") or ""
    if general:
        answer += "####" + _text(general, fmt, q.get("general_feedback_format"))
    return _place(q, "{" + answer + "}")


def _write_short_answer(q: Mapping[str, Any], warnings: list[str], label: str) -> str:
    fmt = q.get("prompt_format") or DEFAULT_FORMAT
    data = q.get("data") or {}
    answers = data.get("answers") or []
    if not answers:
        raise _Unexpressible(_("it has no accepted answers"))
    lines = [
        _weighted(
            "=", answer.get("credit", 1), _text(answer["text"], fmt), plain_weight=1
        )
        + _feedback(answer.get("feedback") or "", fmt, answer.get("feedback_format"))
        for answer in answers
    ]
    if data.get("feedback_wrong"):
        lines.append("=%0%*" + _feedback(data["feedback_wrong"], fmt))
    return _place(q, _block(q, lines))


def _format_number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _Unexpressible(_("%(value)r is not a number") % {"value": value})
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def _write_numeric(q: Mapping[str, Any], warnings: list[str], label: str) -> str:
    fmt = q.get("prompt_format") or DEFAULT_FORMAT
    data = q.get("data") or {}
    answers = data.get("answers") or []
    if not answers:
        raise _Unexpressible(_("it has no accepted numbers"))
    lines = []
    for answer in answers:
        if "min" in answer:
            value = f"{_format_number(answer['min'])}..{_format_number(answer['max'])}"
        else:
            value = _format_number(answer["value"])
            if answer.get("tolerance"):
                value += ":" + _format_number(answer["tolerance"])
        lines.append(
            _weighted("=", answer.get("credit", 1), value, plain_weight=1)
            + _feedback(
                answer.get("feedback") or "", fmt, answer.get("feedback_format")
            )
        )
    if data.get("feedback_wrong"):
        lines.append("~" + _feedback(data["feedback_wrong"], fmt))
    return _place(q, _block(q, lines, opening="{#"))


def _write_matching(q: Mapping[str, Any], warnings: list[str], label: str) -> str:
    fmt = q.get("prompt_format") or DEFAULT_FORMAT
    data = q.get("data") or {}
    pairs = data.get("pairs") or []
    if len(pairs) < 2:
        raise _Unexpressible(_("a matching question needs at least two pairs"))
    lines = []
    for pair in pairs:
        if "->" in pair["prompt"]:
            raise _Unexpressible(_("a matching prompt contains '->'"))
        prompt = _text(pair["prompt"], fmt, pair.get("prompt_format"))
        lines.append(f"={prompt} -> {_escape(pair['answer'])}")
    lines.extend(f"= -> {_escape(answer)}" for answer in data.get("distractors") or [])
    return _place(q, _block(q, lines))


def _write_essay(q: Mapping[str, Any], warnings: list[str], label: str) -> str:
    data = q.get("data") or {}
    if data.get("rubric") or data.get("min_words"):
        warnings.append(
            _(
                "“%(label)s”: GIFT has no place for the essay rubric or minimum words; left out."
            )
            % {"label": label}
        )
    general = q.get("general_feedback") or ""
    fmt = q.get("prompt_format") or DEFAULT_FORMAT
    own = q.get("general_feedback_format")
    return _place(q, "{" + ("####" + _text(general, fmt, own) if general else "") + "}")


_WRITERS = {
    SINGLE_CHOICE: _write_choices,
    MULTIPLE_RESPONSE: _write_choices,
    TRUE_FALSE: _write_true_false,
    SHORT_ANSWER: _write_short_answer,
    NUMERIC: _write_numeric,
    MATCHING: _write_matching,
    ESSAY: _write_essay,
}
