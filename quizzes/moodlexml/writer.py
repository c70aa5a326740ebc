"""Write questions as Moodle XML, element for element as Moodle's exporter does."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote

from django.utils.translation import gettext as _
from lxml import etree

from ..gift.question import ParsedQuestion
from ..gift.text import excerpt
from .common import PLUGINFILE, grade, moodle_format, percent

LoadMedia = Callable[[str], bytes | None]
_TYPES = {
    "single_choice": "multichoice",
    "multiple_response": "multichoice",
    "true_false": "truefalse",
    "short_answer": "shortanswer",
    "numeric": "numerical",
    "matching": "matching",
    "essay": "essay",
    "ordering": "ordering",
}
_COMBINED = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
# What Moodle's own question forms save when nothing else is said.
_DEFAULT_OPTIONS = {
    "multichoice": {
        "shuffleanswers": "true",
        "answernumbering": "abc",
        "showstandardinstruction": "0",
    },
    "shortanswer": {"usecase": "0"},
    "numerical": {
        "unitgradingtype": "0",
        "unitpenalty": "0.1000000",
        "showunits": "3",
        "unitsleft": "0",
    },
    "matching": {"shuffleanswers": "true"},
    "essay": {
        "responseformat": "editor",
        "responserequired": "1",
        "responsefieldlines": "15",
        "attachments": "0",
        "attachmentsrequired": "0",
        "maxbytes": "0",
        "filetypeslist": "",
    },
    "ordering": {
        "layouttype": "VERTICAL",
        "selecttype": "ALL",
        "selectcount": "0",
        "gradingtype": "RELATIVE_TO_CORRECT",
        "showgrading": "SHOW",
        "numberingstyle": "none",
    },
}
_WITH_COMBINED = {"multichoice", "matching", "ordering"}


class _Unexpressible(Exception):
    """A question Moodle XML cannot carry; the message says why."""


def export(
    questions: Iterable[Mapping[str, Any] | ParsedQuestion],
    *,
    media_prefix: str = "@@MEDIA@@/",
    load_media: LoadMedia | None = None,
) -> tuple[str, list[str]]:
    """Write questions as Moodle XML; return the text and a warning per thing left out."""
    writer = _Writer(media_prefix, load_media)
    root = etree.Element("quiz")
    category = None
    for number, question in enumerate(questions, start=1):
        q = (
            question.to_dict()
            if isinstance(question, ParsedQuestion)
            else dict(question)
        )
        label = q.get("name") or excerpt(q.get("prompt", ""))
        qtype = _TYPES.get(q.get("kind", ""))
        if qtype is None:
            writer.warnings.append(
                _("Skipped “%(label)s”: %(kind)s questions have no Moodle XML kind.")
                % {"label": label, "kind": q.get("kind")}
            )
            continue
        if (q.get("category") or "") != category:
            category = q.get("category") or ""
            root.append(etree.Comment(" question: 0  "))
            root.append(writer.category(category, q.get("category_info") or ""))
        try:
            element = writer.question(q, qtype)
        except _Unexpressible as exc:
            writer.warnings.append(
                _("Skipped “%(label)s”: %(why)s") % {"label": label, "why": exc}
            )
            continue
        root.append(etree.Comment(f" question: {number}  "))
        root.append(element)
    etree.indent(root, space="  ")
    body = etree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", writer.warnings


def _sub(parent, tag: str, text: str | None = None, **attributes: str):
    element = etree.SubElement(parent, tag, **attributes)
    if text is not None:
        element.text = text
    return element


def _cdata(text: str):
    # Moodle wraps a text in CDATA exactly when HTML escaping would change it.
    if text and html.escape(text) != text:
        return etree.CDATA(text.replace("]]>", "]]]]><![CDATA[>"))
    return text


class _Writer:
    def __init__(self, media_prefix: str, load_media: LoadMedia | None) -> None:
        self.media_re = re.compile(
            re.escape(media_prefix) + r"(question-media/[0-9a-f]{16}/([^\s\"'<>)]+))"
        )
        self.load_media = load_media
        self.warnings: list[str] = []

    def text(self, parent, tag: str, text: str, fmt: str | None, **attributes: str):
        """Write <tag format="…"><text>…</text><file …/></tag>, files embedded."""
        element = _sub(parent, tag)
        # Set one by one: lxml sorts keyword attributes, Moodle writes fraction first.
        for name, value in {**attributes, "format": moodle_format(fmt)}.items():
            element.set(name, value)
        files: dict[str, bytes] = {}

        def embed(match: re.Match) -> str:
            name = unquote(match.group(2))
            content = (
                self.load_media(unquote(match.group(1))) if self.load_media else None
            )
            if content is None:
                return match.group(0)
            files[name] = content
            return PLUGINFILE + quote(name)

        text = self.media_re.sub(embed, text or "")
        _sub(element, "text").text = _cdata(text)
        for name, content in files.items():
            _sub(
                element,
                "file",
                base64.b64encode(content).decode("ascii"),
                name=name,
                path="/",
                encoding="base64",
            )
        return element

    def category(self, path: str, info: str):
        element = etree.Element("question", type="category")
        category = _sub(element, "category")
        _sub(category, "text", path)
        self.text(element, "info", info, "moodle")
        _sub(element, "idnumber", "")
        return element

    def question(self, q: Mapping[str, Any], qtype: str):
        moodle = q.get("moodle") or {}
        # A question read from Moodle keeps exactly its settings; ours get Moodle's defaults.
        options = dict(moodle.get("options") or _DEFAULT_OPTIONS.get(qtype, {}))
        texts = dict(moodle.get("texts") or {})
        fmt = q.get("prompt_format") or "html"
        element = etree.Element("question", type=qtype)
        _sub(_sub(element, "name"), "text", q.get("name") or excerpt(q["prompt"], 50))
        self.text(element, "questiontext", q["prompt"], fmt)
        self.text(
            element,
            "generalfeedback",
            q.get("general_feedback") or "",
            q.get("general_feedback_format") or fmt,
        )
        _sub(element, "defaultgrade", grade(q.get("points", 1)))
        _sub(element, "penalty", options.pop("penalty", "0.3333333"))
        _sub(element, "hidden", options.pop("hidden", "0"))
        _sub(element, "idnumber", q.get("idnumber") or "")
        if q["kind"] == "single_choice":
            options["single"] = "true"
        elif q["kind"] == "multiple_response":
            options["single"] = "false"
        if qtype == "essay":
            options.pop("minwordlimit", None)
            texts.pop("graderinfo", None)
        for tag, value in options.items():
            _sub(element, tag, value or None)
        if qtype in _WITH_COMBINED:
            for tag in _COMBINED:
                texts.setdefault(tag, {"text": "", "format": fmt})
        for tag, value in texts.items():
            self.text(element, tag, value.get("text", ""), value.get("format"))
        getattr(self, qtype)(element, q, fmt, moodle)
        for hint in moodle.get("hints") or []:
            hint_element = self.text(
                element, "hint", hint.get("text", ""), hint.get("format")
            )
            for flag in ("shownumcorrect", "clearwrong"):
                if hint.get(flag):
                    _sub(hint_element, flag)
            if "options" in hint:
                _sub(hint_element, "options", hint["options"])
        if q.get("tags"):
            tags = _sub(element, "tags")
            for tag in q["tags"]:
                _sub(_sub(tags, "tag"), "text", tag)
        return element

    def answer(
        self, parent, fraction: str, text: str, fmt, feedback: str, feedback_fmt
    ):
        answer = self.text(parent, "answer", text, fmt, fraction=fraction)
        self.text(answer, "feedback", feedback or "", feedback_fmt or fmt)
        return answer

    def multichoice(self, element, q, fmt, moodle) -> None:
        choices = q.get("choices") or []
        if len(choices) < 2:
            raise _Unexpressible(_("a choice question needs at least two choices"))
        for choice in choices:
            self.answer(
                element,
                percent(choice["credit"]),
                choice["text"],
                choice.get("text_format") or fmt,
                choice.get("feedback") or "",
                choice.get("feedback_format"),
            )

    def truefalse(self, element, q, fmt, moodle) -> None:
        by_text = {str(c["text"]).strip().lower(): c for c in q.get("choices") or []}
        if set(by_text) != {"true", "false"}:
            raise _Unexpressible(
                _("a true/false question needs the choices True and False")
            )
        for word in ("true", "false"):
            choice = by_text[word]
            self.answer(
                element,
                percent(choice["credit"]),
                word,
                choice.get("text_format") or "moodle",
                choice.get("feedback") or "",
                choice.get("feedback_format"),
            )

    def wrong(self, element, q, fmt, moodle) -> None:
        data = q.get("data") or {}
        if data.get("feedback_wrong"):
            answer = self.answer(
                element,
                "0",
                "*",
                "moodle",
                data["feedback_wrong"],
                moodle.get("wrong_format"),
            )
            return answer
        return None

    def shortanswer(self, element, q, fmt, moodle) -> None:
        for answer in (q.get("data") or {}).get("answers") or []:
            self.answer(
                element,
                percent(answer.get("credit", 1)),
                answer["text"],
                answer.get("text_format") or "moodle",
                answer.get("feedback") or "",
                answer.get("feedback_format"),
            )
        self.wrong(element, q, fmt, moodle)

    def numerical(self, element, q, fmt, moodle) -> None:
        for answer in (q.get("data") or {}).get("answers") or []:
            if "min" in answer:
                # Moodle has no range: the same span as a midpoint and a tolerance.
                low, high = answer["min"], answer["max"]
                value, tolerance = (low + high) / 2, (high - low) / 2
            else:
                value, tolerance = answer["value"], answer.get("tolerance", 0)
            written = self.answer(
                element,
                percent(answer.get("credit", 1)),
                _number(value),
                "moodle",
                answer.get("feedback") or "",
                answer.get("feedback_format"),
            )
            _sub(written, "tolerance", _number(tolerance))
        wrong = self.wrong(element, q, fmt, moodle)
        if wrong is not None:
            _sub(wrong, "tolerance", "0")
        units = moodle.get("units") or []
        if units:
            units_element = _sub(element, "units")
            for unit in units:
                unit_element = _sub(units_element, "unit")
                _sub(unit_element, "multiplier", unit.get("multiplier", "1"))
                _sub(unit_element, "unit_name", unit.get("unit_name", ""))

    def matching(self, element, q, fmt, moodle) -> None:
        data = q.get("data") or {}
        for pair in data.get("pairs") or []:
            sub = self.text(
                element, "subquestion", pair["prompt"], pair.get("prompt_format") or fmt
            )
            _sub(_sub(sub, "answer"), "text", pair["answer"])
        for distractor in data.get("distractors") or []:
            sub = self.text(element, "subquestion", "", fmt)
            _sub(_sub(sub, "answer"), "text", distractor)

    def essay(self, element, q, fmt, moodle) -> None:
        data = q.get("data") or {}
        _sub(
            element,
            "minwordlimit",
            str(data["min_words"]) if data.get("min_words") else "",
        )
        texts = moodle.get("texts") or {}
        grader_format = (texts.get("graderinfo") or {}).get("format") or "html"
        self.text(element, "graderinfo", data.get("rubric") or "", grader_format)
        if "responsetemplate" not in texts:
            self.text(element, "responsetemplate", "", "html")

    def ordering(self, element, q, fmt, moodle) -> None:
        for position, item in enumerate(
            (q.get("data") or {}).get("items") or [], start=1
        ):
            answer = self.text(
                element, "answer", item["text"], item.get("text_format") or "moodle"
            )
            answer.set("fraction", str(position))


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
