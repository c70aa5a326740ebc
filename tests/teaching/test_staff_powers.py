"""Being staff grants no power over cohorts; the teach_all_cohorts permission does.

Also: an instructor learns nothing about accounts outside their cohort from refusals.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courses.models import Cohort
from quizzes import services
from quizzes.services.assignments import NotCohortInstructor
from tests.accounts.factories import UserFactory
from tests.helpers.factories import AssignmentFactory, cohort_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    cohort, instructor, members = cohort_with(students=2)
    assignment = AssignmentFactory(cohort=cohort)
    return {
        "cohort": cohort,
        "instructor": instructor,
        "members": members,
        "assignment": assignment,
    }


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _staff_with_permission():
    staff = UserFactory(is_staff=True)
    teachers = Group.objects.create(name="Head teachers")
    teachers.permissions.add(
        Permission.objects.get(
            codename="teach_all_cohorts", content_type__app_label="courses"
        )
    )
    staff.groups.add(teachers)
    return staff


def test_staff_without_the_permission_get_no_instructor_powers(cohort, client):
    staff = UserFactory(is_staff=True)
    assert not Cohort.objects.taught_by(staff).exists()
    client.force_login(staff)
    assert client.get(reverse("instructor:dashboard")).status_code == 403
    cohort_page = reverse("instructor:cohort", args=[cohort["cohort"].pk])
    assert client.get(cohort_page).status_code == 403
    api = _api(staff)
    assert api.get(reverse("api-cohort-list")).status_code == 404
    gradebook = reverse("api-cohort-gradebook", args=[cohort["cohort"].pk])
    assert api.get(gradebook).status_code == 404
    assert client.get(reverse("reports:index")).status_code == 404
    with pytest.raises(NotCohortInstructor):
        services.grant_extension(
            assignment=cohort["assignment"],
            student=cohort["members"][0],
            instructor=staff,
            reason="Because I am staff",
            extra_attempts=1,
        )


def test_staff_given_teach_all_cohorts_teach_every_cohort(cohort, client):
    staff = _staff_with_permission()
    client.force_login(staff)
    assert client.get(reverse("instructor:dashboard")).status_code == 200
    listed = _api(staff).get(reverse("api-cohort-list"))
    assert listed.status_code == 200
    assert cohort["cohort"].name in listed.content.decode()
    extension = services.grant_extension(
        assignment=cohort["assignment"],
        student=cohort["members"][0],
        instructor=staff,
        reason="Granted by the head teacher",
        extra_attempts=1,
    )
    assert extension.granted_by == staff


def test_an_extension_refusal_does_not_reveal_accounts_outside_the_cohort(cohort):
    api = _api(cohort["instructor"])
    url = reverse("api-assignment-extensions", args=[cohort["assignment"].pk])
    stranger = UserFactory(email="someone.else@example.org", first_name="Secret")
    missing_id = stranger.pk + 1000

    def refusal(student_id):
        response = api.post(
            url,
            {"student": student_id, "reason": "Illness", "extra_attempts": 1},
            format="json",
        )
        assert response.status_code == 400
        return response.json()

    exists, absent = refusal(stranger.pk), refusal(missing_id)
    assert exists == absent
    assert "someone.else" not in str(exists) and "Secret" not in str(exists)
    # A member of the cohort still gets the extension.
    granted = api.post(
        url,
        {
            "student": cohort["members"][0].pk,
            "reason": "Illness",
            "due_at": (timezone.now() + timedelta(days=9)).isoformat(),
        },
        format="json",
    )
    assert granted.status_code == 201


def test_the_instructor_link_shows_only_to_those_with_instructor_powers(client):
    link = reverse("instructor:dashboard")
    client.force_login(UserFactory(is_staff=True))
    assert f'href="{link}"' not in client.get(reverse("home")).content.decode()
    client.force_login(_staff_with_permission())
    assert f'href="{link}"' in client.get(reverse("home")).content.decode()
