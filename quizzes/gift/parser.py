"""Parse a GIFT file: categories, names and prompts, then each answer block."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .answers import _AnswerReader
from .lexer import _blocks
from .question import (
    BLANK,
    CATEGORY_PREFIX,
    DEFAULT_FORMAT,
    ESSAY,
    ParsedQuestion,
)
from .text import _split_format, _unescape

# Moodle 3.6+: `// [id:…] [tag:…]` comment lines carry the ID number and tags; `\]`
# stands for a `]` inside one.
_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f])+)\]")


def id_and_tags(comments: str) -> tuple[str, list[str]]:
    """Return the ID number and tags a question's comment lines declare."""
    match = _ID_RE.search(comments)
    idnumber = match.group(1).strip().replace("\\]", "]") if match else ""
    tags = [raw.strip().replace("\\]", "]") for raw in _TAG_RE.findall(comments)]
    return idnumber, [tag for tag in tags if tag]


def parse(text: str) -> list[ParsedQuestion]:
    """Read every question of a GIFT file, or raise GiftError at the first fault."""
    questions: list[ParsedQuestion] = []
    category = ""
    for first_line, lines, comments in _blocks(text):
        block = _Block(first_line, "\n".join(lines))
        category, question = block.parse(category)
        if question is not None:
            question.idnumber, question.tags = id_and_tags(comments)
            questions.append(question)
    return questions


class _Block(_AnswerReader):
    """One blank-line separated block of a GIFT file, parsed with line tracking."""

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
        general_feedback_format = prompt_format
        if separator >= 0:
            general_feedback_format, general_feedback = self.text_with_format(
                separator + 4, inner_end, prompt_format
            )
            inner_end = separator

        question = ParsedQuestion(
            name=name,
            prompt=prompt,
            prompt_format=prompt_format,
            kind=ESSAY,
            general_feedback=general_feedback,
            general_feedback_format=general_feedback_format,
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
