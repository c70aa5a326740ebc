"""What the practice page shows of its items: the question to answer, and for answered
ones only, their own feedback and key (never another item's).

Choices and ordering items carry the set's handles (practice/handles.py), in the
answer form as in the feedback.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizzes import answer_form, presentation
from quizzes.textformats import render_text

from .handles import handles_for
from .models import PracticeItem, PracticeSet


@dataclass
class SetPage:
    practice_set: PracticeSet
    items: list[dict]
    current: dict | None
    last_answered: dict | None
    answered: int
    total: int


def _feedback(entries: list[dict], question_id: int, handles) -> list[dict]:
    shown = []
    for entry in entries or []:
        entry = dict(entry)
        if "choice" in entry:
            entry["choice"] = handles.of(question_id, entry["choice"])
        shown.append(entry)
    return shown


def _view(
    practice_set: PracticeSet, item: PracticeItem, handles, number: int, total: int
) -> dict:
    question = item.question
    view = presentation.question_for_student(
        question, practice_set.layout or {}, number, handles
    )
    view["position"] = item.position
    view["total"] = total
    view["answered"] = item.is_answered
    if not item.is_answered:
        return view
    view["answer"] = handles.answer_to_student(question.id, item.answer)
    view["score"] = float(item.score)
    view["max_score"] = float(item.max_score)
    view["right"] = item.score >= item.max_score
    view["review"] = {
        "score": float(item.score),
        "feedback": _feedback(item.feedback, question.id, handles),
        "explanation_html": render_text(
            question.explanation, question.explanation_format
        ),
        "passage_url": question.passage_url,
        "key": presentation.key_for_review(question, handles),
    }
    return view


def set_page(
    practice_set: PracticeSet,
    items: list[PracticeItem],
    *,
    open_ids: set[int],
    states: dict | None = None,
    error: str = "",
) -> SetPage:
    """The set's items as the page shows them; `states` and `error` re-show a refused
    answer as the student typed it.

    An unanswered item whose quiz has since started keeping its answers back again (an
    extra attempt granted, say) is withdrawn: it is neither asked nor marked.
    """
    items = [i for i in items if i.is_answered or i.question_id in open_ids]
    handles = handles_for(practice_set, [item.question for item in items])
    total = len(items)
    views = [
        _view(practice_set, item, handles, number, total)
        for number, item in enumerate(items, start=1)
    ]
    current = next((v for v in views if not v["answered"]), None)
    if current is not None:
        state = (states or {}).get(current["id"]) or answer_form.state_from_answer(
            current, None
        )
        current = answer_form.bind(current, state, error)
    answered = [v for v in views if v["answered"]]
    return SetPage(
        practice_set=practice_set,
        items=views,
        current=current,
        last_answered=answered[-1] if answered else None,
        answered=len(answered),
        total=total,
    )
