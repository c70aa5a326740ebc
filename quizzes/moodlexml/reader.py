"""Parse a Moodle XML file into ParsedQuestion values, all or nothing, with lines."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any
from urllib.parse import quote, unquote
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from ..gift.question import ESSAY, ParsedQuestion
from .common import PLUGINFILE, MediaFile, MoodleXmlError, number, our_format
from .kinds import _child_text, _KindReader

# Elements every kind reads itself; anything else is kept as a Moodle option.
_HEADER = {"name", "questiontext", "generalfeedback", "defaultgrade", "idnumber"}
_STRUCTURED = {"tags", "hint", "answer", "subquestion", "units"}
_REFUSED = {
    "description": gettext_lazy(
        "a description is not a question here: remove it, or add its text to the "
        "next question's prompt"
    ),
    "multianswer": gettext_lazy(
        "embedded answers (Cloze) questions are not supported: split them into "
        "separate questions in Moodle before exporting"
    ),
}
_PLUGINFILE_RE = re.compile(re.escape(PLUGINFILE) + r"([^\s\"'<>)]+)")


def parse(
    data: bytes | str, *, media_prefix: str = "@@MEDIA@@/"
) -> tuple[list[ParsedQuestion], list[MediaFile]]:
    """Read every question of a Moodle XML file, or raise MoodleXmlError at the first fault.

    Embedded files come back as MediaFile values, and texts point at them as
    `media_prefix` + the file's storage path.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    root = _safe_root(raw)
    reader = _Reader(media_prefix)
    for element in root:
        if not isinstance(element.tag, str):
            continue  # comments such as <!-- question: 12 -->
        if element.tag != "question":
            raise MoodleXmlError(
                element.sourceline,
                _("unexpected <%(tag)s>: expected <question>") % {"tag": element.tag},
            )
        reader.read(element)
    return reader.questions, list(reader.files.values())


def _safe_root(raw: bytes):
    try:
        # defusedxml refuses DTDs, entity expansion and external references first.
        defusedxml.ElementTree.fromstring(raw, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise MoodleXmlError(
            1,
            _("refused: the file declares a DTD or entities (%(why)s)") % {"why": exc},
        ) from exc
    except ParseError as exc:
        line = exc.position[0] if exc.position else 1
        raise MoodleXmlError(
            line, _("not well-formed XML: %(why)s") % {"why": exc.msg}
        ) from exc
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    root = etree.fromstring(raw, parser)
    if root.tag != "quiz":
        raise MoodleXmlError(
            root.sourceline,
            _("expected a Moodle XML file whose root is <quiz>, not <%(tag)s>")
            % {"tag": root.tag},
        )
    return root


class _Reader(_KindReader):
    """Read <question> elements one by one, keeping the current category."""

    def __init__(self, media_prefix: str) -> None:
        self.media_prefix = media_prefix
        self.questions: list[ParsedQuestion] = []
        self.files: dict[str, MediaFile] = {}
        self.category = ""
        self.category_info = ""

    def fail(self, element, message: str) -> MoodleXmlError:
        return MoodleXmlError(element.sourceline or 0, message)

    # ------------------------------------------------------------ texts and files

    def text(self, element, default_format: str = "html") -> tuple[str, str]:
        """Return (text, format) of a text container such as <questiontext>."""
        if element is None:
            return "", default_format
        fmt = our_format(element.get("format"), default_format)
        if fmt is None:
            raise self.fail(
                element,
                _("unknown text format “%(f)s” on <%(tag)s>")
                % {"f": element.get("format"), "tag": element.tag},
            )
        inner = element.find("text")
        text = inner.text if inner is not None and inner.text else ""
        files = {}
        for file_element in element.findall("file"):
            media = self.file(file_element)
            path = (file_element.get("path") or "/").strip("/")
            files[f"{path}/{media.name}".lstrip("/")] = media
        return self.link_files(element, text.strip(), files), fmt

    def file(self, element) -> MediaFile:
        name = (element.get("name") or "").strip()
        if not name or "/" in name or name.startswith("."):
            raise self.fail(element, _("an embedded <file> needs a plain file name"))
        if (element.get("encoding") or "base64") != "base64":
            raise self.fail(element, _("an embedded <file> must be base64-encoded"))
        try:
            content = base64.b64decode(
                "".join((element.text or "").split()), validate=True
            )
        except (binascii.Error, ValueError) as exc:
            raise self.fail(
                element,
                _("the embedded file “%(n)s” is not valid base64") % {"n": name},
            ) from exc
        media = MediaFile(name=name, content=content)
        self.files.setdefault(media.path, media)
        return media

    def link_files(self, element, text: str, files: dict[str, MediaFile]) -> str:
        def replace(match: re.Match) -> str:
            reference = unquote(match.group(1))
            media = files.get(reference)
            if media is None:
                raise self.fail(
                    element,
                    _("the text refers to “%(ref)s”, which no <file> here holds")
                    % {"ref": reference},
                )
            return (
                f"{self.media_prefix}question-media/{media.digest}/{quote(media.name)}"
            )

        return _PLUGINFILE_RE.sub(replace, text)

    # ------------------------------------------------------------ questions

    def read(self, element) -> None:
        kind = element.get("type") or ""
        if kind == "category":
            self.category = _child_text(element, "category")
            info = element.find("info")
            self.category_info = (
                self.text(info, "moodle")[0] if info is not None else ""
            )
            return
        reader = {
            "multichoice": self.multichoice,
            "truefalse": self.truefalse,
            "shortanswer": self.shortanswer,
            "numerical": self.numerical,
            "matching": self.matching,
            "essay": self.essay,
            "ordering": self.ordering,
        }.get(kind)
        if reader is None:
            why = _REFUSED.get(kind) or _(
                "no question kind here matches it; remove it from the file"
            )
            raise self.fail(
                element,
                _("cannot import a “%(kind)s” question: %(why)s")
                % {"kind": kind or "?", "why": why},
            )
        question = self.header(element)
        reader(element, question)
        self.keep_options(element, question)
        self.questions.append(question)

    def header(self, element) -> ParsedQuestion:
        prompt, prompt_format = self.text(element.find("questiontext"))
        if not prompt:
            raise self.fail(element, _("expected question text in <questiontext>"))
        general, general_format = self.text(
            element.find("generalfeedback"), prompt_format
        )
        grade = number(_child_text(element, "defaultgrade", "1"))
        if grade is None or grade < 0:
            raise self.fail(element, _("<defaultgrade> must be a number, 0 or more"))
        tags = [
            (tag.findtext("text") or "").strip() for tag in element.findall("tags/tag")
        ]
        moodle: dict[str, Any] = {}
        hints = [self.hint(hint, prompt_format) for hint in element.findall("hint")]
        if hints:
            moodle["hints"] = hints
        return ParsedQuestion(
            name=_child_text(element, "name"),
            prompt=prompt,
            prompt_format=prompt_format,
            kind=ESSAY,
            points=float(grade),
            general_feedback=general,
            general_feedback_format=general_format,
            category=self.category,
            category_info=self.category_info,
            idnumber=_child_text(element, "idnumber"),
            tags=[tag for tag in tags if tag],
            moodle=moodle,
            line=element.sourceline or 0,
        )

    def hint(self, element, default_format: str) -> dict[str, Any]:
        text, fmt = self.text(element, default_format)
        hint: dict[str, Any] = {"text": text, "format": fmt}
        for flag in ("shownumcorrect", "clearwrong"):
            if element.find(flag) is not None:
                hint[flag] = True
        if element.find("options") is not None:
            hint["options"] = _child_text(element, "options")
        return hint

    def keep_options(self, element, question: ParsedQuestion) -> None:
        """Keep every setting we do not use, so an export gives it back unchanged."""
        options: dict[str, str] = {}
        texts: dict[str, dict[str, str]] = {}
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag in _HEADER or child.tag in _STRUCTURED:
                continue
            if child.find("text") is not None:
                text, fmt = self.text(child, question.prompt_format)
                texts[child.tag] = {"text": text, "format": fmt}
            else:
                options[child.tag] = (child.text or "").strip()
        if options:
            question.moodle["options"] = options
        if texts:
            question.moodle["texts"] = texts
