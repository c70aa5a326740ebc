"""Names and Role Provisioning: the LMS roster mirrored into the cohort."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lti_tool.models import LtiUser

from courses.models import CohortMembership
from lti import tasks
from lti.models import ContextCohort
from tests.accounts.factories import UserFactory
from tests.lti.conftest import launch, quiz_claims
from tests.lti.platform import INSTRUCTOR, LEARNER, TA

pytestmark = pytest.mark.django_db


def member(sub: str, roles: list[str], status: str = "Active") -> dict:
    return {"user_id": sub, "roles": roles, "status": status, "name": f"Person {sub}"}


def _user(sub: str):
    return LtiUser.objects.get(sub=sub).auth_user


@pytest.fixture
def teacher_client(client, platform, registration, quiz):
    response = launch(
        client, platform, sub="t-1", roles=[INSTRUCTOR], **quiz_claims(quiz, platform)
    )
    assert response.status_code == 302
    platform.tool_jwks = client.get(reverse("lti:jwks")).json()
    return client


def test_sync_adds_removes_and_changes_roles(teacher_client, platform):
    cohort = ContextCohort.objects.get().cohort
    outsider = UserFactory()  # joined by code, not through the LMS: left alone
    CohortMembership.objects.create(cohort=cohort, student=outsider)
    platform.members = [
        member("t-1", [INSTRUCTOR]),
        member("a", [LEARNER]),
        member("b", ["Learner"]),
        member("c", [LEARNER], status="Inactive"),
    ]

    page = teacher_client.post(reverse("lti:roster-sync"), {"cohort": cohort.pk})

    assert page.status_code == 302
    followed = teacher_client.get(page["Location"])
    assert b"2 added, 0 removed, 0 with a new role" in followed.content
    students = set(cohort.memberships.values_list("student_id", flat=True))
    assert students == {outsider.pk, _user("a").pk, _user("b").pk}

    platform.members = [member("t-1", [INSTRUCTOR]), member("b", [TA])]
    result = tasks.sync_rosters()

    assert result == {"synced": 1, "failed": 0}
    assert set(cohort.memberships.values_list("student_id", flat=True)) == {outsider.pk}
    assert set(cohort.instructors.all()) == {_user("t-1"), _user("b")}
    assert platform.membership_requests == 2


def test_only_the_cohorts_instructor_may_sync(client, teacher_client, platform):
    cohort = ContextCohort.objects.get().cohort
    teacher_client.logout()
    client.force_login(UserFactory())
    response = client.post(reverse("lti:roster-sync"), {"cohort": cohort.pk})
    assert response.status_code == 404
    assert platform.membership_requests == 0
