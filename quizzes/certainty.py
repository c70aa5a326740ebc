"""Certainty-based marking as the pages and the API show it: an attempt's calibration and
a quiz's figures over its class.

The arithmetic is Moodle's and pure (quizzes.grading.cbm); this module reads the rows
and shapes the figures as percentages. Accuracy at each certainty is compared with the
range where that certainty earns the most on average (Moodle: below 67 % for C=1,
67-80 % for C=2, above 80 % for C=3).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .grading import cbm
from .models import Attempt, Question, Response

__all__ = ["answers_of", "attempt_summary", "class_summary", "level_label"]

_LABELS = {
    cbm.LOW: gettext_lazy("C=1 (unsure)"),
    cbm.MED: gettext_lazy("C=2 (mid)"),
    cbm.HIGH: gettext_lazy("C=3 (quite sure)"),
}
_JUDGEMENTS = {
    cbm.OK: gettext_lazy("well judged"),
    cbm.OVERCONFIDENT: gettext_lazy("over-confident"),
    cbm.SLIGHTLY_OVERCONFIDENT: gettext_lazy("a bit over-confident"),
    cbm.UNDERCONFIDENT: gettext_lazy("under-confident"),
    cbm.SLIGHTLY_UNDERCONFIDENT: gettext_lazy("a bit under-confident"),
}


def level_label(certainty: int) -> str:
    """How a certainty level is named on the pages: "C=3 (quite sure)"."""
    return str(_LABELS[certainty])


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 1)


def _answer(certainty, base_score, score, max_score) -> cbm.CbmAnswer:
    points = float(max_score or 0)
    fraction = (
        float(base_score) / points if base_score is not None and points > 0 else None
    )
    return cbm.CbmAnswer(certainty, fraction, float(score or 0), points)


def answers_of(
    questions: Iterable[Question], responses: dict[int, Response]
) -> list[cbm.CbmAnswer]:
    """An attempt's questions that take a certainty, as the CBM summary reads them."""
    found = []
    for question in questions:
        if not cbm.takes_certainty(question.kind):
            continue
        row = responses.get(question.id)
        if row is None:
            found.append(cbm.CbmAnswer(None, None, 0.0, float(question.points)))
        else:
            found.append(
                _answer(row.certainty, row.base_score, row.score, row.max_score)
            )
    return found


def _totals(totals: cbm.Totals) -> dict:
    return {
        "questions": totals.questions,
        "accuracy": _percent(totals.accuracy),
        "average_mark": round(totals.average_mark, 3),
        "cbm_grade": _percent(totals.average_mark),
        "bonus": _percent(totals.bonus),
        "accuracy_and_bonus": _percent(totals.accuracy_and_bonus),
    }


def _levels(levels: Iterable[cbm.Level]) -> list[dict]:
    return [
        {
            "certainty": level.certainty,
            "label": level_label(level.certainty),
            "count": level.count,
            "accuracy": _percent(level.accuracy),
            "ideal_low": _percent(level.ideal_low),
            "ideal_high": _percent(level.ideal_high),
            "judgement": level.judgement,
            "judgement_text": str(_JUDGEMENTS[level.judgement])
            if level.judgement
            else "",
        }
        for level in levels
    ]


def attempt_summary(answers: list[cbm.CbmAnswer], *, levels: bool) -> dict | None:
    """An attempt's CBM figures in percent; with `levels`, its calibration by certainty.

    None when the attempt has no question that takes a certainty (and is worth marks).
    """
    summary = cbm.summarise(answers)
    if summary is None:
        return None
    shaped = _totals(summary.whole)
    shaped["answered"] = _totals(summary.answered) if summary.answered else None
    shaped["levels"] = _levels(summary.levels) if levels else []
    return shaped


def class_summary(*, quiz_id: int, which: str = "all") -> dict | None:
    """A quiz's CBM figures over its graded CBM attempts, in two queries.

    `which` as the statistics: "first" takes each student's first finished attempt
    (kept only if graded and made with CBM), "all" every graded CBM attempt. The
    average CBM bonus is the mean of each attempt's Moodle CBM bonus.
    """
    chosen: list[int] = []
    seen: set[int] = set()
    for row in (
        Attempt.objects.finished()
        .filter(quiz_id=quiz_id)
        .order_by("student_id", "number")
        .values("id", "student_id", "state", "certainty_based")
    ):
        if which == "first":
            if row["student_id"] in seen:
                continue
            seen.add(row["student_id"])
        if row["state"] == Attempt.State.GRADED and row["certainty_based"]:
            chosen.append(row["id"])
    by_attempt: dict[int, list[cbm.CbmAnswer]] = defaultdict(list)
    for attempt_id, *values in Response.objects.filter(
        attempt_id__in=chosen, question__kind__in=cbm.KINDS
    ).values_list("attempt_id", "certainty", "base_score", "score", "max_score"):
        by_attempt[attempt_id].append(_answer(*values))
    summary = cbm.summarise_class(by_attempt.values())
    if summary is None:
        return None
    return {
        "attempts": summary.attempts,
        "accuracy": _percent(summary.accuracy),
        "average_mark": round(summary.average_mark, 3),
        "bonus": _percent(summary.bonus),
        "levels": _levels(summary.levels),
        "note": _(
            "CBM bonus as Moodle defines it: a tenth of how far a student's average "
            "CBM mark beats the best one certainty used for every answer would give "
            "at the same accuracy."
        ),
    }
