"""The instructor's peer-review pages: setup, the disagreement list, one answer with its
override, flags and the agreement report."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from quizzes.instructing import may_instruct, teaching_on_course

from . import selectors, services
from .forms import CalibrationExampleForm, OverrideForm, SetupForm
from .views import _service_errors

# Answers listed a page at a time: a quiz of a whole course may have 100,000.
DISAGREEMENT_PAGE = 50
# How many pages past the one shown the pager counts to (beyond: "more than").
PAGES_AHEAD = 10


class CappedPaginator(Paginator):
    """Count the rows only as far as `cap`: showing the first page of 100,000 answers
    does not count them all (the pager says "of more than N pages" instead)."""

    def __init__(self, object_list, per_page, *, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def counted_pages(self) -> int:
        return self.cap // self.per_page


def _page_number(raw) -> int:
    try:
        return max(int(raw), 1)
    except (TypeError, ValueError):
        return 1


def instructor_required(view):
    """Send visitors to log in; refuse students (403); let instructors in (as
    teaching.permissions does; peer review may not import its sibling)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_instruct(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@instructor_required
def setup(request, quiz_id: int):
    """Turn peer review on for a quiz: reviews per student, deadline, whether it counts."""
    quiz = selectors.quiz_for_instructor(user=request.user, quiz_id=quiz_id)
    current = selectors.setup_for(quiz)
    initial = {"enabled": True, "reviews_per_student": 3}
    if current is not None:
        initial = {
            "enabled": current.enabled,
            "reviews_per_student": current.reviews_per_student,
            "review_deadline": timezone.localtime(current.review_deadline),
            "scores_count": current.scores_count,
        }
    form = SetupForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_setup(quiz=quiz, **form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Peer review settings saved."))
            return redirect("peer-instructor:quiz", quiz_id=quiz.pk)
    return render(
        request,
        "peerreview/instructor/setup.html",
        {"quiz": quiz, "form": form},
        status=400 if form.errors else 200,
    )


@instructor_required
def quiz(request, quiz_id: int):
    """Answers under review, those waiting for me and the widest disagreement first,
    a page at a time."""
    quiz = selectors.quiz_for_instructor(user=request.user, quiz_id=quiz_id)
    teaching = teaching_on_course(request.user, course_id=quiz.course_id)
    number = _page_number(request.GET.get("page"))
    return render(
        request,
        "peerreview/instructor/quiz.html",
        {
            "quiz": quiz,
            "setup": selectors.setup_for(quiz),
            "submissions": CappedPaginator(
                selectors.disagreement_list(teaching=teaching, quiz_id=quiz.pk),
                DISAGREEMENT_PAGE,
                cap=(number + PAGES_AHEAD) * DISAGREEMENT_PAGE,
            ).get_page(number),
            "flags": selectors.open_flags(teaching=teaching, quiz_id=quiz.pk),
            "agreement": selectors.agreement_report(teaching=teaching, quiz_id=quiz.pk),
            "questions": services.peer_questions(quiz.pk)
            .prefetch_related("calibration_examples")
            .order_by("position", "pk"),
        },
    )


@instructor_required
def calibration_example(request, quiz_id: int, question_id: int):
    """Add a calibration example to one of the quiz's peer-reviewed questions: the
    justification, and the level and reason per criterion students are measured by."""
    quiz = selectors.quiz_for_instructor(user=request.user, quiz_id=quiz_id)
    question = get_object_or_404(services.peer_questions(quiz.pk), pk=question_id)
    form = CalibrationExampleForm(
        request.POST if request.method == "POST" else None,
        criteria=question.marking_criteria(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_calibration_example(
                question=question,
                justification=form.justification(),
                levels=form.levels(),
                reasons=form.reasons(),
                position=form.cleaned_data["position"],
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Calibration example added."))
            return redirect("peer-instructor:quiz", quiz_id=quiz.pk)
    return render(
        request,
        "peerreview/instructor/example.html",
        {"quiz": quiz, "question": question, "form": form},
        status=400 if form.errors else 200,
    )


def _example_initial(example) -> dict:
    initial = {
        name: example.justification.get(name, "")
        for name, _l in CalibrationExampleForm.PARTS
    }
    initial["position"] = example.position
    initial.update({f"c{i}": str(level) for i, level in enumerate(example.levels)})
    initial.update({f"r{i}": reason for i, reason in enumerate(example.reasons)})
    return initial


@instructor_required
def calibration_example_edit(request, pk: int):
    """Change a calibration example: its justification, levels, reasons or order."""
    example = selectors.example_for_instructor(user=request.user, example_id=pk)
    question = example.question
    form = CalibrationExampleForm(
        request.POST if request.method == "POST" else None,
        criteria=question.marking_criteria(),
        initial=_example_initial(example),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_calibration_example(
                example=example,
                justification=form.justification(),
                levels=form.levels(),
                reasons=form.reasons(),
                position=form.cleaned_data["position"],
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Calibration example saved."))
            return redirect("peer-instructor:quiz", quiz_id=question.quiz_id)
    return render(
        request,
        "peerreview/instructor/example.html",
        {"quiz": question.quiz, "question": question, "form": form, "example": example},
        status=400 if form.errors else 200,
    )


@instructor_required
def calibration_example_delete(request, pk: int):
    """Confirm, then remove a calibration example (and the calibrations on it)."""
    example = selectors.example_for_instructor(user=request.user, example_id=pk)
    quiz = example.question.quiz
    if request.method == "POST":
        services.delete_calibration_example(example=example)
        messages.success(request, _("Calibration example deleted."))
        return redirect("peer-instructor:quiz", quiz_id=quiz.pk)
    return render(
        request,
        "peerreview/instructor/example_confirm_delete.html",
        {"quiz": quiz, "example": example, "calibrated": example.attempts.count()},
    )


@instructor_required
def answer(request, pk: int):
    """One answer: every review with its reviewer, the peer score, and the override."""
    submission = selectors.submission_for_instructor(
        user=request.user, submission_id=pk
    )
    criteria = submission.question.marking_criteria()
    result = selectors.result_of(submission)
    initial = {}
    if result is not None and result.final_levels:
        initial = {f"c{i}": str(level) for i, level in enumerate(result.final_levels)}
        initial["reason"] = result.override_reason
    form = OverrideForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.override_result(
                submission_id=submission.pk,
                instructor=request.user,
                levels=form.levels(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("The score is overridden."))
            return redirect("peer-instructor:answer", pk=submission.pk)
    return render(
        request,
        "peerreview/instructor/answer.html",
        {
            "submission": submission,
            "result": result,
            "result_rows": selectors.rubric_rows(criteria, result.levels)
            if result
            else [],
            "reviews": [
                {"review": r, "rows": selectors.rubric_rows(criteria, r.levels)}
                for r in submission.reviews.all()
            ],
            "parts": selectors.justification_parts(submission.response.answer),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
