"""The pages of an attempt in progress: take (Save), autosave and the submit confirmation.

One parser reads the take form (`forms`), for Save and for autosave alike; every write
goes through `services.save_responses` / `submit_attempt`, which save each question on
its own and keep unfinished answers as drafts.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import answer_form, certainty_form, presentation, selectors, services
from .errors import AttemptFinished, DeadlinePassed, QuizChanged
from .models import Attempt


def _close_late(request, attempt: Attempt, now) -> None:
    services.submit_attempt(attempt=attempt, now=now)
    messages.warning(
        request,
        _(
            "Time is up: the attempt was closed at its deadline. Answers saved "
            "before it count; anything entered later was not saved."
        ),
    )


def _expired(attempt: Attempt, now) -> bool:
    return attempt.deadline is not None and now >= attempt.deadline


def _page_of(request, payload: dict, one_per_page: bool) -> tuple[int, int, list[dict]]:
    questions = payload["questions"]
    if not one_per_page or not questions:
        return 1, 1, questions
    raw = request.POST.get("page") or request.GET.get("page") or "1"
    try:
        page = int(raw)
    except ValueError:
        page = 1
    page = min(max(page, 1), len(questions))
    return page, len(questions), [questions[page - 1]]


def _take_url(attempt: Attempt, page: int, one_per_page: bool) -> str:
    url = reverse("quizzes:attempt", kwargs={"pk": attempt.pk})
    return f"{url}?page={page}" if one_per_page else url


def _render_take(
    request, attempt, payload, page, pages, questions, states, errors, **flags
):
    bound = [
        answer_form.bind(q, states[q["id"]], errors.get(q["id"], "")) for q in questions
    ]
    return render(
        request,
        "quizzes/take.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "payload": payload,
            "questions": bound,
            "page": page,
            "pages": pages,
            "page_numbers": range(1, pages + 1),
            "paged": pages > 1,
            "errors": errors,
            "general_error": errors.get(0, ""),
            **_counts(payload),
            **flags,
        },
        status=400 if flags.get("nothing_saved") else 200,
    )


def _counts(payload: dict) -> dict:
    questions = payload["questions"]
    return {
        "unanswered_count": sum(1 for q in questions if not q["answered"]),
        "incomplete_count": sum(1 for q in questions if q["draft"] is not None),
    }


def _saved_state(question: dict) -> dict:
    # A draft is the latest thing the student wrote: it is what the widgets show.
    shown = question["draft"] if question["draft"] is not None else question["answer"]
    return answer_form.state_from_answer(question, shown)


def _save_from_post(request, attempt: Attempt, questions: list[dict], now):
    """Read the form (the one parser, for Save and autosave) and save each question.

    Returns (states, problems by question, outcome); outcome is None when a malformed
    answer refused the whole request and nothing was saved. An answer whose widgets
    cannot be read is left as it was, but a justification beside it is still saved.
    """
    answers, unreadable, states = answer_form.read_answers(questions, request.POST)
    try:
        outcome = services.save_responses(
            attempt=attempt,
            answers=presentation.answers_from_student(attempt, answers),
            certainties=certainty_form.read(questions, states),
            now=now,
            questions=attempt.quiz.questions.all(),
        )
    except ValidationError as error:
        return states, _errors_by_question(error), None
    except QuizChanged as error:
        return states, {0: error.message}, None
    return states, {**outcome.drafts, **unreadable}, outcome


def _fresh_payload(attempt: Attempt, outcome) -> dict:
    # A save changes the responses only, and returns the rows it was sent as they now
    # stand: the quiz, its questions and the other rows stay as loaded.
    responses = {r.question_id: r for r in attempt.responses.all()}
    responses.update(outcome.responses)
    return presentation.attempt_for_student(attempt, review=False, responses=responses)


@require_http_methods(["GET", "POST"])
@login_required
def take(request, pk):
    """Answer the questions; Save keeps them, Submit leads to the confirmation page."""
    attempt = selectors.attempt_for_owner(attempt_id=pk, user=request.user)
    if attempt.is_finished:
        return redirect("quizzes:result", pk=attempt.pk)
    now = timezone.now()
    if _expired(attempt, now):
        _close_late(request, attempt, now)
        return redirect("quizzes:result", pk=attempt.pk)
    one_per_page = attempt.quiz.one_question_per_page
    # In progress: the review policy never allows a key yet.
    payload = presentation.attempt_for_student(attempt, review=False)
    page, pages, questions = _page_of(request, payload, one_per_page)
    if request.method == "GET":
        states = {q["id"]: _saved_state(q) for q in questions}
        # Unfinished answers say what they lack, all of them at once.
        problems = {q["id"]: q["problem"] for q in questions if q["problem"]}
        return _render_take(
            request, attempt, payload, page, pages, questions, states, problems
        )

    try:
        states, problems, outcome = _save_from_post(request, attempt, questions, now)
    except DeadlinePassed:
        _close_late(request, attempt, now)
        return redirect("quizzes:result", pk=attempt.pk)
    except AttemptFinished as error:
        messages.info(request, error.message)
        return redirect("quizzes:result", pk=attempt.pk)
    if outcome is None:
        # Refused whole (a tampered or broken form): the summary says nothing was saved.
        return _render_take(
            request,
            attempt,
            payload,
            page,
            pages,
            questions,
            states,
            problems,
            nothing_saved=True,
        )

    action = request.POST.get("action", "save")
    if action == "save" and problems:
        # Complete answers are saved and unfinished ones kept as drafts; every question
        # that still lacks something says so, beside itself, in this one page.
        payload = _fresh_payload(attempt, outcome)
        page, pages, questions = _page_of(request, payload, one_per_page)
        return _render_take(
            request,
            attempt,
            payload,
            page,
            pages,
            questions,
            states,
            problems,
            saved_at=timezone.localtime(now),
        )
    if action == "submit":
        return redirect("quizzes:submit", pk=attempt.pk)
    target = page
    if action == "next":
        target = page + 1
    elif action == "previous":
        target = page - 1
    elif action.startswith("goto-") and action[5:].isdigit():
        target = int(action[5:])
    target = min(max(target, 1), pages)
    if action == "save":
        messages.success(
            request,
            _("Your answers were saved at %(time)s.")
            % {"time": time_format(timezone.localtime(now), "H:i:s")},
        )
    return redirect(_take_url(attempt, target, one_per_page))


def _hx_redirect(url: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


@require_POST
@login_required
def autosave(request, pk):
    """Save the take form as it stands (htmx posts it) and say what was kept.

    The same parser and service as Save; the answer is the status line and, out of
    band, each question's problem and the unanswered count.
    """
    attempt = selectors.attempt_for_owner(attempt_id=pk, user=request.user)
    result_url = reverse("quizzes:result", args=[attempt.pk])
    now = timezone.now()
    if attempt.is_finished:
        return _hx_redirect(result_url)
    payload = presentation.attempt_for_student(attempt, review=False)
    _page, _pages, questions = _page_of(
        request, payload, attempt.quiz.one_question_per_page
    )
    try:
        if _expired(attempt, now):
            raise DeadlinePassed()
        _states, problems, outcome = _save_from_post(request, attempt, questions, now)
    except DeadlinePassed:
        _close_late(request, attempt, now)
        return _hx_redirect(result_url)
    except AttemptFinished:
        return _hx_redirect(result_url)
    if outcome is not None:
        payload = _fresh_payload(attempt, outcome)
    numbers = {q["id"]: q["number"] for q in payload["questions"]}
    return render(
        request,
        "quizzes/_autosave.html",
        {
            "saved": outcome is not None,
            "saved_count": len(outcome.saved) if outcome else 0,
            "saved_at": timezone.localtime(now),
            "problems": [
                {"id": qid, "number": numbers.get(qid), "text": text}
                for qid, text in sorted(
                    problems.items(), key=lambda item: numbers.get(item[0], 0)
                )
                if qid in numbers
            ],
            "general_error": problems.get(0, ""),
            "questions": [
                {"id": q["id"], "error": problems.get(q["id"], "")} for q in questions
            ],
            **_counts(payload),
        },
        status=200 if outcome is not None else 400,
    )


def _errors_by_question(error: ValidationError) -> dict[int, str]:
    if not hasattr(error, "error_dict"):
        return {0: " ".join(error.messages)}
    found: dict[int, str] = {}
    for key, messages_ in error.message_dict.items():
        try:
            found[int(key)] = " ".join(messages_)
        except ValueError:
            found[0] = " ".join(messages_)
    return found


@require_http_methods(["GET", "POST"])
@login_required
def submit(request, pk):
    """Confirm before submitting: list what is unanswered, then submit for good."""
    if request.method == "POST":
        # Submitting reads no question: the attempt's row, then the service locks it.
        attempt = selectors.attempt_row_for_owner(attempt_id=pk, user=request.user)
    else:
        attempt = selectors.attempt_for_owner(attempt_id=pk, user=request.user)
    if attempt.is_finished:
        return redirect("quizzes:result", pk=attempt.pk)
    now = timezone.now()
    if request.method == "POST" or _expired(attempt, now):
        if _expired(attempt, now):
            _close_late(request, attempt, now)
        else:
            services.submit_attempt(attempt=attempt, now=now)
            messages.success(request, _("Your attempt was submitted."))
        return redirect("quizzes:result", pk=attempt.pk)
    payload = presentation.attempt_for_student(attempt, review=False)
    one_per_page = attempt.quiz.one_question_per_page
    unanswered = [
        {**q, "url": _take_url(attempt, q["number"], one_per_page)}
        for q in payload["questions"]
        if not q["answered"]
    ]
    without_certainty = [
        {**q, "url": _take_url(attempt, q["number"], one_per_page)}
        for q in payload["questions"]
        if q["takes_certainty"] and q["answered"] and q["certainty"] is None
    ]
    return render(
        request,
        "quizzes/submit.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "payload": payload,
            "unanswered": unanswered,
            "without_certainty": without_certainty,
            "back_url": _take_url(attempt, 1, one_per_page),
        },
    )
