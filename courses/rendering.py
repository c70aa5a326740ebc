"""Turn lesson Markdown into safe HTML whose paragraphs carry stable anchors (#p1, #p2...)."""

import math
import re
from functools import lru_cache

import markdown
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "p": {"id"},
    "th": {"scope"},
}
_TOP_LEVEL_P = re.compile(r"^<p>", re.MULTILINE)


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    """Render Markdown to HTML that keeps only harmless tags and attributes.

    Cached: question prompts and explanations are rendered on every quiz request, and the
    same text always renders the same way.
    """
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_lesson_body(text: str) -> tuple[str, int]:
    """Render a lesson body and number its top-level paragraphs p1..pN.

    Returns the HTML and the paragraph count. The anchors are stable as long as the
    paragraphs before them are, which is what questions and feedback link to.
    """
    html = render_markdown(text)
    count = 0

    def anchor(_match: re.Match) -> str:
        nonlocal count
        count += 1
        return f'<p id="p{count}" class="lesson-paragraph">'

    return _TOP_LEVEL_P.sub(anchor, html), count


# Adults read screen text at about 200-250 words a minute; the lower end suits a
# course text read to be understood, not skimmed.
WORDS_PER_MINUTE = 200


def reading_minutes(text: str) -> int:
    """Minutes to read a Markdown body, from its word count; at least 1."""
    words = len(re.findall(r"[\w'’-]+", nh3.clean(render_markdown(text), tags=set())))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def paragraphs(text: str) -> list[str]:
    """Split a Markdown body into its paragraphs, in the order the anchors number them."""
    return [
        block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()
    ]
