"""What a student may see of a question or an attempt: the one place the leak policy lives.

Before review: prompts, options and the student's own answers — never a credit, a correct
flag, an accepted answer, a range, feedback or an explanation. At review (when the quiz's
review policy allows): the feedback, the explanation, the key and the lesson passage.
"""

from __future__ import annotations

from . import certainty, frozen, grading, selectors, spreads
from .handles import Handles
from .models import Attempt, Question, Response
from .textformats import render_inline, render_text


def _layout_order(ids: list, order: list | None) -> list:
    if not order:
        return ids
    known = set(ids)
    dealt = [i for i in order if i in known]
    return dealt + [i for i in ids if i not in set(dealt)]


def handles_for(attempt: Attempt, questions: list[Question] = ()) -> Handles:
    """The attempt's handles, for the questions its layout lists and any given here."""
    layout = attempt.layout or {}
    candidates: dict[int, list] = {}
    for part in ("choices", "items"):
        for qid, ids in (layout.get(part) or {}).items():
            candidates[int(qid)] = ids
    handles = Handles(attempt.pk, candidates)
    for question in questions:
        if not handles.knows(question.id):
            # A question added after the attempt started: not in the layout.
            if question.is_choice_kind:
                handles.add(question.id, [c.id for c in question.choices.all()])
            elif question.kind == Question.Kind.ORDERING:
                items = (question.data or {}).get("items", [])
                handles.add(question.id, [item["id"] for item in items])
    return handles


def answers_from_student(attempt: Attempt, answers: dict) -> dict:
    """Answers keyed by question id, sent with handles, with the real ids put back."""
    if not isinstance(answers, dict):
        return answers
    handles = handles_for(attempt)
    ids = {}
    for raw_id in answers:
        try:
            ids[raw_id] = int(raw_id)
        except (TypeError, ValueError):
            ids[raw_id] = None
    dealt = set((attempt.layout or {}).get("questions") or [])
    unknown = {qid for qid in ids.values() if qid is not None} - dealt
    if unknown:
        # Questions added after the attempt started are not in its layout.
        added = Question.objects.filter(
            quiz_id=attempt.quiz_id, pk__in=unknown
        ).prefetch_related("choices")
        handles = handles_for(attempt, list(added))
    return {
        raw_id: answer
        if ids[raw_id] is None
        else handles.answer_from_student(ids[raw_id], answer)
        for raw_id, answer in answers.items()
    }


def question_for_student(
    question: Question, layout: dict, number: int, handles: Handles | None = None
) -> dict:
    """The question as the student sees it while answering (no key of any kind).

    Choices and ordering items carry the attempt's handles, never their real ids.
    """
    data = question.data or {}
    qid = str(question.id)
    public = handles.of if handles else (lambda _question, raw: raw)
    view: dict = {
        "id": question.id,
        "number": number,
        "kind": question.kind,
        "prompt_html": render_text(question.prompt, question.prompt_format),
        # What the question is really worth: its points plus any justification's.
        "points": float(question.points)
        + float((data.get("justification") or {}).get("points", 0)),
    }
    if question.is_choice_kind:
        choices = {c.id: c for c in question.choices.all()}
        order = _layout_order(list(choices), layout.get("choices", {}).get(qid))
        view["choices"] = [
            {
                "id": public(question.id, cid),
                "text": choices[cid].text,
                "text_html": render_inline(choices[cid].text, choices[cid].text_format),
            }
            for cid in order
        ]
        view["multiple"] = question.kind == Question.Kind.MULTIPLE_RESPONSE
        if grading.is_fit(data):
            # Scored on fit: the argument is written in two parts beside the option.
            view["fit"] = True
            view["justification"] = {
                "points": None,
                "rubric": "",
                "parts": [
                    {"name": part, "label": str(grading.FIT_LABELS[part])}
                    for part in grading.FIT_PARTS
                ],
            }
    elif question.kind == Question.Kind.ORDERING:
        items = {item["id"]: item for item in data.get("items", [])}
        order = _layout_order(sorted(items), layout.get("items", {}).get(qid))
        view["items"] = [
            {
                "id": public(question.id, iid),
                "text": items[iid]["text"],
                "text_html": render_inline(
                    items[iid]["text"], items[iid].get("text_format", "markdown")
                ),
            }
            for iid in order
        ]
    elif question.kind == Question.Kind.MATCHING:
        view["prompts"] = [
            {
                "id": pair["id"],
                "text": pair["prompt"],
                "text_html": render_inline(
                    pair["prompt"], pair.get("prompt_format", "markdown")
                ),
            }
            for pair in data.get("pairs", [])
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
                # Scoring 2: written in parts, a share of `points` for completeness.
                "parts": [
                    {"name": part, "label": str(grading.PART_LABELS[part])}
                    for part in grading.PARTS
                ]
                if grading.is_v2(data)
                else [],
            }
            if justification
            else None
        )
    if question.kind == Question.Kind.ESSAY:
        view["rubric"] = data.get("rubric", "")
        view["min_words"] = data.get("min_words", 0)
    view["tradeoffs"] = [t.name for t in question.tradeoffs.all()]
    return view


def questions_for_preview(quiz) -> list[dict]:
    """A quiz's questions as a student sees them before answering (authoring order),
    with the certainty groups a CBM quiz asks for."""
    views = []
    for number, question in enumerate(quiz.questions.all(), start=1):
        view = question_for_student(question, {}, number)
        view["takes_certainty"] = quiz.certainty_based_marking and (
            grading.takes_certainty(question.kind)
        )
        views.append(view)
    return views


def key_for_review(question: Question, handles: Handles | None = None) -> dict:
    """The answer key, shown only at review (choices named by the attempt's handles)."""
    data = question.data or {}
    if grading.is_fit(data) and question.is_choice_kind:
        # No option is keyed: say which values each option serves.
        options = data.get("options") or []
        return {
            "serves": [
                {"text": c.text, "serves": list(option.get("serves", []))}
                for c, option in zip(question.choices.all(), options, strict=False)
            ]
        }
    if question.is_choice_kind:
        return {
            "choices": [
                {
                    "id": handles.of(question.id, c.id) if handles else c.id,
                    "text": c.text,
                    "credit": float(c.credit),
                }
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
    if question.kind in (
        Question.Kind.TRADEOFF_ALLOCATION,
        Question.Kind.TRADEOFF_POSITION,
    ) and grading.is_v2(data):
        # Scoring 2 has no key: the usual range is the instructor's note only.
        return {}
    if question.kind == Question.Kind.TRADEOFF_ALLOCATION:
        return {"values": data.get("values", []), "ranges": data.get("ranges", [])}
    if question.kind == Question.Kind.TRADEOFF_POSITION:
        return {
            "left": data.get("left"),
            "right": data.get("right"),
            "range": data.get("range"),
        }
    return {}


def _tradeoff_map(question: Question, view: dict, handles: Handles) -> list[dict]:
    """Every option's gains, costs and strongest objection side by side, in the order
    shown (TEACHING.md §2), when every option has all three; no credit."""
    if not question.is_choice_kind:
        return []
    choices = list(question.choices.all())
    # Only a complete map: were one option alone to carry gains and costs, showing
    # them would point at it (an author's key-first habit).
    if not all(
        c.feedback_gains and c.feedback_costs and c.feedback_objection for c in choices
    ):
        return []
    shown = [c["id"] for c in view.get("choices", [])]

    def place(choice) -> int:
        handle = handles.of(question.id, choice.id)
        return shown.index(handle) if handle in shown else len(shown)

    return [
        {
            "text": c.text,
            "gains": c.feedback_gains,
            "costs": c.feedback_costs,
            "objection": c.feedback_objection,
        }
        for c in sorted(choices, key=place)
    ]


def _cbm_review(response: Response) -> dict:
    """How CBM marked one answer: the certainty used and the mark before it applied."""
    used = response.certainty or grading.cbm.default_certainty()
    return {
        "certainty": used,
        "label": certainty.level_label(used),
        "assumed": response.certainty is None,
        "base_score": float(response.base_score),
    }


def _problem(key: dict, draft) -> str:
    """What an unfinished draft still lacks ("" when there is no draft)."""
    if draft is None:
        return ""
    try:
        return grading.split_answer(key, draft).problem
    except grading.InvalidAnswer as exc:
        # The question changed under the draft: say so rather than fail the page.
        return str(exc)


def attempt_for_student(
    attempt: Attempt, *, review: bool, key: bool | None = None, responses=None
) -> dict:
    """An attempt with its questions, the student's answers and, at review, the marking:
    with `key` (as `review` unless given) also the answers and the explanations.
    `responses` (the attempt's rows by question id) stand in for attempt.responses."""
    show_key = review if key is None else review and key
    if responses is None:
        responses = {r.question_id: r for r in attempt.responses.all()}
    layout = attempt.layout or {}
    show_score = attempt.state in (Attempt.State.GRADED, Attempt.State.NEEDS_REVIEW)
    ordered = selectors.ordered_questions(attempt)
    handles = handles_for(attempt, ordered)
    # The class's spread comes with the answers, once the review shows them.
    class_spreads = spreads.class_spreads(attempt.quiz_id, ordered) if show_key else {}
    questions = []
    for number, live in enumerate(ordered, start=1):
        response = responses.get(live.id)
        # A graded answer shows the question as it was graded, whatever edits came since.
        question = frozen.as_graded(
            live, response.graded_question if response else None
        )
        view = question_for_student(question, layout, number, handles)
        key = selectors.checked_key(question)
        draft = response.draft if response else None
        view["answer"] = (
            handles.answer_to_student(question.id, response.answer)
            if response
            else None
        )
        view["draft"] = (
            handles.answer_to_student(question.id, draft) if draft is not None else None
        )
        view["problem"] = _problem(key, draft)
        view["answered"] = bool(
            draft is None
            and response
            and response.answer is not None
            and grading.is_answered(key, response.answer)
        )
        view["max_score"] = float(response.max_score) if response else None
        # Certainty-based marking: how sure the student said they were; not a key.
        view["takes_certainty"] = attempt.certainty_based and grading.takes_certainty(
            question.kind
        )
        view["certainty"] = (
            response.certainty if view["takes_certainty"] and response else None
        )
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
                "explanation_html": render_text(
                    question.explanation, question.explanation_format
                )
                if show_key
                else "",
                "passage_url": question.passage_url,
                "key": key_for_review(question, handles) if show_key else {},
            }
            if response.base_score is not None:
                view["review"]["cbm"] = _cbm_review(response)
            tradeoff_map = _tradeoff_map(question, view, handles)
            if tradeoff_map:
                view["review"]["map"] = tradeoff_map
            if question.id in class_spreads:
                view["review"]["spread"] = class_spreads[question.id]
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
        "key_available": show_key,
        "certainty_based": attempt.certainty_based,
        # The figures once the score shows; the breakdown by certainty with the
        # per-question marks (it tells which levels were right).
        "cbm": certainty.attempt_summary(
            certainty.answers_of(ordered, responses), levels=review
        )
        if attempt.certainty_based and show_score
        else None,
        "questions": questions,
    }
