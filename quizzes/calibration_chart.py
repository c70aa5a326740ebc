"""Draw a student's calibration under certainty-based marking as a small inline SVG.

One row per certainty level: a track from 0 to 100 % right, the level's ideal range
shaded on it (Moodle: C=1 below 67 %, C=2 67-80 %, C=3 above 80 %) and a bar for the
share the student actually got right at that level. Pure: the level dicts of
`quizzes.certainty` in, escaped markup out. No style attributes or scripts (the site's
CSP forbids them); colours are presentation attributes the stylesheet may refine. The
chart is an image named by its summary, each row titled; the table beside it on the
page gives the same figures as text.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LABEL_WIDTH = 48
TRACK_WIDTH = 240
VALUE_WIDTH = 56
ROW_HEIGHT = 30
BAR_HEIGHT = 12
BAND_HEIGHT = 22
AXIS_HEIGHT = 20
PADDING = 4
TRACK_STROKE = "#4a5360"
BAND_FILL = "#cfe8d5"
BAR_FILL = "#1f4e79"
TEXT_FILL = "#1b1f24"


def _x(percent: float) -> float:
    return round(LABEL_WIDTH + TRACK_WIDTH * max(0.0, min(100.0, percent)) / 100, 1)


def _ideal_words(level: dict) -> str:
    if level["ideal_low"] <= 0:
        return _("ideal: below %(high)s%%") % {"high": round(level["ideal_high"])}
    if level["ideal_high"] >= 100:
        return _("ideal: above %(low)s%%") % {"low": round(level["ideal_low"])}
    return _("ideal: %(low)s-%(high)s%%") % {
        "low": round(level["ideal_low"]),
        "high": round(level["ideal_high"]),
    }


def level_text(level: dict) -> str:
    """One level in words: "C=3: 4 answers, 75% right (ideal: above 80%)"."""
    short = _("C=%(level)s") % {"level": level["certainty"]}
    if not level["count"]:
        return _("%(level)s: no answers (%(ideal)s)") % {
            "level": short,
            "ideal": _ideal_words(level),
        }
    answers = ngettext("%(n)s answer", "%(n)s answers", level["count"]) % {
        "n": level["count"]
    }
    return _("%(level)s: %(answers)s, %(right)s%% right (%(ideal)s)") % {
        "level": short,
        "answers": answers,
        "right": f"{level['accuracy']:g}",
        "ideal": _ideal_words(level),
    }


def chart_summary(levels: Sequence[dict]) -> str:
    """What the chart shows, in one sentence."""
    return _("Your accuracy at each certainty against the ideal range: %(levels)s.") % {
        "levels": "; ".join(level_text(level) for level in levels)
    }


def _row(index: int, level: dict) -> SafeString:
    top = PADDING + index * ROW_HEIGHT
    middle = top + ROW_HEIGHT // 2
    band = format_html(
        '<rect class="calibration-chart__ideal" x="{x}" y="{y}" width="{w}" '
        'height="{h}" fill="{fill}"></rect>',
        x=_x(level["ideal_low"]),
        y=middle - BAND_HEIGHT // 2,
        w=round(_x(level["ideal_high"]) - _x(level["ideal_low"]), 1),
        h=BAND_HEIGHT,
        fill=BAND_FILL,
    )
    bar = SafeString("")
    if level["count"]:
        bar = format_html(
            '<rect class="calibration-chart__bar" x="{x}" y="{y}" width="{w}" '
            'height="{h}" fill="{fill}"></rect>',
            x=LABEL_WIDTH,
            y=middle - BAR_HEIGHT // 2,
            w=round(_x(level["accuracy"]) - LABEL_WIDTH, 1),
            h=BAR_HEIGHT,
            fill=BAR_FILL,
        )
    value = f"{level['accuracy']:g}%" if level["count"] else "—"
    return format_html(
        '<g class="calibration-chart__level calibration-chart__level--{certainty}">'
        "<title>{title}</title>"
        '<text x="0" y="{text_y}" fill="{text}" font-size="12">{short}</text>'
        "{band}"
        '<rect class="calibration-chart__track" x="{track_x}" y="{track_y}" '
        'width="{track_w}" height="{band_h}" fill="none" stroke="{stroke}" '
        'stroke-width="1"></rect>'
        "{bar}"
        '<text x="{value_x}" y="{text_y}" fill="{text}" font-size="12">{value}</text>'
        "</g>",
        certainty=level["certainty"],
        title=level_text(level),
        text_y=middle + 4,
        text=TEXT_FILL,
        short=_("C=%(level)s") % {"level": level["certainty"]},
        band=band,
        track_x=LABEL_WIDTH,
        track_y=middle - BAND_HEIGHT // 2,
        track_w=TRACK_WIDTH,
        band_h=BAND_HEIGHT,
        stroke=TRACK_STROKE,
        bar=bar,
        value_x=LABEL_WIDTH + TRACK_WIDTH + 8,
        value=value,
    )


def _axis(top: int) -> SafeString:
    ticks = "".join(
        format_html(
            '<text x="{x}" y="{y}" fill="{fill}" font-size="11" '
            'text-anchor="middle">{label}</text>',
            x=_x(percent),
            y=top + 14,
            fill=TEXT_FILL,
            label=f"{percent}%",
        )
        for percent in (0, 50, 100)
    )
    return mark_safe(f'<g class="calibration-chart__axis">{ticks}</g>')


def calibration_svg(levels: Sequence[dict], *, element_id: str) -> SafeString:
    """The chart of the levels (quizzes.certainty), named by its summary."""
    if not levels:
        return SafeString("")
    rows = mark_safe("".join(_row(i, level) for i, level in enumerate(levels)))
    top = PADDING + len(levels) * ROW_HEIGHT
    width = LABEL_WIDTH + TRACK_WIDTH + VALUE_WIDTH
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="calibration-chart" '
        'role="img" aria-labelledby="{id}-title" viewBox="0 0 {width} {height}" '
        'width="{width}" height="{height}" focusable="false" id="{id}">'
        '<title id="{id}-title">{summary}</title>{rows}{axis}</svg>',
        id=element_id,
        summary=chart_summary(levels),
        width=width,
        height=top + AXIS_HEIGHT,
        rows=rows,
        axis=_axis(top),
    )
