"""Read the answer block of a question into its kind, choices and data."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .lexer import _Item, _Scanner
from .question import (
    ESSAY,
    MATCHING,
    MULTIPLE_RESPONSE,
    NUMERIC,
    SHORT_ANSWER,
    SINGLE_CHOICE,
    TRUE_FALSE,
    GiftError,
    ParsedQuestion,
)
from .text import _RESTORE_TABLE, _split_format, _unescape

_NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER_RE = re.compile(r"[+-]?\d+")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def _number(raw: str) -> int | float | None:
    raw = raw.strip()
    if _INTEGER_RE.fullmatch(raw):
        return int(raw)
    if _NUMBER_RE.fullmatch(raw):
        return float(raw)
    return None


class _AnswerReader(_Scanner):
    """Read the text between a question's braces, one reader per GIFT kind."""

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

    def read_choices(
        self, q: ParsedQuestion, start: int, end: int, opening: int
    ) -> None:
        # As Moodle: '=' is full credit and what follows is text, even '%50%...'.
        lead, items = self.split_items(start, end, "=~", unweighted="=")
        self.refuse_lead(lead, _("expected '=' or '~' before each answer"))
        self.require_items(
            items, opening, _("at least two answers, each after '=' or '~'")
        )
        choices = []
        marked_right = 0
        for item in items:
            text, text_format, feedback, feedback_format = item.texts(q.prompt_format)
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
                {
                    "text": text,
                    "text_format": text_format,
                    "credit": float(credit),
                    "feedback": feedback,
                    "feedback_format": feedback_format,
                }
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
        raw = [item.text for item in items]
        if len(raw) > 2:
            # Feedback may itself contain '#'; only the first two split it.
            raw[1:] = ["#".join(raw[1:])]
        texts = [
            _split_format(text, item.line, q.prompt_format)
            for text, item in zip(raw, items, strict=False)
        ]
        # Moodle's order: the first feedback answers a wrong pick, the second a right one.
        blank = (q.prompt_format, "")
        wrong = texts[0] if texts else blank
        right = texts[1] if len(texts) > 1 else blank
        true_feedback, false_feedback = (right, wrong) if correct else (wrong, right)
        q.kind = TRUE_FALSE
        q.choices = [
            {
                "text": "True",
                "text_format": q.prompt_format,
                "credit": 1.0 if correct else 0.0,
                "feedback": true_feedback[1],
                "feedback_format": true_feedback[0],
            },
            {
                "text": "False",
                "text_format": q.prompt_format,
                "credit": 0.0 if correct else 1.0,
                "feedback": false_feedback[1],
                "feedback_format": false_feedback[0],
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
            text, _fmt, feedback, feedback_format = item.texts(q.prompt_format)
            if not text:
                raise GiftError(item.line, _("expected answer text after '='"))
            credit = Decimal(1) if item.weight is None else item.weight / 100
            if text == "*" and credit == 0 and feedback_wrong is None:
                # `=%0%*#...` is GIFT's way to say what any other answer earns.
                feedback_wrong = feedback
                continue
            answers.append(
                {
                    "text": text,
                    "credit": float(credit),
                    "feedback": feedback,
                    "feedback_format": feedback_format,
                }
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
            _text, _fmt, feedback, feedback_format = item.texts(q.prompt_format)
            credit = Decimal(1) if item.weight is None else item.weight / 100
            answer = _numeric_answer(item)
            answer.update(
                {
                    "credit": float(credit),
                    "feedback": feedback,
                    "feedback_format": feedback_format,
                }
            )
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
            prompt_format, prompt = _split_format(left, item.line, q.prompt_format)
            answer = _unescape(right)
            if not answer:
                raise GiftError(item.line, _("expected an answer after '->'"))
            if prompt:
                pairs.append(
                    {
                        "id": f"m{len(pairs) + 1}",
                        "prompt": prompt,
                        "prompt_format": prompt_format,
                        "answer": answer,
                    }
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
