"""The API's JSON parser: nesting and text limits checked before any view code runs.

Python's json module parses ~1,000 levels before it raises RecursionError, and code
walking a deep value afterwards (validation, the ORM's JSON encoder) can run out of stack
too; a lone UTF-16 surrogate ("\\ud800") is valid JSON but not Unicode, and any code that
encodes it (the database driver, an error message rendered as UTF-8) raises. Both are
refused here as a 400 whose message never repeats the input.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

__all__ = ["StrictJSONParser", "check_json_value"]

# Deepest nesting any of our request bodies needs is 4 ({"answers": {id: {"pairs":
# [[a, b]]}}}); 32 leaves room for clients that wrap bodies.
MAX_DEPTH = 32


def _unicode_safe(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_json_value(value: object, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise ParseError if value nests deeper than max_depth or holds invalid text."""
    # Iterative, so checking a deep value cannot itself run out of stack.
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not _unicode_safe(item):
                raise ParseError(
                    _("The request body contains text that is not valid Unicode.")
                )
            continue
        if isinstance(item, dict | list):
            if depth > max_depth:
                raise ParseError(
                    _("The request body is nested more than %(depth)d levels deep.")
                    % {"depth": max_depth}
                )
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)


class StrictJSONParser(JSONParser):
    """DRF's JSONParser, refusing deep nesting and lone surrogates with a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(
                _("The request body is nested more than %(depth)d levels deep.")
                % {"depth": MAX_DEPTH}
            ) from error
        check_json_value(data)
        return data
