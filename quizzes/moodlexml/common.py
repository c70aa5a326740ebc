"""What reading and writing Moodle XML share: the error, formats, numbers, files."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..textformats import FORMAT_TO_MOODLE, MOODLE_NAMES

PLUGINFILE = "@@PLUGINFILE@@/"
# Where the reader leaves an embedded file's reference until the service stores it.
MEDIA_PLACEHOLDER = "@@MEDIA@@/"
_PLACEHOLDER_RE = re.compile(
    re.escape(MEDIA_PLACEHOLDER) + r"([0-9a-f]{16})/([^\s\"'<>)]+)"
)


class MoodleXmlError(ValueError):
    """A Moodle XML file that cannot be read, with the line where reading stopped."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True)
class MediaFile:
    """A file embedded in a text (`<file encoding="base64">`), named by its content."""

    name: str
    content: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content).hexdigest()[:16]

    @property
    def path(self) -> str:
        """The storage path: one folder per content, so a name never clashes."""
        return f"question-media/{self.digest}/{self.name}"


def placeholder_paths(text: str) -> list[tuple[str, str]]:
    """Return (digest, name) of each embedded-file reference a read text holds."""
    return _PLACEHOLDER_RE.findall(text)


def our_format(moodle_name: str | None, default: str = "html") -> str | None:
    """Map a Moodle `format="…"` name to ours; None for a name Moodle does not know."""
    if moodle_name is None or moodle_name == "":
        moodle_name = FORMAT_TO_MOODLE.get(default, default)
    return MOODLE_NAMES.get(moodle_name)


def moodle_format(fmt: str | None) -> str:
    return FORMAT_TO_MOODLE.get(fmt or "html", "html")


def number(raw: str | None) -> Decimal | None:
    """Read a number as Moodle writes it ("100", "33.33333", "1.0000000", "1e3")."""
    if raw is None:
        return None
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def percent(fraction: float | Decimal) -> str:
    """Write a credit as Moodle's `fraction="…"` percentage: 100, 50, 33.33333."""
    value = (Decimal(str(fraction)) * 100).quantize(Decimal("0.0000001")).normalize()
    return format(value, "f")


def grade(value: float | Decimal) -> str:
    """Write a mark or penalty as Moodle does: seven decimals."""
    return f"{Decimal(str(value)):.7f}"
