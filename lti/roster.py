"""Names and Role Provisioning (NRPS 2.0) roster sync, and the instructor's LTI page."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from lti_tool.models import LtiMembership, LtiUser

from courses.models import Cohort, CohortMembership, teaches_every_cohort

from . import placement
from .models import ContextCohort, Score
from .passback import client

logger = logging.getLogger("tradeoffs.lti")

MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
# Pages of members followed at most (a section of thousands fits in a few).
MAX_PAGES = 50


@dataclass
class SyncResult:
    added: int = 0
    removed: int = 0
    role_changed: int = 0


def fetch_members(link: ContextCohort) -> list[dict]:
    """Every member the LMS lists for the context, following `rel="next"` pages."""
    context = link.context
    registration = context.deployment.registration
    url, members = context.memberships_url, []
    for _page in range(MAX_PAGES):
        if not url:
            break
        body, url = client.get_json(
            registration=registration,
            url=url,
            scope=client.NRPS_SCOPE,
            accept=MEMBERSHIP_TYPE,
        )
        members += body.get("members", [])
    return members


@transaction.atomic
def apply_members(*, link: ContextCohort, members: list[dict]) -> SyncResult:
    """Make the cohort match the LMS roster; members not linked through LTI stay."""
    context = link.context
    cohort = Cohort.objects.select_for_update().get(pk=link.cohort_id)
    registration = context.deployment.registration
    result = SyncResult()
    students_before = set(
        CohortMembership.objects.filter(cohort=cohort).values_list(
            "student_id", flat=True
        )
    )
    instructors_before = set(cohort.instructors.values_list("pk", flat=True))
    listed = set()
    for member in members:
        lti_user, _created = LtiUser.objects.update_or_create(
            registration=registration,
            sub=member["user_id"],
            defaults={
                k: member[k]
                for k in ("given_name", "family_name", "name")
                if member.get(k)
            },
        )
        instructor = placement.teaches(member.get("roles", []))
        active = member.get("status", "Active") == "Active"
        LtiMembership.objects.update_or_create(
            context=context,
            user=lti_user,
            defaults={
                "is_instructor": instructor,
                "is_learner": not instructor,
                "is_active": active,
            },
        )
        if not active:
            continue
        user = placement.link_account(lti_user=lti_user, instructor=instructor)
        listed.add(user.pk)
        was = (
            "instructor"
            if user.pk in instructors_before
            else "student"
            if user.pk in students_before
            else None
        )
        now = "instructor" if instructor else "student"
        if was != now:
            placement.place_member(cohort=cohort, user=user, instructor=instructor)
            if was is None:
                result.added += 1
            else:
                result.role_changed += 1
    linked = set(
        LtiUser.objects.filter(
            registration=registration, auth_user__isnull=False
        ).values_list("auth_user_id", flat=True)
    )
    gone = (students_before | instructors_before) & linked - listed
    if gone:
        CohortMembership.objects.filter(cohort=cohort, student_id__in=gone).delete()
        cohort.instructors.remove(*gone)
        result.removed = len(gone)
    link.synced_at = timezone.now()
    link.save(update_fields=["synced_at"])
    return result


def sync_cohort(link: ContextCohort) -> SyncResult:
    """Fetch the roster (outside any transaction), then apply it in one."""
    return apply_members(link=link, members=fetch_members(link))


def sync_all() -> dict:
    """Sync every mirrored cohort whose LMS offers NRPS; one failure stops no other."""
    done = failed = 0
    for link in ContextCohort.objects.exclude(
        context__memberships_url=""
    ).select_related("context__deployment__registration"):
        try:
            sync_cohort(link)
            done += 1
        except client.SendFailure as failure:
            failed += 1
            logger.warning("Roster sync of %s failed: %s", link, failure)
    return {"synced": done, "failed": failed}


def _taught_links(user):
    links = ContextCohort.objects.select_related(
        "cohort__course", "context__deployment__registration"
    ).order_by("cohort__name")
    if teaches_every_cohort(user):
        return links
    return links.filter(cohort__instructors=user)


@login_required
@require_GET
def scores(request: HttpRequest) -> HttpResponse:
    """The instructor's LMS page: mirrored cohorts, their last sync, refused scores."""
    user = request.user
    if not (user.is_instructor or teaches_every_cohort(user)):
        raise PermissionDenied
    links = list(_taught_links(user))
    problems = (
        Score.objects.filter(
            context__in=[link.context_id for link in links],
            state__in=[Score.State.FAILED, Score.State.PENDING],
        )
        .select_related("student", "quiz")
        .order_by("-created_at")[:100]
    )
    return render(
        request, "lti/scores.html", {"links": links, "problems": list(problems)}
    )


@login_required
@require_POST
def sync(request: HttpRequest) -> HttpResponse:
    """Sync one mirrored cohort's roster now."""
    link = get_object_or_404(
        _taught_links(request.user), cohort_id=request.POST.get("cohort")
    )
    try:
        result = sync_cohort(link)
    except client.SendFailure as failure:
        messages.error(
            request,
            _("The LMS did not give the roster (%(reason)s). Try again later.")
            % {"reason": failure.reason[:200]},
        )
    else:
        messages.success(
            request,
            _(
                "Roster synced: %(added)d added, %(removed)d removed, "
                "%(role_changed)d with a new role."
            )
            % asdict(result),
        )
    return redirect("lti:scores")
