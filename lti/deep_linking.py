"""Deep Linking 2.0: an instructor picks a lesson or quiz; the LMS gets a link to it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from core.middleware import CSP_HEADER, SITE_POLICY, render_policy
from courses.models import Course, Lesson
from quizzes.models import Quiz

from . import embedding, placement
from .errors import LaunchRefused
from .launch import restored_launch
from .views import LAUNCH_SESSION_KEY, refused

DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def catalogue() -> list[Course]:
    """Published courses with their published lessons and quizzes (three queries)."""
    return list(
        Course.objects.published()
        .order_by("title")
        .prefetch_related(
            Prefetch("lessons", queryset=Lesson.objects.filter(published=True)),
            Prefetch(
                "quizzes",
                queryset=Quiz.objects.filter(published=True).order_by("title"),
            ),
        )
    )


def resource_for(request: HttpRequest, choice: str) -> DeepLinkResource | None:
    """The content item for a picked `quiz:ID` or `lesson:ID`, or None."""
    kind, _sep, pk = choice.partition(":")
    if not pk.isdigit():
        return None
    launch_url = request.build_absolute_uri(reverse("lti:launch"))
    if kind == "quiz":
        quiz = Quiz.objects.published().filter(pk=int(pk)).first()
        if quiz is None:
            return None
        line_item = (
            LineItem()
            .set_label(quiz.title)
            .set_score_maximum(100)
            .set_resource_id(f"quiz-{quiz.pk}")
            .set_tag("tradeoffs-quiz")
        )
        return (
            DeepLinkResource()
            .set_url(launch_url)
            .set_title(quiz.title)
            .set_custom_params({"tradeoffs_quiz": str(quiz.pk)})
            .set_lineitem(line_item)
        )
    if kind == "lesson":
        lesson = Lesson.objects.published().filter(pk=int(pk)).first()
        if lesson is None:
            return None
        return (
            DeepLinkResource()
            .set_url(launch_url)
            .set_title(lesson.title)
            .set_custom_params({"tradeoffs_lesson": str(lesson.pk)})
        )
    return None


@login_required
@require_http_methods(["GET", "POST"])
def picker(request: HttpRequest) -> HttpResponse:
    """The catalogue to pick from; the pick goes back to the LMS as a signed response."""
    launch_id = request.session.get(LAUNCH_SESSION_KEY)
    if not launch_id:
        return refused(request, LaunchRefused("no_launch", "no launch in session"))
    try:
        launch = restored_launch(request, launch_id)
    except LaunchRefused as refusal:
        return refused(request, refusal)
    if not launch.is_deep_link_launch():
        return refused(request, LaunchRefused("no_launch", "not a deep-link launch"))
    if not placement.teaches(launch.get_launch_data().get(placement.ROLES_CLAIM)):
        return refused(request, LaunchRefused("not_instructor", "picker for learner"))
    if request.method == "POST":
        resource = resource_for(request, request.POST.get("item", ""))
        if resource is None:
            return render(
                request,
                "lti/deep_link_picker.html",
                {"courses": catalogue(), "error": True},
                status=400,
            )
        deep_link = launch.get_deep_link()
        return_url = launch.get_launch_data()[DL_SETTINGS]["deep_link_return_url"]
        response = render(
            request,
            "lti/deep_link_return.html",
            {
                "return_url": return_url,
                "jwt": deep_link.get_response_jwt([resource]),
                "title": resource.get_title(),
            },
        )
        # The one page whose form posts off-site: to the LMS's return URL only.
        origins = request.session.get(embedding.SESSION_KEY, {}).get("origins", [])
        response[CSP_HEADER] = render_policy(
            {
                **SITE_POLICY,
                "frame-ancestors": origins or ["'none'"],
                "form-action": ["'self'", embedding.origin(return_url) or "'none'"],
            }
        )
        response.xframe_options_exempt = True
        return response
    return render(request, "lti/deep_link_picker.html", {"courses": catalogue()})
