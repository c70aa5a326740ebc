"""Read and write Moodle XML question files as plain data; no ORM here.

Call sites use the package: `moodlexml.parse(data)`, `moodlexml.export(questions)`.
Questions are the same `ParsedQuestion` the GIFT reader makes, so one import service
takes both. What lives where:

- `common`: `MoodleXmlError`, text formats, fractions, embedded files.
- `reader`: `parse`: a file checked by defusedxml, then read with lxml: texts, files,
  each question's header and the settings kept for export.
- `kinds`: each kind's answers (choices, accepted answers, pairs, items).
- `writer`: `export`: the XML Moodle's own exporter writes for each kind.
"""

from .common import MediaFile, MoodleXmlError
from .reader import parse
from .writer import export

__all__ = ["MediaFile", "MoodleXmlError", "export", "parse"]
