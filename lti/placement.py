"""Turn a validated launch into a signed-in local account placed in the mirrored cohort."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from lti_tool.models import LtiContext, LtiLaunch, LtiUser
from lti_tool.utils import sync_data_from_launch

from accounts.models import User
from courses import services as course_services
from courses.models import Cohort, CohortMembership, Course, Lesson
from quizzes.models import Quiz

from .errors import LaunchRefused
from .models import ContextCohort, LinkedResource

ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"
CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
# Context roles that teach (LTI Core 1.3, A.2.2); TeachingAssistant is a sub-role of
# Instructor, written ".../membership/Instructor#TeachingAssistant".
TEACHING_ROLES = (
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#TeachingAssistant",
)


def teaches(roles: list[str]) -> bool:
    """Whether LTI roles make someone an instructor of the context."""
    full = [
        r if "/" in r else f"http://purl.imsglobal.org/vocab/lis/v2/membership#{r}"
        for r in roles or []
    ]
    return any(r.startswith(TEACHING_ROLES) for r in full)


@dataclass
class LaunchPlacement:
    user: User
    context: LtiContext
    instructor: bool
    target: LinkedResource | None


def local_email(lti_user: LtiUser) -> str:
    """The placeholder address of a linked account: e-mail is never LTI identity."""
    digest = hashlib.sha256(
        f"{lti_user.registration.uuid}:{lti_user.sub}".encode()
    ).hexdigest()[:24]
    return f"lti-{digest}@lti.invalid"


def link_account(*, lti_user: LtiUser, instructor: bool) -> User:
    """The local account linked to (platform, sub), created on first launch."""
    lti_user = LtiUser.objects.select_for_update().get(pk=lti_user.pk)
    user = lti_user.auth_user
    if user is None:
        user = User(
            email=local_email(lti_user),
            first_name=(lti_user.given_name or lti_user.name)[:150],
            last_name=lti_user.family_name[:150],
            role=User.Role.INSTRUCTOR if instructor else User.Role.STUDENT,
            # The LMS vouched for this person; the address is a placeholder we never mail.
            email_verified_at=timezone.now(),
            progress_emails=False,
        )
        user.set_unusable_password()
        user.save()
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user"])
    elif instructor and user.role != User.Role.INSTRUCTOR:
        user.role = User.Role.INSTRUCTOR
        user.save(update_fields=["role"])
    return user


def _target_from_claims(lti_launch: LtiLaunch) -> LinkedResource | None:
    resource_link = lti_launch.resource_link
    custom = lti_launch.get_claim(CUSTOM_CLAIM) or {}
    ags = lti_launch.get_claim(AGS_CLAIM) or {}
    existing = LinkedResource.objects.filter(resource_link=resource_link).first()
    quiz = lesson = None
    if str(custom.get("tradeoffs_quiz", "")).isdigit():
        quiz = Quiz.objects.filter(pk=int(custom["tradeoffs_quiz"])).first()
    elif str(custom.get("tradeoffs_lesson", "")).isdigit():
        lesson = Lesson.objects.filter(pk=int(custom["tradeoffs_lesson"])).first()
    if quiz is None and lesson is None:
        if existing is None:
            return None
        quiz, lesson = existing.quiz, existing.lesson
    target, _created = LinkedResource.objects.update_or_create(
        resource_link=resource_link,
        defaults={
            "quiz": quiz,
            "lesson": lesson,
            "lineitem_url": ags.get("lineitem", "") if quiz else "",
        },
    )
    return target


def mirror_cohort(*, context: LtiContext, course: Course) -> Cohort:
    """The cohort mirroring the LMS context, made on the context's first launch."""
    link = (
        ContextCohort.objects.select_related("cohort").filter(context=context).first()
    )
    if link is not None:
        return link.cohort
    title = context.title or context.label or context.id_on_platform
    cohort = Cohort.objects.create(
        course=course, name=f"{title[:90]} (LMS {context.pk})"
    )
    ContextCohort.objects.create(context=context, cohort=cohort)
    return cohort


def place_member(*, cohort: Cohort, user: User, instructor: bool) -> None:
    """Put the user in the cohort with the role the LMS gives them there."""
    if instructor:
        cohort.instructors.add(user)
        CohortMembership.objects.filter(cohort=cohort, student=user).delete()
        return
    try:
        course_services.enroll(user=user, course=cohort.course)
    except ValidationError as exc:
        raise LaunchRefused("no_target", "; ".join(exc.messages)) from exc
    CohortMembership.objects.get_or_create(cohort=cohort, student=user)
    cohort.instructors.remove(user)


@transaction.atomic
def place_launch(*, lti_launch: LtiLaunch) -> LaunchPlacement:
    """Record the launch (django-lti's rows), link the account, mirror the cohort."""
    sync_data_from_launch(lti_launch)
    instructor = teaches(lti_launch.get_claim(ROLES_CLAIM))
    user = link_account(lti_user=lti_launch.user, instructor=instructor)
    context = lti_launch.context
    target = None
    if lti_launch.is_resource_launch:
        target = _target_from_claims(lti_launch)
        if target is None:
            raise LaunchRefused("no_target", "resource link without a target")
        course = (target.quiz or target.lesson).course
        cohort = mirror_cohort(context=context, course=course)
        place_member(cohort=cohort, user=user, instructor=instructor)
    return LaunchPlacement(
        user=user, context=context, instructor=instructor, target=target
    )
