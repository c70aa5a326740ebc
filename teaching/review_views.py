"""Instructor pages on one student's work: a whole attempt, a gradebook cell, overrides."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quizzes import services
from quizzes.models import Response

from . import review
from .forms import (
    ClearOverrideForm,
    GradeOverrideForm,
    ResponseOverrideForm,
    add_service_error,
)
from .permissions import instructor_required


def _override_form(response: Response, data=None) -> ResponseOverrideForm:
    initial = {}
    if response.override_score is not None:
        initial = {"score": response.override_score, "reason": response.override_reason}
    return ResponseOverrideForm(
        data,
        maximum=response.max_score,
        prefix=f"r{response.pk}",
        initial=initial,
    )


def _render_attempt(request, attempt, failed: Response | None = None, form=None):
    payload, questions = review.attempt_review(attempt)
    for item in questions:
        if item.response is not None:
            item.form = (
                form if item.response == failed else _override_form(item.response)
            )
    return render(
        request,
        "instructor/attempt.html",
        {
            "attempt": attempt,
            "student": attempt.student,
            "quiz": attempt.quiz,
            "payload": payload,
            "questions": questions,
            "audits": review.attempt_audits(attempt),
            "cohort": review.cohort_for_attempt(user=request.user, attempt=attempt),
        },
        status=400 if form is not None else 200,
    )


@instructor_required
def attempt_detail(request, pk: int):
    """A student's whole attempt: every answer, score, feedback, comment and override."""
    attempt = review.attempt_for_instructor(user=request.user, attempt_id=pk)
    return _render_attempt(request, attempt)


@require_POST
@instructor_required
def response_override(request, pk: int):
    """Override (or with an empty score, restore) the score of one answer."""
    response = get_object_or_404(Response.objects.only("id", "attempt_id"), pk=pk)
    attempt = review.attempt_for_instructor(
        user=request.user, attempt_id=response.attempt_id
    )
    response = next(r for r in attempt.responses.all() if r.pk == response.pk)
    form = _override_form(response, request.POST)
    if form.is_valid():
        try:
            services.override_response_score(
                response_id=response.pk,
                instructor=request.user,
                score=form.cleaned_data["score"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The question's score is updated."))
            return redirect("instructor:attempt", pk=attempt.pk)
    return _render_attempt(request, attempt, failed=response, form=form)


@instructor_required
def student_work(request, pk: int, student_id: int):
    """One gradebook cell: the attempts behind it, the grade that counts, its overrides.

    POST sets an override (grade or excused) or, with `clear`, removes it.
    """
    work = review.student_work(
        user=request.user, assignment_id=pk, student_id=student_id
    )
    initial = {}
    if work.override is not None:
        initial = {
            "grade": work.override.grade,
            "excused": work.override.excused,
            "reason": work.override.reason,
        }
    clearing = request.method == "POST" and "clear" in request.POST
    setting = request.method == "POST" and not clearing
    form = GradeOverrideForm(request.POST if setting else None, initial=initial)
    clear_form = ClearOverrideForm(request.POST if clearing else None, prefix="clear")
    bound = form if setting else clear_form
    if request.method == "POST" and bound.is_valid():
        try:
            if setting:
                services.set_grade_override(
                    assignment=work.assignment,
                    student=work.student,
                    instructor=request.user,
                    grade=form.cleaned_data["grade"],
                    excused=form.cleaned_data["excused"],
                    reason=form.cleaned_data["reason"],
                )
            else:
                if work.override is None:
                    raise Http404
                services.clear_grade_override(
                    assignment=work.assignment,
                    student=work.student,
                    instructor=request.user,
                    reason=clear_form.cleaned_data["reason"],
                )
        except ValidationError as error:
            add_service_error(bound, error)
        else:
            messages.success(
                request,
                _("The grade of %(student)s is updated.") % {"student": work.student},
            )
            return redirect(
                "instructor:student-work", pk=work.assignment.pk, student_id=student_id
            )
    return render(
        request,
        "instructor/student_work.html",
        {
            "work": work,
            "cohort": work.assignment.cohort,
            "form": form,
            "clear_form": clear_form,
        },
        status=400 if request.method == "POST" else 200,
    )
