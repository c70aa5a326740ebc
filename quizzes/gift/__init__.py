"""Read and write Moodle GIFT question files as plain data; no ORM here.

Call sites use the package: `gift.parse(text)`, `gift.export(questions)`. What lives
where (the import into Question rows is `services.import_questions`, which also
reads Moodle XML through `quizzes.moodlexml`):

- `question`: the kinds, text formats and markers, `ParsedQuestion`, `GiftError`.
- `text`: escapes both ways, `[format]` tags, `excerpt` for labels.
- `lexer`: a file cut into blocks, a block's line tracking, answer items and weights.
- `answers`: the answer block read per kind (choices, true/false, short, numeric,
  matching, essay).
- `parser`: `parse`, and each block's category, name, prompt and braces.
- `writer`: `export`, one writer per kind.
"""

from .parser import parse
from .question import BLANK, FORMATS, GiftError, ParsedQuestion
from .question import CATEGORY_PREFIX as CATEGORY_PREFIX
from .question import DEFAULT_FORMAT as DEFAULT_FORMAT
from .question import ESSAY as ESSAY
from .question import MATCHING as MATCHING
from .question import MULTIPLE_RESPONSE as MULTIPLE_RESPONSE
from .question import NUMERIC as NUMERIC
from .question import SHORT_ANSWER as SHORT_ANSWER
from .question import SINGLE_CHOICE as SINGLE_CHOICE
from .question import TRUE_FALSE as TRUE_FALSE
from .text import excerpt
from .writer import export

__all__ = [
    "BLANK",
    "FORMATS",
    "GiftError",
    "ParsedQuestion",
    "excerpt",
    "export",
    "parse",
]
