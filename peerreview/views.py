"""The student's peer-review pages: the queue, calibration, a review, reviews received."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import nav, selectors, services
from .forms import FlagForm, ReviewForm, RubricForm
from .models import CalibrationExample, Flag, ReviewAssignment


def _service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def queue(request):
    """My reviews to write and written, and my answers with the reviews they received."""
    submissions = selectors.my_submissions(student=request.user)
    reviews = selectors.review_queue(student=request.user)
    if (submissions or reviews) and not nav.shows_link(request.user):
        nav.remember([request.user.pk])  # the header links here from now on
    now = timezone.now()
    return render(
        request,
        "peerreview/queue.html",
        {
            "reviews": reviews,
            "submissions": submissions,
            "now": now,
        },
    )


@login_required
def calibrate(request, question_id: int):
    """Score the instructor's examples of a question before reviewing peers; after each,
    see the instructor's levels and reasons, and my weight."""
    examples, attempts = selectors.calibration_state(
        student=request.user, question_id=question_id
    )
    if (
        not examples
        or not request.user.peer_reviews.filter(
            submission__question_id=question_id
        ).exists()
    ):
        raise Http404
    pending = [e for e in examples if e.pk not in attempts]
    example = pending[0] if pending else None
    form = None
    if example is not None:
        criteria = example.question.marking_criteria()
        form = RubricForm(
            request.POST if request.method == "POST" else None, criteria=criteria
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.calibrate(
                    example_id=example.pk, student=request.user, levels=form.levels()
                )
            except ValidationError as error:
                _service_errors(form, error)
            else:
                return redirect("peer:calibrate", question_id=question_id)
    weight, _pending = services.calibration_weight_for(
        student=request.user, question_id=question_id
    )
    scored = [
        {
            "example": e,
            "attempt": attempts[e.pk],
            "rows": [
                {
                    "name": c["name"],
                    "mine": c["levels"][attempts[e.pk].levels[i]],
                    "theirs": c["levels"][e.levels[i]],
                    "reason": (e.reasons[i] if i < len(e.reasons) else ""),
                }
                for i, c in enumerate(e.question.marking_criteria())
            ],
        }
        for e in examples
        if e.pk in attempts
    ]
    return render(
        request,
        "peerreview/calibrate.html",
        {
            "example": example,
            "parts": selectors.justification_parts(
                {"justification": example.justification}
            )
            if example
            else [],
            "form": form,
            "scored": scored,
            "weight": weight,
            "question_id": question_id,
            "number": len(attempts) + 1,
            "total": len(examples),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def review(request, pk: int):
    """Write one review: the peer's justification (no name), the rubric, a comment."""
    item = selectors.review_for(reviewer=request.user, review_id=pk)
    question = item.submission.question
    if (
        CalibrationExample.objects.filter(question=question)
        .exclude(attempts__student=request.user)
        .exists()
        and item.state == ReviewAssignment.State.ASSIGNED
    ):
        return redirect("peer:calibrate", question_id=question.pk)
    criteria = question.marking_criteria()
    writable = item.state == ReviewAssignment.State.ASSIGNED
    initial = {}
    if item.levels:
        initial = {f"c{i}": str(level) for i, level in enumerate(item.levels)}
        initial["comment"] = item.comment
    form = ReviewForm(
        request.POST if request.method == "POST" and writable else None,
        criteria=criteria,
        initial=initial,
    )
    if request.method == "POST":
        if not writable:
            return redirect("peer:review", pk=pk)
        if form.is_valid():
            try:
                services.submit_review(
                    review_id=item.pk,
                    reviewer=request.user,
                    levels=form.levels(),
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(request, _("Your review is saved. Thank you."))
                return redirect("peer:queue")
    return render(
        request,
        "peerreview/review.html",
        {
            "item": item,
            "question": question,
            "parts": selectors.justification_parts(item.submission.response.answer),
            "form": form,
            "writable": writable,
            "flag_form": FlagForm(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def flag_answer(request, pk: int):
    """Report the answer of a review I was given as abusive."""
    return _flag(request, pk, Flag.Target.ANSWER, redirect_to=("peer:review", pk))


@require_POST
@login_required
def flag_review(request, pk: int, review_id: int):
    """Report a review of my answer as abusive."""
    if not ReviewAssignment.objects.filter(pk=review_id, submission_id=pk).exists():
        raise Http404
    return _flag(
        request, review_id, Flag.Target.REVIEW, redirect_to=("peer:received", pk)
    )


def _flag(request, review_id: int, target: str, *, redirect_to):
    form = FlagForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        # The service decides who may flag (a 404 to anyone else) before the reason.
        services.flag(
            review_id=review_id, user=request.user, target=target, reason=reason
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: your instructor will look at it."))
    return redirect(*redirect_to)


@login_required
def received(request, pk: int):
    """The reviews my answer received, with the rubric, and its peer score; shown once
    my own reviews are written or the review deadline has passed."""
    submission = selectors.received_for(student=request.user, submission_id=pk)
    visible = selectors.received_visible(submission)
    criteria = submission.question.marking_criteria()
    result = selectors.result_of(submission)
    reviews = (
        [
            {
                "number": n,
                "review": r,
                "rows": selectors.rubric_rows(criteria, r.levels),
                # Each review's form has its own ids: one `id_reason` per page.
                "flag_form": FlagForm(auto_id=f"id_flag{r.pk}_%s"),
            }
            for n, r in enumerate(submission.written, start=1)
        ]
        if visible
        else []
    )
    return render(
        request,
        "peerreview/received.html",
        {
            "submission": submission,
            "visible": visible,
            "reviews": reviews,
            "result": result,
            "result_rows": selectors.rubric_rows(criteria, result.levels)
            if result and visible
            else [],
            "override_rows": selectors.rubric_rows(criteria, result.override_levels)
            if result and result.override_levels is not None
            else [],
            "parts": selectors.justification_parts(submission.response.answer),
        },
    )


@login_required
def calibration_history(request):
    """My calibration over time: how far each example I scored was from the instructor."""
    return render(
        request,
        "peerreview/history.html",
        {"attempts": selectors.calibration_history(student=request.user)},
    )
