"""Instructor pages: cohorts, assignments, extensions, the grading queue and gradebook."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.replica import reads_from_replica
from quizzes import frozen, grading, services
from quizzes import selectors as quiz_selectors

from . import queue, review, roster_views, selectors
from .forms import AssignmentForm, ExtensionForm, ScoreForm, add_service_error
from .permissions import instructor_required

PER_PAGE = 25


def _page(request, items, per_page: int = PER_PAGE):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _int_param(request, name: str) -> int | None:
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None


@instructor_required
def dashboard(request):
    """My cohorts with their counts, and how many answers wait for a score."""
    cohorts = _page(request, selectors.taught_cohorts(request.user))
    # Counted no further than the queue page counts (teaching/queue.py).
    queue_size = queue.bounded_count(selectors.grading_queue(user=request.user))
    return render(
        request,
        "instructor/dashboard.html",
        {
            "cohorts": cohorts,
            "queue_size": queue_size,
            "count_limit": queue.COUNT_LIMIT,
        },
    )


@instructor_required
def cohort_detail(request, pk: int):
    """A cohort's assignments, roster and join code."""
    cohort = selectors.cohort_for(user=request.user, cohort_id=pk)
    return render(
        request,
        "instructor/cohort_detail.html",
        roster_views.cohort_page_context(request, cohort),
    )


@instructor_required
def assignment_create(request, pk: int):
    """Assign a quiz of the cohort's course to the cohort."""
    cohort = selectors.cohort_for(user=request.user, cohort_id=pk)
    quizzes = selectors.assignable_quizzes(cohort)
    form = AssignmentForm(
        request.POST or None,
        quizzes=quizzes,
        initial={"opens_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assign_quiz(
                cohort=cohort,
                quiz=data["quiz"],
                instructor=request.user,
                opens_at=data["opens_at"],
                due_at=data["due_at"],
                attempts_allowed=data["attempts_allowed"],
                time_limit_minutes=data["time_limit_minutes"],
                peer_review=data["peer_review"],
                peer_review_deadline=data["peer_review_deadline"],
                peer_scores_count=data["peer_scores_count"],
            )
        except (ValidationError, DomainError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("“%(quiz)s” is assigned to %(cohort)s.")
                % {"quiz": assignment.quiz, "cohort": cohort.name},
            )
            return redirect("instructor:cohort", pk=cohort.pk)
    return render(
        request,
        "instructor/assignment_form.html",
        {"cohort": cohort, "form": form, "has_quizzes": quizzes.exists()},
    )


@instructor_required
def assignment_edit(request, pk: int):
    """Change an assignment's dates, limits and peer review."""
    assignment = selectors.assignment_for(user=request.user, assignment_id=pk)
    form = AssignmentForm(
        request.POST or None,
        quizzes=None,
        editing=True,
        initial={
            "opens_at": timezone.localtime(assignment.opens_at),
            "due_at": timezone.localtime(assignment.due_at),
            "attempts_allowed": assignment.attempts_allowed,
            "time_limit_minutes": assignment.time_limit_minutes,
            **AssignmentForm.peer_initial(assignment),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_assignment(
                assignment=assignment, instructor=request.user, **form.cleaned_data
            )
        except (ValidationError, DomainError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The assignment is updated."))
            return redirect("instructor:cohort", pk=assignment.cohort_id)
    return render(
        request,
        "instructor/assignment_form.html",
        {"cohort": assignment.cohort, "assignment": assignment, "form": form},
    )


@instructor_required
def assignment_delete(request, pk: int):
    """Confirm, then remove an assignment (attempts already made are kept)."""
    assignment = selectors.assignment_for(user=request.user, assignment_id=pk)
    if request.method == "POST":
        services.delete_assignment(assignment=assignment, instructor=request.user)
        messages.success(
            request,
            _("“%(quiz)s” is no longer assigned to %(cohort)s.")
            % {"quiz": assignment.quiz, "cohort": assignment.cohort.name},
        )
        return redirect("instructor:cohort", pk=assignment.cohort_id)
    return render(
        request, "instructor/assignment_confirm_delete.html", {"assignment": assignment}
    )


@instructor_required
def extensions(request, pk: int):
    """An assignment's extensions, and a form to grant one."""
    assignment = selectors.assignment_for(user=request.user, assignment_id=pk)
    students = assignment.cohort.students.order_by("last_name", "first_name", "email")
    form = ExtensionForm(request.POST or None, students=students)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_extension(
                assignment=assignment,
                student=data["student"],
                instructor=request.user,
                reason=data["reason"],
                due_at=data["due_at"],
                extra_minutes=data["extra_minutes"] or 0,
                extra_attempts=data["extra_attempts"] or 0,
                expires_at=data["expires_at"],
            )
        except (ValidationError, DomainError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Extension granted to %(student)s.") % {"student": data["student"]},
            )
            return redirect("instructor:extensions", pk=assignment.pk)
    return render(
        request,
        "instructor/extensions.html",
        {
            "assignment": assignment,
            "extensions": _page(request, selectors.extensions_of(assignment)),
            "form": form,
            "now": timezone.now(),
        },
    )


@require_POST
@instructor_required
def extension_revoke(request, pk: int):
    """Withdraw an extension."""
    extension = selectors.extension_for(user=request.user, extension_id=pk)
    services.revoke_extension(extension=extension, instructor=request.user)
    messages.success(
        request,
        _("The extension of %(student)s is revoked.") % {"student": extension.student},
    )
    return redirect("instructor:extensions", pk=extension.assignment_id)


def _queue_key(request, name: str):
    token = request.GET.get(name)
    if not token:
        return None
    try:
        return queue.QueueKey.parse(token)
    except (ValueError, OverflowError) as error:
        raise BadRequest(_("That page of the queue does not exist.")) from error


@instructor_required
def grading_queue(request):
    """Answers waiting for a score, filtered by cohort and quiz, a page at a time.

    Pages follow the queue's order from a key (`?after=` / `?before=`, teaching/queue.py),
    so a page costs the same however many answers wait.
    """
    cohort_id = _int_param(request, "cohort")
    quiz_id = _int_param(request, "quiz")
    cohorts = queue.queue_cohorts(request.user)
    if cohort_id is not None and not cohorts.filter(pk=cohort_id).exists():
        raise Http404
    waiting = selectors.grading_queue(
        user=request.user, cohort_id=cohort_id, quiz_id=quiz_id, mark_outside=False
    )
    page = queue.queue_page(
        waiting,
        after=_queue_key(request, "after"),
        before=_queue_key(request, "before"),
    )
    total = queue.bounded_count(waiting) if page.items else 0
    return render(
        request,
        "instructor/grading_queue.html",
        {
            "page": page,
            "responses": queue.mark_outside(page.items),
            "waiting": min(total, queue.COUNT_LIMIT),
            "more_waiting": total > queue.COUNT_LIMIT,
            "count_limit": queue.COUNT_LIMIT,
            "cohorts": cohorts,
            "quizzes": queue.queue_quizzes(user=request.user, cohort_id=cohort_id),
            "cohort_id": cohort_id,
            "quiz_id": quiz_id,
            "filters": urlencode(
                {k: v for k, v in (("cohort", cohort_id), ("quiz", quiz_id)) if v}
            ),
        },
    )


def _answer_view(response) -> dict:
    answer = response.answer or {}
    question = response.question
    view = {"text": "", "allocation": None, "position": None}
    if question.kind == question.Kind.ESSAY:
        view["text"] = answer.get("text", "")
    else:
        view["text"] = grading.justification_text(answer.get("justification", ""))
        values = (question.data or {}).get("values", [])
        if "allocation" in answer:
            view["allocation"] = list(zip(values, answer["allocation"], strict=False))
        if "position" in answer:
            view["position"] = answer["position"]
        main = answer.get("allocation", answer.get("position"))
        view["unusual"] = (
            main is not None
            and grading.is_v2(question.data or {})
            and grading.is_unusual(question.kind, main, question.data)
        )
    return view


def _next_in_queue(request, after_pk: int) -> str:
    queue = selectors.grading_queue(
        user=request.user,
        cohort_id=_int_param(request, "cohort"),
        quiz_id=_int_param(request, "quiz"),
    ).exclude(pk=after_pk)
    following = queue.values_list("pk", flat=True).first()
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    if following is None:
        return reverse("instructor:queue") + query
    return reverse("instructor:score", kwargs={"pk": following}) + query


@instructor_required
def score_response(request, pk: int):
    """Show the prompt, rubric and answer; take a score and a comment."""
    response = selectors.response_for_grading(user=request.user, response_id=pk)
    # Marked out of what the answer was graded against (as the service checks); the
    # rubric is the live one, so a fixed typo in it reaches the marker.
    maximum = selectors.manual_max(
        frozen.as_graded(response.question, response.graded_question)
    )
    initial = {}
    if response.manual_score is not None:
        initial = {"score": response.manual_score, "comment": response.comment}
    criteria = response.question.marking_criteria()
    form = ScoreForm(
        request.POST or None, maximum=maximum, criteria=criteria, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.score_response(
                response_id=response.pk,
                grader=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Scored %(student)s's answer.")
                % {"student": response.attempt.student},
            )
            return redirect(_next_in_queue(request, response.pk))
    question = response.question
    key = quiz_selectors.question_key(question)
    automatic_max = grading.max_points(key) - float(maximum)
    # The whole attempt beside the answer being scored.
    _payload, whole = review.attempt_review(
        review.attempt_for_instructor(user=request.user, attempt_id=response.attempt_id)
    )
    return render(
        request,
        "instructor/score_form.html",
        {
            "response": response,
            "question": question,
            "rubric": selectors.rubric_of(question),
            "answer": _answer_view(response),
            "automatic_max": automatic_max,
            "maximum": maximum,
            "form": form,
            "query": request.GET.urlencode(),
            "whole_attempt": whole,
        },
    )


@instructor_required
@reads_from_replica
def gradebook(request, pk: int):
    """Students by assignments: grades, late and missing work, answers to review."""
    cohort = selectors.plain_cohort_for(user=request.user, cohort_id=pk)
    page, book = selectors.gradebook_page(cohort=cohort, page=request.GET.get("page"))
    return render(
        request,
        "instructor/gradebook.html",
        {"cohort": cohort, "book": book, "page": page},
    )
