"""Fill in the take page's form as a student would, from its HTML; no Django.

The load script posts what a browser posts: every widget of every question, read off the
page (choices and ordering items are named by the attempt's handles, so they must be).
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Widgets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict] = []
        self._select: dict | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.fields.append({"tag": "input", **attrs})
        elif tag == "select" and attrs.get("name"):
            self._select = {"tag": "select", "options": [], **attrs}
            self.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(attrs.get("value", ""))
        elif tag == "textarea" and attrs.get("name"):
            self.fields.append({"tag": "textarea", **attrs})

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def answers_from_page(html: str, *, text: str = "An argument with both sides.") -> dict:
    """POST data that answers every question on the page, completely."""
    parser = _Widgets()
    parser.feed(html)
    data: dict[str, str | list[str]] = {}
    shares: list[str] = []
    for field in parser.fields:
        name, kind = field["name"], field.get("type", field["tag"])
        if kind == "hidden":
            data.setdefault(name, field.get("value", ""))
        elif kind == "radio":
            data.setdefault(name, field["value"])
        elif kind == "checkbox":
            data.setdefault(name, [field["value"]])
        elif kind == "number" and "data-share" in field:
            shares.append(name)
        elif kind == "number":
            data[name] = "50" if "data-position" in field else "1951"
        elif kind in ("text", "textarea"):
            data[name] = text
        elif kind == "select":
            options = [o for o in field["options"] if o]
            data[name] = options[0] if options else ""
    # Ordering: each item of a question its own position.
    by_question: dict[str, list[str]] = {}
    for name in [n for n in data if "_pos_" in n]:
        by_question.setdefault(name.split("_pos_")[0], []).append(name)
    for names in by_question.values():
        for position, name in enumerate(names, start=1):
            data[name] = str(position)
    # Allocations: 100 split across each question's values.
    grouped: dict[str, list[str]] = {}
    for name in shares:
        grouped.setdefault(name.split("_alloc_")[0], []).append(name)
    for names in grouped.values():
        each, rest = divmod(100, len(names))
        for index, name in enumerate(names):
            data[name] = str(each + (rest if index == 0 else 0))
    return data
