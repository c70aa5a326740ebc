"""Read each kind's answers of a Moodle XML <question> into ParsedQuestion fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ..gift.question import (
    ESSAY,
    MATCHING,
    MULTIPLE_RESPONSE,
    NUMERIC,
    SHORT_ANSWER,
    SINGLE_CHOICE,
    TRUE_FALSE,
    ParsedQuestion,
)
from .common import number

ORDERING = "ordering"
CREDIT_PLACES = Decimal("0.00001")


def _child_text(element, tag: str, default: str = "") -> str:
    child = element.find(tag)
    if child is None:
        return default
    inner = child.find("text")
    source = inner if inner is not None else child
    return (source.text or "").strip() if len(source) == 0 else default


class _KindReader:
    """The per-kind half of the reader: answers, sub-questions, units, items.

    Relies on the reader's `text` (a text container and its format) and `fail`.
    """

    def answers(self, element, default_format: str) -> list[dict[str, Any]]:
        answers = []
        for answer in element.findall("answer"):
            fraction = number(answer.get("fraction", "0"))
            if fraction is None or not -100 <= fraction <= 100:
                raise self.fail(
                    answer, _("an answer's fraction must be a number from -100 to 100")
                )
            text, fmt = self.text(answer, default_format)
            feedback, feedback_format = self.text(
                answer.find("feedback"), default_format
            )
            item = {
                "text": text,
                "text_format": fmt,
                "credit": fraction / 100,
                "feedback": feedback,
                "feedback_format": feedback_format,
                "element": answer,
            }
            tolerance = answer.find("tolerance")
            if tolerance is not None:
                item["tolerance"] = tolerance.text or "0"
            answers.append(item)
        return answers

    def multichoice(self, element, q: ParsedQuestion) -> None:
        single = _child_text(element, "single", "true").lower() in ("true", "1")
        answers = self.answers(element, q.prompt_format)
        if len(answers) < 2:
            raise self.fail(element, _("a multiple-choice question needs two answers"))
        credits = _exact_credits([a["credit"] for a in answers], single)
        q.kind = SINGLE_CHOICE if single else MULTIPLE_RESPONSE
        q.choices = [
            _choice(answer, credit)
            for answer, credit in zip(answers, credits, strict=True)
        ]

    def truefalse(self, element, q: ParsedQuestion) -> None:
        by_word = {}
        for answer in self.answers(element, q.prompt_format):
            word = answer["text"].strip().lower()
            if word not in ("true", "false") or word in by_word:
                raise self.fail(
                    answer["element"],
                    _("a true/false question has one answer “true” and one “false”"),
                )
            by_word[word] = answer
        if len(by_word) != 2:
            raise self.fail(
                element,
                _("a true/false question has one answer “true” and one “false”"),
            )
        q.kind = TRUE_FALSE
        q.choices = []
        for word in ("true", "false"):
            choice = _choice(by_word[word], Decimal(str(by_word[word]["credit"])))
            choice["text"] = word.capitalize()
            choice["text_format"] = by_word[word]["text_format"]
            q.choices.append(choice)

    def accepted(self, element, q: ParsedQuestion, *, numeric: bool) -> None:
        answers = []
        feedback_wrong = ""
        for answer in self.answers(element, q.prompt_format):
            credit = float(answer["credit"])
            if answer["text"] == "*" and credit == 0 and not feedback_wrong:
                feedback_wrong = answer["feedback"]
                q.moodle["wrong_format"] = answer["feedback_format"]
                continue
            row: dict[str, Any] = {
                "credit": credit,
                "feedback": answer["feedback"],
                "feedback_format": answer["feedback_format"],
            }
            if numeric:
                value = _plain_number(answer["text"])
                tolerance = _plain_number(answer.get("tolerance", "0"))
                if value is None or tolerance is None or tolerance < 0:
                    raise self.fail(
                        answer["element"],
                        _(
                            "a numerical answer needs a number and a tolerance of 0 or more, not “%(t)s”"
                        )
                        % {"t": answer["text"]},
                    )
                row.update({"value": value, "tolerance": tolerance})
            else:
                row.update(
                    {"text": answer["text"], "text_format": answer["text_format"]}
                )
            answers.append(row)
        if not answers:
            raise self.fail(element, _("expected at least one accepted answer"))
        q.data = {"answers": answers, "feedback_wrong": feedback_wrong}

    def shortanswer(self, element, q: ParsedQuestion) -> None:
        self.accepted(element, q, numeric=False)
        q.kind = SHORT_ANSWER

    def numerical(self, element, q: ParsedQuestion) -> None:
        self.accepted(element, q, numeric=True)
        q.kind = NUMERIC
        units = [
            {
                "multiplier": _child_text(unit, "multiplier", "1"),
                "unit_name": _child_text(unit, "unit_name"),
            }
            for unit in element.findall("units/unit")
        ]
        if units:
            q.moodle["units"] = units

    def matching(self, element, q: ParsedQuestion) -> None:
        pairs, distractors = [], []
        for sub in element.findall("subquestion"):
            prompt, fmt = self.text(sub, q.prompt_format)
            answer = _child_text(sub, "answer")
            if not answer:
                raise self.fail(sub, _("expected an <answer> in each <subquestion>"))
            if prompt:
                pairs.append(
                    {
                        "id": f"m{len(pairs) + 1}",
                        "prompt": prompt,
                        "prompt_format": fmt,
                        "answer": answer,
                    }
                )
            else:
                distractors.append(answer)
        q.kind = MATCHING
        q.data = {"pairs": pairs, "distractors": distractors}

    def essay(self, element, q: ParsedQuestion) -> None:
        q.kind = ESSAY
        rubric, _fmt = self.text(element.find("graderinfo"), q.prompt_format)
        words = _child_text(element, "minwordlimit")
        q.data = {
            "rubric": rubric,
            "min_words": int(words) if words.isdigit() else 0,
        }

    def ordering(self, element, q: ParsedQuestion) -> None:
        answers = self.answers(element, q.prompt_format)
        # Moodle keeps the right order in each answer's fraction: 1, 2, 3...
        answers.sort(key=lambda answer: answer["credit"])
        q.kind = ORDERING
        q.data = {
            "items": [
                {
                    "id": number,
                    "text": answer["text"],
                    "text_format": answer["text_format"],
                }
                for number, answer in enumerate(answers, start=1)
            ]
        }


def _choice(answer: dict[str, Any], credit: Decimal) -> dict[str, Any]:
    return {
        "text": answer["text"],
        "text_format": answer["text_format"],
        "credit": float(credit),
        "feedback": answer["feedback"],
        "feedback_format": answer["feedback_format"],
    }


def _exact_credits(fractions: list[Decimal], single: bool) -> list[Decimal]:
    """Round credits to the stored places so thirds (33.33333%) still add up to 1."""
    credits = [Decimal(fraction).quantize(CREDIT_PLACES) for fraction in fractions]
    positive = [index for index, credit in enumerate(credits) if credit > 0]
    total = sum(credits[index] for index in positive)
    if not single and positive and total != 1 and abs(total - 1) <= Decimal("0.0001"):
        largest = max(positive, key=lambda index: credits[index])
        credits[largest] += 1 - total
    return credits


def _plain_number(raw: str) -> int | float | None:
    value = number(raw)
    if value is None:
        return None
    return (
        int(value)
        if value == value.to_integral_value()
        and "e" not in raw.lower()
        and "." not in raw
        else float(value)
    )
