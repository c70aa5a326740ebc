"""Instructor pages that change who is in a cohort: join codes, adding and removing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import services as course_services

from . import selectors
from .forms import AddStudentForm
from .permissions import instructor_required

ROSTER_PAGE = 50


def cohort_page_context(request, cohort, *, add_form: AddStudentForm | None = None):
    """What the cohort page shows: assignments, roster, join code and the add form."""
    join_url = ""
    if cohort.join_code:
        join_url = request.build_absolute_uri(
            f"{reverse('join')}?code={cohort.join_code_display}"
        )
    students = Paginator(selectors.roster(cohort), ROSTER_PAGE)
    return {
        "cohort": cohort,
        "assignments": selectors.cohort_assignments(cohort),
        "students": students.get_page(request.GET.get("page")),
        "now": timezone.now(),
        "join_url": join_url,
        "add_form": add_form or AddStudentForm(),
    }


@require_POST
@instructor_required
def join_code(request, pk: int):
    """Make a new join code for the cohort, or turn joining by code off."""
    cohort = selectors.cohort_for(user=request.user, cohort_id=pk)
    if request.POST.get("action") == "disable":
        course_services.disable_join_code(cohort=cohort)
        messages.success(request, _("Joining by code is off for this cohort."))
    else:
        course_services.rotate_join_code(cohort=cohort)
        messages.success(
            request,
            _("The new join code is %(code)s; the old one no longer works.")
            % {"code": cohort.join_code_display},
        )
    return redirect("instructor:cohort", pk=cohort.pk)


@require_POST
@instructor_required
def add_student(request, pk: int):
    """Put a student with an account in the cohort (and its course)."""
    cohort = selectors.cohort_for(user=request.user, cohort_id=pk)
    form = AddStudentForm(request.POST)
    if form.is_valid():
        try:
            membership, created = course_services.add_student(
                cohort=cohort, email=form.cleaned_data["email"]
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            text = (
                _("%(student)s is now in %(cohort)s.")
                if created
                else _("%(student)s was already in %(cohort)s.")
            )
            messages.success(
                request, text % {"student": membership.student, "cohort": cohort.name}
            )
            return redirect("instructor:cohort", pk=cohort.pk)
    return render(
        request,
        "instructor/cohort_detail.html",
        cohort_page_context(request, cohort, add_form=form),
        status=400,
    )


@require_POST
@instructor_required
def remove_student(request, pk: int, student_id: int):
    """Take a student out of the cohort; their enrolment and work are kept."""
    cohort = selectors.cohort_for(user=request.user, cohort_id=pk)
    # Looked up through the roster, so the page says nothing of accounts outside it.
    membership = (
        cohort.memberships.filter(student_id=student_id)
        .select_related("student")
        .first()
    )
    if membership is not None and course_services.remove_student(
        cohort=cohort, student_id=student_id
    ):
        messages.success(
            request,
            _("%(student)s is no longer in %(cohort)s; their work is kept.")
            % {"student": membership.student, "cohort": cohort.name},
        )
    else:
        messages.info(
            request,
            _("That student is not in %(cohort)s.") % {"cohort": cohort.name},
        )
    return redirect("instructor:cohort", pk=cohort.pk)
