"""Draw a course's progress as a small server-side SVG: one bar per lesson, filled when done.

Pure: plain values in, markup out, no ORM. The SVG carries no style attributes (the
site's CSP forbids them); colours are SVG presentation attributes that the stylesheet's
`.progress-chart` rules may refine.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

BAR_WIDTH = 22
BAR_GAP = 6
BAR_HEIGHT = 36
LABEL_HEIGHT = 16
PADDING = 2
DONE_FILL = "#1c6b35"
PENDING_FILL = "#ffffff"
PENDING_STROKE = "#4a5360"
LABEL_FILL = "#1b1f24"


@dataclass(frozen=True)
class LessonMark:
    """One lesson as the chart sees it: its title and whether the student finished it."""

    title: str
    done: bool


def progress_summary(lessons: Sequence[LessonMark]) -> str:
    """Say in words what the chart shows: lessons completed out of the total."""
    done = sum(1 for lesson in lessons if lesson.done)
    total = len(lessons)
    return ngettext(
        "Course progress: %(done)s of %(total)s lesson completed",
        "Course progress: %(done)s of %(total)s lessons completed",
        total,
    ) % {"done": done, "total": total}


def _bar_title(number: int, lesson: LessonMark) -> str:
    if lesson.done:
        text = _("Lesson %(number)s: %(title)s (completed)")
    else:
        text = _("Lesson %(number)s: %(title)s (not completed)")
    return text % {"number": number, "title": lesson.title}


def _bar(index: int, lesson: LessonMark) -> SafeString:
    x = PADDING + index * (BAR_WIDTH + BAR_GAP)
    return format_html(
        '<g class="progress-chart__lesson progress-chart__lesson--{state}">'
        '<rect class="progress-chart__bar" x="{x}" y="{y}" width="{width}" '
        'height="{height}" rx="3" fill="{fill}" stroke="{stroke}" stroke-width="2">'
        "<title>{title}</title></rect>"
        '<text class="progress-chart__number" x="{label_x}" y="{label_y}" '
        'fill="{label_fill}" font-size="11" text-anchor="middle" aria-hidden="true">'
        "{number}</text></g>",
        state="done" if lesson.done else "pending",
        x=x,
        y=PADDING,
        width=BAR_WIDTH,
        height=BAR_HEIGHT,
        fill=DONE_FILL if lesson.done else PENDING_FILL,
        stroke=DONE_FILL if lesson.done else PENDING_STROKE,
        title=_bar_title(index + 1, lesson),
        label_x=x + BAR_WIDTH // 2,
        label_y=PADDING + BAR_HEIGHT + LABEL_HEIGHT - 3,
        label_fill=LABEL_FILL,
        number=index + 1,
    )


def progress_chart_svg(lessons: Sequence[LessonMark]) -> SafeString:
    """An SVG bar per lesson in order, filled when done; empty markup for no lessons."""
    if not lessons:
        return SafeString("")
    width = 2 * PADDING + len(lessons) * BAR_WIDTH + (len(lessons) - 1) * BAR_GAP
    height = 2 * PADDING + BAR_HEIGHT + LABEL_HEIGHT
    # Each bar went through format_html, so the joined markup is escaped already.
    bars = mark_safe(
        "".join(_bar(index, lesson) for index, lesson in enumerate(lessons))
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="progress-chart" role="img" '
        'aria-label="{label}" viewBox="0 0 {width} {height}" width="{width}" '
        'height="{height}" focusable="false">{bars}</svg>',
        label=progress_summary(lessons),
        width=width,
        height=height,
        bars=bars,
    )
