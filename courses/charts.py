"""Draw a course's progress as a small server-side SVG: one bar per lesson and per quiz,
in course order, filled when done.

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
    """One step as the chart sees it: a lesson (or a quiz), and whether it is done."""

    title: str
    done: bool
    is_quiz: bool = False


def progress_summary(lessons: Sequence[LessonMark]) -> str:
    """Say in words what the chart shows: lessons completed and quizzes handed in."""
    steps = [mark for mark in lessons if not mark.is_quiz]
    quizzes = [mark for mark in lessons if mark.is_quiz]
    done = sum(1 for lesson in steps if lesson.done)
    text = ngettext(
        "Course progress: %(done)s of %(total)s lesson completed",
        "Course progress: %(done)s of %(total)s lessons completed",
        len(steps),
    ) % {"done": done, "total": len(steps)}
    if quizzes:
        text += ngettext(
            ", %(done)s of %(total)s quiz handed in",
            ", %(done)s of %(total)s quizzes handed in",
            len(quizzes),
        ) % {"done": sum(1 for quiz in quizzes if quiz.done), "total": len(quizzes)}
    return text


def _bar_title(number: int, lesson: LessonMark) -> str:
    if lesson.is_quiz:
        return (
            _("Quiz: %(title)s (handed in)")
            if lesson.done
            else _("Quiz: %(title)s (not handed in)")
        ) % {"title": lesson.title}
    if lesson.done:
        text = _("Lesson %(number)s: %(title)s (completed)")
    else:
        text = _("Lesson %(number)s: %(title)s (not completed)")
    return text % {"number": number, "title": lesson.title}


def _bar(index: int, lesson: LessonMark, number: int) -> SafeString:
    x = PADDING + index * (BAR_WIDTH + BAR_GAP)
    return format_html(
        '<g class="progress-chart__{kind} progress-chart__lesson--{state}">'
        '<rect class="progress-chart__bar" x="{x}" y="{y}" width="{width}" '
        'height="{height}" rx="3" fill="{fill}" stroke="{stroke}" stroke-width="2">'
        "<title>{title}</title></rect>"
        '<text class="progress-chart__number" x="{label_x}" y="{label_y}" '
        'fill="{label_fill}" font-size="11" text-anchor="middle" aria-hidden="true">'
        "{number}</text></g>",
        kind="quiz" if lesson.is_quiz else "lesson",
        state="done" if lesson.done else "pending",
        x=x,
        y=PADDING,
        width=BAR_WIDTH,
        height=BAR_HEIGHT,
        fill=DONE_FILL if lesson.done else PENDING_FILL,
        stroke=DONE_FILL if lesson.done else PENDING_STROKE,
        title=_bar_title(number, lesson),
        label_x=x + BAR_WIDTH // 2,
        label_y=PADDING + BAR_HEIGHT + LABEL_HEIGHT - 3,
        label_fill=LABEL_FILL,
        number=_("Q") if lesson.is_quiz else number,
    )


def progress_chart_svg(lessons: Sequence[LessonMark]) -> SafeString:
    """An SVG bar per lesson and quiz in order, filled when done; lessons are numbered,
    quizzes marked Q. Empty markup for nothing to show."""
    if not lessons:
        return SafeString("")
    width = 2 * PADDING + len(lessons) * BAR_WIDTH + (len(lessons) - 1) * BAR_GAP
    height = 2 * PADDING + BAR_HEIGHT + LABEL_HEIGHT
    # Each bar went through format_html, so the joined markup is escaped already.
    numbers, count = [], 0
    for lesson in lessons:
        count += 0 if lesson.is_quiz else 1
        numbers.append(count)
    bars = mark_safe(
        "".join(
            _bar(index, lesson, number)
            for index, (lesson, number) in enumerate(zip(lessons, numbers, strict=True))
        )
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
