"""What a student may see of a question or an attempt: the one place the leak policy lives.

Before review: prompts, options and the student's own answers — never a credit, a correct
flag, an accepted answer, a range, feedback or an explanation. At review (when the quiz's
review policy allows): the feedback, the explanation, the key and the lesson passage.
"""

from __future__ import annotations

from courses.rendering import render_markdown

from . import grading, selectors
from .models import Attempt, Question, Response


def _layout_order(ids: list, order: list | None) -> list:
    if not order:
        return ids
    known = set(ids)
    dealt = [i for i in order if i in known]
    return dealt + [i for i in ids if i not in set(dealt)]


def question_for_student(question: Question, layout: dict, number: int) -> dict:
    """The question as the student sees it while answering (no key of any kind)."""
    data = question.data or {}
    qid = str(question.id)
    view: dict = {
        "id": question.id,
        "number": number,
        "kind": question.kind,
        "prompt_html": render_markdown(question.prompt),
        "points": float(question.points),
    }
    if question.is_choice_kind:
        choices = {c.id: c for c in question.choices.all()}
        order = _layout_order(list(choices), layout.get("choices", {}).get(qid))
        view["choices"] = [{"id": cid, "text": choices[cid].text} for cid in order]
        view["multiple"] = question.kind == Question.Kind.MULTIPLE_RESPONSE
    elif question.kind == Question.Kind.ORDERING:
        items = {item["id"]: item["text"] for item in data.get("items", [])}
        order = _layout_order(sorted(items), layout.get("items", {}).get(qid))
        view["items"] = [{"id": iid, "text": items[iid]} for iid in order]
    elif question.kind == Question.Kind.MATCHING:
        view["prompts"] = [
            {"id": pair["id"], "text": pair["prompt"]} for pair in data.get("pairs", [])
        ]
        options = layout.get("options", {}).get(qid)
        if not options:
            options = sorted(
                {p["answer"] for p in data.get("pairs", [])}
                | set(data.get("distractors", []))
            )
        view["options"] = options
    elif question.kind == Question.Kind.TRADEOFF_ALLOCATION:
        view["values"] = list(data.get("values", []))
    elif question.kind == Question.Kind.TRADEOFF_POSITION:
        view["left"] = data.get("left", "")
        view["right"] = data.get("right", "")
    if question.kind in (
        Question.Kind.TRADEOFF_ALLOCATION,
        Question.Kind.TRADEOFF_POSITION,
    ):
        justification = data.get("justification")
        view["justification"] = (
            {
                "points": justification.get("points"),
                "rubric": justification.get("rubric", ""),
            }
            if justification
            else None
        )
    if question.kind == Question.Kind.ESSAY:
        view["rubric"] = data.get("rubric", "")
        view["min_words"] = data.get("min_words", 0)
    view["tradeoffs"] = [t.name for t in question.tradeoffs.all()]
    return view


def key_for_review(question: Question) -> dict:
    """The answer key, shown only at review."""
    data = question.data or {}
    if question.is_choice_kind:
        return {
            "choices": [
                {"id": c.id, "text": c.text, "credit": float(c.credit)}
                for c in question.choices.all()
            ]
        }
    if question.kind == Question.Kind.SHORT_ANSWER:
        return {
            "accepted": [a for a in data.get("answers", []) if a.get("credit", 0) > 0]
        }
    if question.kind == Question.Kind.NUMERIC:
        return {"accepted": data.get("answers", [])}
    if question.kind == Question.Kind.ORDERING:
        return {"order": [item["text"] for item in data.get("items", [])]}
    if question.kind == Question.Kind.MATCHING:
        return {
            "pairs": [
                {"prompt": p["prompt"], "answer": p["answer"]}
                for p in data.get("pairs", [])
            ]
        }
    if question.kind == Question.Kind.TRADEOFF_ALLOCATION:
        return {"values": data.get("values", []), "ranges": data.get("ranges", [])}
    if question.kind == Question.Kind.TRADEOFF_POSITION:
        return {
            "left": data.get("left"),
            "right": data.get("right"),
            "range": data.get("range"),
        }
    return {}


def attempt_for_student(attempt: Attempt, *, review: bool) -> dict:
    """An attempt with its questions, the student's answers and, at review, the marking."""
    responses: dict[int, Response] = {r.question_id: r for r in attempt.responses.all()}
    layout = attempt.layout or {}
    show_score = attempt.state in (Attempt.State.GRADED, Attempt.State.NEEDS_REVIEW)
    questions = []
    for number, question in enumerate(selectors.ordered_questions(attempt), start=1):
        view = question_for_student(question, layout, number)
        response = responses.get(question.id)
        view["answer"] = response.answer if response else None
        view["answered"] = bool(
            response
            and response.answer is not None
            and grading.is_answered(selectors.question_key(question), response.answer)
        )
        view["max_score"] = float(response.max_score) if response else None
        if response and attempt.is_finished and response.comment:
            view["comment"] = response.comment
        if response and attempt.is_finished and response.override_score is not None:
            # Not a key: why a person changed this question's score.
            view["override_reason"] = response.override_reason
        if review and response is not None:
            view["review"] = {
                "score": float(response.score) if response.score is not None else None,
                "awaiting_manual": response.awaiting_manual,
                "feedback": response.feedback,
                "explanation_html": render_markdown(question.explanation),
                "passage_url": question.passage_url,
                "key": key_for_review(question),
            }
        questions.append(view)
    return {
        "id": attempt.id,
        "quiz": attempt.quiz_id,
        "number": attempt.number,
        "state": attempt.state,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "score": float(attempt.score)
        if show_score and attempt.score is not None
        else None,
        "max_score": float(attempt.max_score),
        "percent": float(attempt.percent)
        if show_score and attempt.percent is not None
        else None,
        "review_available": review,
        "questions": questions,
    }
