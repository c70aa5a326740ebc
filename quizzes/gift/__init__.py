"""Read and write Moodle GIFT question files as plain data; no ORM here."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

__all__ = [
    "BLANK",
    "FORMATS",
    "GiftError",
    "ParsedQuestion",
    "excerpt",
    "export",
    "parse",
]

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

# Escaped control characters become private-use placeholders while the structure is
# parsed, as Moodle does, so `\{` or `\#` never count as syntax.
_PLACEHOLDERS = {
    "\\": "\ue000",
    "~": "\ue001",
    "=": "\ue002",
    "#": "\ue003",
    "{": "\ue004",
    "}": "\ue005",
    ":": "\ue006",
    "n": "\ue007",
}
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDERS.items()}
_RESTORE_TABLE = str.maketrans(_RESTORE)
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_WEIGHT_ATTEMPT_RE = re.compile(r"%\s*[-+]?\s*[\d.,]+\s*%")
_FORMAT_TAG_RE = re.compile(r"\[([A-Za-z]+)\]")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER_RE = re.compile(r"[+-]?\d+")
_LINE_BREAK_RE = re.compile(r"[ \t]*\n[ \t]*")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class GiftError(ValueError):
    """A GIFT file that cannot be read, with the line where reading stopped."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


@dataclass(kw_only=True)
class ParsedQuestion:
    """One question read from GIFT, shaped like a Question row and its Choice rows."""

    name: str = ""
    prompt: str
    prompt_format: str = DEFAULT_FORMAT
    kind: str
    points: float = 1.0
    general_feedback: str = ""
    category: str = ""
    choices: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the question as the plain dict `export` takes."""
        return dataclasses.asdict(self)


# ---------------------------------------------------------------------------
# Parsing


def parse(text: str) -> list[ParsedQuestion]:
    """Read every question of a GIFT file, or raise GiftError at the first fault."""
    questions: list[ParsedQuestion] = []
    category = ""
    for first_line, lines in _blocks(text):
        block = _Block(first_line, "\n".join(lines))
        category, question = block.parse(category)
        if question is not None:
            questions.append(question)
    return questions


def _blocks(text: str) -> Iterable[tuple[int, list[str]]]:
    """Yield (first line number, lines) of each blank-line separated block."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if current:
                yield start, current
                current = []
            continue
        if not current:
            start = number
        # Comment lines stay as empty lines so every later line keeps its number.
        current.append("" if stripped.startswith("//") else line)
    if current:
        yield start, current


def _unescape(raw: str) -> str:
    # Line breaks written in the file are layout: indentation after them is dropped.
    return _LINE_BREAK_RE.sub("\n", raw).translate(_RESTORE_TABLE).strip()


def _split_format(raw: str, line: int, default: str) -> tuple[str, str]:
    """Split an optional leading [format] tag off placeholder text starting at `line`."""
    stripped = raw.lstrip()
    line += raw[: len(raw) - len(stripped)].count("\n")
    match = _FORMAT_TAG_RE.match(stripped)
    if not match:
        return default, _unescape(stripped)
    tag = match.group(1).lower()
    if tag not in FORMATS:
        raise GiftError(
            line,
            _(
                "unknown text format [%(tag)s]: "
                "expected [html], [markdown], [plain] or [moodle]"
            )
            % {"tag": match.group(1)},
        )
    return tag, _unescape(stripped[match.end() :])


def _number(raw: str) -> int | float | None:
    raw = raw.strip()
    if _INTEGER_RE.fullmatch(raw):
        return int(raw)
    if _NUMBER_RE.fullmatch(raw):
        return float(raw)
    return None


@dataclass
class _Item:
    """One answer of an answer block, still in placeholder form."""

    line: int
    marker: str
    weight: Decimal | None
    text: str
    feedback: str
    feedback_line: int

    def texts(self, default_format: str) -> tuple[str, str]:
        """Return (text, feedback); each may carry a [format] tag the rows do not keep."""
        _fmt, text = _split_format(self.text, self.line, default_format)
        _fmt, feedback = _split_format(
            self.feedback, self.feedback_line, default_format
        )
        return text, feedback


class _Block:
    """One blank-line separated block of a GIFT file, parsed with line tracking."""

    def __init__(self, first_line: int, raw: str) -> None:
        self.first_line = first_line
        # Placeholders are one character for two, but no line break moves.
        self.s = _ESCAPE_RE.sub(lambda m: _PLACEHOLDERS[m.group(1)], raw)

    def line_at(self, offset: int) -> int:
        return self.first_line + self.s.count("\n", 0, offset)

    def skip_space(self, pos: int, end: int | None = None) -> int:
        end = len(self.s) if end is None else end
        while pos < end and self.s[pos].isspace():
            pos += 1
        return pos

    def fail(self, offset: int, message: str) -> GiftError:
        return GiftError(self.line_at(offset), message)

    def text_with_format(self, start: int, end: int, default: str) -> tuple[str, str]:
        """Split an optional leading [format] tag off s[start:end]."""
        return _split_format(self.s[start:end], self.line_at(start), default)

    # -- the question ------------------------------------------------------

    def parse(self, category: str) -> tuple[str, ParsedQuestion | None]:
        s = self.s
        pos = self.skip_space(0)
        if pos == len(s):
            return category, None
        if s.startswith(CATEGORY_PREFIX, pos):
            eol = s.find("\n", pos)
            eol = len(s) if eol < 0 else eol
            category = _unescape(s[pos + len(CATEGORY_PREFIX) : eol])
            pos = self.skip_space(eol)
            if pos == len(s):
                return category, None
        start = pos
        name = ""
        if s.startswith("::", pos):
            close = s.find("::", pos + 2)
            if close < 0:
                raise self.fail(
                    pos, _("unclosed question name: expected '::' after the name")
                )
            name = " ".join(_unescape(s[pos + 2 : close]).split())
            pos = close + 2

        opening = s.find("{", pos)
        stray = s.find("}", pos)
        if stray >= 0 and (opening < 0 or stray < opening):
            raise self.fail(
                stray, _("unexpected '}' before any '{': write \\} for a literal brace")
            )
        if opening < 0:
            raise self.fail(
                start,
                _(
                    "expected an answer block in braces after the question text, e.g. {=yes ~no}"
                ),
            )
        closing = s.find("}", opening + 1)
        if closing < 0:
            raise self.fail(
                opening,
                _(
                    "unclosed brace: expected '}' to close this answer block "
                    "(an answer block cannot span a blank line)"
                ),
            )
        nested = s.find("{", opening + 1, closing)
        if nested >= 0:
            raise self.fail(
                nested,
                _(
                    "unexpected '{' inside an answer block: expected '}' first, or write \\{"
                ),
            )
        self.check_tail(closing + 1)

        prompt_source = s[pos:opening]
        if s[closing + 1 :].strip():
            # Missing-word question: the blank stands where the answers were.
            prompt_source += BLANK + s[closing + 1 :]
        prompt_format, prompt = _split_format(
            prompt_source, self.line_at(pos), DEFAULT_FORMAT
        )
        if not prompt:
            raise self.fail(start, _("expected question text before the answer block"))

        inner_start, inner_end = opening + 1, closing
        general_feedback = ""
        separator = s.rfind("####", inner_start, inner_end)
        if separator >= 0:
            _fmt, general_feedback = self.text_with_format(
                separator + 4, inner_end, prompt_format
            )
            inner_end = separator

        question = ParsedQuestion(
            name=name,
            prompt=prompt,
            prompt_format=prompt_format,
            kind=ESSAY,
            general_feedback=general_feedback,
            category=category,
            line=self.line_at(start),
        )
        self.read_answers(question, inner_start, inner_end, opening)
        return category, question

    def check_tail(self, pos: int) -> None:
        """Refuse a second question run on after the answer block without a blank line."""
        s = self.s
        for char in "{}":
            found = s.find(char, pos)
            if found >= 0:
                raise self.fail(
                    found,
                    _(
                        "unexpected text after the question: expected a blank line before the next question"
                    ),
                )
        line_start = s.find("\n", pos)
        while line_start >= 0:
            line = s[line_start + 1 :].lstrip()
            if line.startswith("::") or line.startswith(CATEGORY_PREFIX):
                raise self.fail(
                    line_start + 1,
                    _(
                        "unexpected text after the question: expected a blank line before the next question"
                    ),
                )
            line_start = s.find("\n", line_start + 1)

    # -- the answer block --------------------------------------------------

    def read_answers(
        self, q: ParsedQuestion, start: int, end: int, opening: int
    ) -> None:
        body = self.s[start:end].strip()
        if not body:
            q.kind = ESSAY
            q.data = {"rubric": "", "min_words": 0}
        elif body.startswith("#"):
            self.read_numeric(q, self.s.index("#", start) + 1, end, opening)
        elif "~" in body:
            self.read_choices(q, start, end, opening)
        elif "=" in body and "->" in body:
            self.read_matching(q, start, end, opening)
        elif body.split("#", 1)[0].strip() in _TRUE_FALSE:
            self.read_true_false(q, start, end)
        elif "=" in body:
            self.read_short_answer(q, start, end, opening)
        else:
            raise self.fail(
                start,
                _(
                    "expected answers starting with '=' or '~', T or F, '#' and a number, "
                    "or {} for an essay"
                ),
            )

    def split_items(
        self, start: int, end: int, markers: str, *, feedback: bool = True
    ) -> tuple[tuple[int, int] | None, list[_Item]]:
        """Split s[start:end] at markers; also return any text before the first one."""
        s = self.s
        cuts = [i for i in range(start, end) if s[i] in markers]
        items = [
            self.read_item(
                s[cut], cut + 1, cuts[n + 1] if n + 1 < len(cuts) else end, feedback
            )
            for n, cut in enumerate(cuts)
        ]
        lead_end = cuts[0] if cuts else end
        lead_start = self.skip_space(start, lead_end)
        lead = (lead_start, lead_end) if lead_start < lead_end else None
        return lead, items

    def read_item(
        self, marker: str, start: int, end: int, feedback: bool = True
    ) -> _Item:
        s = self.s
        pos = self.skip_space(start, end)
        weight = None
        match = _WEIGHT_RE.match(s, pos, end)
        if match:
            weight = Decimal(match.group(1))
            if not -100 <= weight <= 100:
                raise self.fail(
                    pos,
                    _(
                        "answer weight %(weight)s%% is out of range: expected -100%% to 100%%"
                    )
                    % {"weight": match.group(1)},
                )
            pos = match.end()
        elif _WEIGHT_ATTEMPT_RE.match(s, pos, end):
            raise self.fail(
                pos, _("malformed answer weight: expected %NUMBER%, e.g. %50%")
            )
        hash_at = s.find("#", pos, end) if feedback else -1
        if hash_at < 0:
            return _Item(self.line_at(pos), marker, weight, s[pos:end], "", 0)
        return _Item(
            self.line_at(pos),
            marker,
            weight,
            s[pos:hash_at],
            s[hash_at + 1 : end],
            self.line_at(hash_at),
        )

    def refuse_lead(self, lead: tuple[int, int] | None, expected: str) -> None:
        if lead is not None:
            raise self.fail(lead[0], expected)

    def require_items(self, items: list[_Item], opening: int, expected: str) -> None:
        if not any(item.text.strip() for item in items):
            raise self.fail(
                opening, _("empty answer list: expected %(what)s") % {"what": expected}
            )

    def read_choices(
        self, q: ParsedQuestion, start: int, end: int, opening: int
    ) -> None:
        lead, items = self.split_items(start, end, "=~")
        self.refuse_lead(lead, _("expected '=' or '~' before each answer"))
        self.require_items(
            items, opening, _("at least two answers, each after '=' or '~'")
        )
        choices = []
        marked_right = 0
        for item in items:
            text, feedback = item.texts(q.prompt_format)
            if not text:
                raise GiftError(
                    item.line,
                    _("expected answer text after '%(m)s'") % {"m": item.marker},
                )
            if item.weight is not None:
                credit = item.weight / 100
            else:
                credit = Decimal(1 if item.marker == "=" else 0)
                marked_right += item.marker == "="
            choices.append(
                {"text": text, "credit": float(credit), "feedback": feedback}
            )
        if len(choices) < 2:
            raise GiftError(
                items[0].line,
                _("expected at least two answers in a multiple-choice question"),
            )
        if not any(choice["credit"] > 0 for choice in choices):
            raise self.fail(
                opening,
                _(
                    "expected a right answer: mark one with '=' or give positive weights"
                ),
            )
        negative = any(choice["credit"] < 0 for choice in choices)
        # Moodle: one '=' makes a single-answer question; weights alone, several '='
        # or penalties need the student to pick several.
        single = marked_right == 1 and not negative
        q.kind = SINGLE_CHOICE if single else MULTIPLE_RESPONSE
        q.choices = choices
        q.data = {}

    def read_true_false(self, q: ParsedQuestion, start: int, end: int) -> None:
        lead, items = self.split_items(start, end, "#", feedback=False)
        word = self.s[lead[0] : lead[1]].strip() if lead else ""
        correct = _TRUE_FALSE[word]
        texts = [
            _split_format(item.text, item.line, q.prompt_format)[1] for item in items
        ]
        if len(texts) > 2:
            # Feedback may itself contain '#'; only the first two split it.
            texts[1:] = ["#".join(texts[1:])]
        # Moodle's order: the first feedback answers a wrong pick, the second a right one.
        wrong = texts[0] if texts else ""
        right = texts[1] if len(texts) > 1 else ""
        q.kind = TRUE_FALSE
        q.choices = [
            {
                "text": "True",
                "credit": 1.0 if correct else 0.0,
                "feedback": right if correct else wrong,
            },
            {
                "text": "False",
                "credit": 0.0 if correct else 1.0,
                "feedback": wrong if correct else right,
            },
        ]
        q.data = {}

    def read_short_answer(
        self, q: ParsedQuestion, start: int, end: int, opening: int
    ) -> None:
        lead, items = self.split_items(start, end, "=")
        self.refuse_lead(lead, _("expected '=' before each accepted answer"))
        self.require_items(items, opening, _("at least one accepted answer after '='"))
        answers = []
        feedback_wrong = None
        for item in items:
            text, feedback = item.texts(q.prompt_format)
            if not text:
                raise GiftError(item.line, _("expected answer text after '='"))
            credit = Decimal(1) if item.weight is None else item.weight / 100
            if text == "*" and credit == 0 and feedback_wrong is None:
                # `=%0%*#...` is GIFT's way to say what any other answer earns.
                feedback_wrong = feedback
                continue
            answers.append(
                {"text": text, "credit": float(credit), "feedback": feedback}
            )
        if not answers:
            raise self.fail(
                opening, _("empty answer list: expected at least one accepted answer")
            )
        q.kind = SHORT_ANSWER
        q.data = {"answers": answers, "feedback_wrong": feedback_wrong or ""}

    def read_numeric(
        self, q: ParsedQuestion, start: int, end: int, opening: int
    ) -> None:
        s = self.s
        feedback_wrong = ""
        tilde = s.find("~", start, end)
        if tilde >= 0:
            again = s.find("~", tilde + 1, end)
            if again >= 0:
                raise self.fail(
                    again, _("expected one '~#feedback' for wrong answers, not two")
                )
            after = self.skip_space(tilde + 1, end)
            if after < end and s[after] != "#":
                raise self.fail(
                    after,
                    _("expected '#' and feedback after '~' in a numerical question"),
                )
            if after < end:
                _fmt, feedback_wrong = self.text_with_format(
                    after + 1, end, q.prompt_format
                )
            end = tilde
        lead, items = self.split_items(start, end, "=")
        if lead is not None:
            # `{#1822:1}`: the first answer needs no '='.
            items.insert(0, self.read_item("#", *lead))
        self.require_items(
            items, opening, _("a number after '#', e.g. {#1822} or {#1822:2}")
        )
        answers = []
        for item in items:
            _text, feedback = item.texts(q.prompt_format)
            credit = Decimal(1) if item.weight is None else item.weight / 100
            answer = _numeric_answer(item)
            answer.update({"credit": float(credit), "feedback": feedback})
            answers.append(answer)
        q.kind = NUMERIC
        q.data = {"answers": answers, "feedback_wrong": feedback_wrong}

    def read_matching(
        self, q: ParsedQuestion, start: int, end: int, opening: int
    ) -> None:
        lead, items = self.split_items(start, end, "=", feedback=False)
        self.refuse_lead(lead, _("expected '=' before each matching pair"))
        self.require_items(items, opening, _("'=prompt -> answer' pairs"))
        pairs = []
        distractors = []
        for item in items:
            left, arrow, right = item.text.partition("->")
            if not arrow:
                raise GiftError(
                    item.line, _("expected 'prompt -> answer' in a matching pair")
                )
            _fmt, prompt = _split_format(left, item.line, q.prompt_format)
            answer = _unescape(right)
            if not answer:
                raise GiftError(item.line, _("expected an answer after '->'"))
            if prompt:
                pairs.append(
                    {"id": f"m{len(pairs) + 1}", "prompt": prompt, "answer": answer}
                )
            else:
                # `= -> Chat`: an answer that matches no prompt.
                distractors.append(answer)
        if len(pairs) < 2:
            raise self.fail(
                opening, _("expected at least two 'prompt -> answer' pairs")
            )
        q.kind = MATCHING
        q.data = {"pairs": pairs, "distractors": distractors}


def _numeric_answer(item: _Item) -> dict[str, Any]:
    raw = item.text.translate(_RESTORE_TABLE).strip()
    expected = _(
        "expected a number, a number:tolerance or a low..high range, not '%(raw)s'"
    ) % {"raw": raw}
    if ".." in raw:
        low, high = (_number(part) for part in raw.split("..", 1))
        if low is None or high is None:
            raise GiftError(item.line, expected)
        if low > high:
            raise GiftError(
                item.line,
                _("expected the low end of the range first: %(raw)s") % {"raw": raw},
            )
        return {"min": low, "max": high}
    value_text, colon, tolerance_text = raw.partition(":")
    value = _number(value_text)
    tolerance = _number(tolerance_text) if colon else 0
    if value is None or tolerance is None:
        raise GiftError(item.line, expected)
    if tolerance < 0:
        raise GiftError(
            item.line, _("expected a tolerance of zero or more: %(raw)s") % {"raw": raw}
        )
    return {"value": value, "tolerance": tolerance}


# ---------------------------------------------------------------------------
# Export


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
        chunks.append(block)
    text = "\n\n".join(chunks)
    return (text + "\n" if text else ""), warnings


def excerpt(text: str, length: int = 60) -> str:
    """Return the start of a text on one line, for labels and previews."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _escape(text: str) -> str:
    out = []
    for char in text.replace("\r", ""):
        if char == "\n":
            out.append("\\n")
        elif char in "\\~=#{}:":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _text(text: str, default_format: str, fmt: str | None = None) -> str:
    """Escape text, writing its format tag when needed or when the text looks like one."""
    fmt = fmt or default_format
    tag = f"[{fmt}]" if fmt != default_format or _FORMAT_TAG_RE.match(text) else ""
    return tag + _escape(text)


def _percent(credit: Any) -> str:
    value = (Decimal(str(credit)) * 100).normalize()
    return format(value, "f")


def _weighted(marker: str, credit: Any, text: str, *, plain_weight: Any) -> str:
    """Write `marker%w%text`, leaving the weight out when the marker already implies it."""
    if Decimal(str(credit)) == Decimal(str(plain_weight)) and not text.startswith("%"):
        return marker + text
    return f"{marker}%{_percent(credit)}%{text}"


def _feedback(feedback: str, fmt: str) -> str:
    return "#" + _text(feedback, fmt) if feedback else ""


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
            "####" + _text(general, q.get("prompt_format") or DEFAULT_FORMAT),
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
        text = _text(choice["text"], fmt)
        if single and credit == 1 and not marked:
            marked = True
            answer = _weighted("=", credit, text, plain_weight=1)
        else:
            answer = _weighted("~", credit, text, plain_weight=0)
        lines.append(answer + _feedback(choice.get("feedback") or "", fmt))
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
        _text(right.get("feedback") or "", fmt) if right.get("feedback") else ""
    )
    wrong_feedback = (
        _text(wrong.get("feedback") or "", fmt) if wrong.get("feedback") else ""
    )
    if right_feedback:
        answer += f"#{wrong_feedback}#{right_feedback}"
    elif wrong_feedback:
        answer += f"#{wrong_feedback}"
    general = q.get("general_feedback") or ""
    if general:
        answer += "####" + _text(general, fmt)
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
        + _feedback(answer.get("feedback") or "", fmt)
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
            + _feedback(answer.get("feedback") or "", fmt)
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
        lines.append(f"={_text(pair['prompt'], fmt)} -> {_escape(pair['answer'])}")
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
    return _place(q, "{" + ("####" + _text(general, fmt) if general else "") + "}")


_WRITERS = {
    SINGLE_CHOICE: _write_choices,
    MULTIPLE_RESPONSE: _write_choices,
    TRUE_FALSE: _write_true_false,
    SHORT_ANSWER: _write_short_answer,
    NUMERIC: _write_numeric,
    MATCHING: _write_matching,
    ESSAY: _write_essay,
}
