"""Practice pages: a course's practice (start today's set) and a set, one question at a
time with its feedback straight after. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from courses import selectors as course_selectors
from quizzes import answer_form

from . import presenting, selectors, services
from .models import PracticeItem, PracticeSet


def _course_for_student(request, course_slug: str):
    course = course_selectors.get_visible_course(request.user, course_slug)
    if not selectors.is_enrolled(request.user, course):
        raise PermissionDenied(_("Only the course's enrolled students practise here."))
    return course


def _focus(request):
    raw = request.POST.get("tradeoff") or request.GET.get("tradeoff")
    return selectors.tradeoff_or_404(raw) if raw else None


@login_required
def course_practice(request, course_slug):
    """Today's practice of a course: mastery per tradeoff, what is due, and Start."""
    course = _course_for_student(request, course_slug)
    focus = _focus(request)
    now = timezone.now()
    today = PracticeSet.objects.filter(
        student=request.user,
        course=course,
        day=services.practice_day(request.user, now),
        focus=focus,
    ).first()
    open_ids = selectors.open_question_ids(request.user, course, now=now)
    return render(
        request,
        "practice/course.html",
        {
            "course": course,
            "focus": focus,
            "today": today,
            "open_count": len(open_ids),
            "due_count": selectors.due_count(request.user, now=now, open_ids=open_ids),
            "mastery": selectors.course_mastery(request.user, course).rows,
        },
    )


@require_POST
@login_required
def start(request, course_slug):
    """Start (or resume) today's set; a second click resumes the same set."""
    course = _course_for_student(request, course_slug)
    try:
        practice_set, _created = services.start_set(
            student=request.user, course=course, focus=_focus(request)
        )
    except DomainError as error:
        messages.info(request, error.message)
        return redirect("practice:course", course_slug=course.slug)
    return redirect(practice_set)


def _render_set(request, practice_set, *, states=None, error="", status=200):
    page = presenting.set_page(
        practice_set,
        selectors.items_of(practice_set),
        open_ids=selectors.open_question_ids(
            request.user, practice_set.course, now=timezone.now()
        ),
        states=states,
        error=error,
    )
    return render(
        request,
        "practice/set.html",
        {
            "page": page,
            "practice_set": practice_set,
            "course": practice_set.course,
            "question": page.current,
            "payload": {"questions": page.items},
        },
        status=status,
    )


@login_required
def practice_set(request, pk):
    """The set: the feedback on the last answer, then the next question."""
    return _render_set(request, selectors.set_for_student(request.user, pk))


@require_POST
@login_required
def answer(request, pk, position):
    """Mark one answer; a repeated POST (a double click) changes nothing."""
    practice_set = selectors.set_for_student(request.user, pk)
    page = presenting.set_page(
        practice_set,
        selectors.items_of(practice_set),
        open_ids=selectors.open_question_ids(
            request.user, practice_set.course, now=timezone.now()
        ),
    )
    view = next((v for v in page.items if v["position"] == position), None)
    if view is None:
        raise Http404("No such question in this set.")
    if view["answered"]:
        return redirect(practice_set)
    answers, unreadable, states = answer_form.read_answers([view], request.POST)
    if unreadable:
        return _render_set(
            request,
            practice_set,
            states=states,
            error=unreadable[view["id"]],
            status=400,
        )
    try:
        services.answer_item(
            practice_set=practice_set, position=position, answer=answers[view["id"]]
        )
    except PracticeItem.DoesNotExist:
        raise Http404("No such question in this set.") from None
    except ValidationError as error:
        return _render_set(
            request,
            practice_set,
            states=states,
            error=" ".join(error.messages),
            status=400,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(practice_set)
    return redirect(f"{practice_set.get_absolute_url()}#feedback")
