"""Course pages: home, catalogue, outline, lessons, enrolment, completion, joining."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import JoinCodeForm
from .throttles import join_allowed


def home(request):
    """Say what the platform is to visitors; show signed-in users where they left off."""
    courses = (
        selectors.dashboard_for(request.user) if request.user.is_authenticated else []
    )
    return render(request, "home.html", {"courses": courses})


def catalogue(request):
    """List the published courses with the user's enrolment and progress."""
    courses = selectors.catalogue_for(request.user)
    return render(request, "courses/catalogue.html", {"courses": courses})


def course_detail(request, slug):
    """Show a course's lessons in order with the user's completion state."""
    course = selectors.get_visible_course(request.user, slug)
    outline = selectors.course_outline(course, request.user)
    return render(
        request, "courses/course_detail.html", {"outline": outline, "course": course}
    )


def lesson_detail(request, course_slug, slug):
    """Show one lesson, its objectives and tradeoffs, and links to its neighbours."""
    page = selectors.lesson_with_neighbours(
        request.user, course_slug=course_slug, slug=slug
    )
    return render(
        request,
        "courses/lesson_detail.html",
        {"page": page, "lesson": page.lesson, "course": page.lesson.course},
    )


@require_POST
@login_required
def enroll(request, slug):
    """Enrol the user in the course; a second enrolment only says they already are."""
    course = selectors.get_visible_course(request.user, slug)
    try:
        _enrollment, created = services.enroll(user=request.user, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(course)
    if created:
        messages.success(
            request, _("You are enrolled in %(course)s.") % {"course": course}
        )
    else:
        messages.info(
            request, _("You are already enrolled in %(course)s.") % {"course": course}
        )
    return redirect(course)


@require_POST
@login_required
def complete_lesson(request, course_slug, slug):
    """Mark the lesson complete and move on to the next one."""
    page = selectors.lesson_with_neighbours(
        request.user, course_slug=course_slug, slug=slug
    )
    lesson = page.lesson
    try:
        _completion, created = services.complete_lesson(
            user=request.user, lesson=lesson
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(lesson)
    if created:
        messages.success(
            request, _("“%(lesson)s” marked complete.") % {"lesson": lesson}
        )
    else:
        messages.info(
            request, _("You had already completed “%(lesson)s”.") % {"lesson": lesson}
        )
    return redirect(page.next or lesson.course)


@login_required
def join_cohort(request):
    """Join a cohort with the code an instructor shared (typed, or from a shared link).

    A link (GET ?code=) only shows which cohort the code opens; joining is the POST.
    """
    data = request.POST if request.method == "POST" else request.GET
    form = JoinCodeForm(data if "code" in data else None)
    context = {"form": form, "cohort": None}
    if not form.is_bound:
        return render(request, "courses/join.html", context)
    if not join_allowed(request):
        context["throttled"] = True
        return render(request, "courses/join.html", context, status=429)
    if not form.is_valid():
        return render(request, "courses/join.html", context, status=400)
    code = form.cleaned_data["code"]
    try:
        if request.method != "POST":
            context["cohort"] = services.cohort_for_code(code)
            return render(request, "courses/join.html", context)
        membership, created = services.join_cohort(user=request.user, code=code)
    except ValidationError as error:
        form.add_error("code", error)
        return render(request, "courses/join.html", context, status=400)
    cohort = membership.cohort
    text = (
        _("You joined %(cohort)s. Your instructors now see your work.")
        if created
        else _("You are already in %(cohort)s.")
    )
    messages.success(request, text % {"cohort": cohort.name})
    return redirect(cohort.course)
