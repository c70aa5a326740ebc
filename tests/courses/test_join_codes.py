"""Cohort join codes: unguessable, rotatable, can be off; joining is idempotent and enrols."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from courses import join_codes, services
from courses.models import Cohort, CohortMembership, Course, Enrollment
from tests.accounts.factories import UserFactory
from tests.courses.factories import CohortFactory, CourseFactory


def test_codes_are_ten_random_base32_characters():
    codes = {join_codes.new_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(join_codes.normalise(code) == code for code in codes)


@pytest.mark.parametrize(
    "typed", ["abcde-fghjk", " ABCDE FGHJK ", "ABCDEFGHJK", "abcde_fghjk"]
)
def test_typed_codes_forgive_case_spaces_and_dashes(typed):
    assert join_codes.normalise(typed) == "ABCDEFGHJK"


def test_letters_confused_with_digits_are_read_as_digits():
    assert join_codes.normalise("O1I2L-34567") == "0112134567"


@pytest.mark.parametrize("typed", ["", "ABCDE", "ABCDEFGHJKM", "ABCDE-FGHJ!"])
def test_what_cannot_be_a_code_is_refused(typed):
    assert join_codes.normalise(typed) is None


@pytest.mark.django_db
def test_the_database_refuses_a_malformed_code():
    cohort = CohortFactory()
    with pytest.raises(IntegrityError):
        Cohort.objects.filter(pk=cohort.pk).update(join_code="short")


@pytest.mark.django_db
def test_joining_enrols_and_twice_is_once():
    cohort = CohortFactory()
    code = services.rotate_join_code(cohort=cohort)
    student = UserFactory()
    first, created = services.join_cohort(user=student, code=code.lower())
    again, created_again = services.join_cohort(
        user=student, code=join_codes.display(code)
    )
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert CohortMembership.objects.filter(cohort=cohort, student=student).count() == 1
    assert Enrollment.objects.filter(user=student, course=cohort.course).count() == 1


@pytest.mark.django_db
def test_a_new_code_retires_the_old_one():
    cohort = CohortFactory()
    old = services.rotate_join_code(cohort=cohort)
    new = services.rotate_join_code(cohort=cohort)
    assert old != new
    with pytest.raises(ValidationError):
        services.join_cohort(user=UserFactory(), code=old)
    services.join_cohort(user=UserFactory(), code=new)


@pytest.mark.django_db
def test_a_disabled_code_lets_nobody_in_and_members_stay():
    cohort = CohortFactory()
    code = services.rotate_join_code(cohort=cohort)
    member = UserFactory()
    services.join_cohort(user=member, code=code)
    services.disable_join_code(cohort=cohort)
    cohort.refresh_from_db()
    assert cohort.join_code is None
    with pytest.raises(ValidationError):
        services.join_cohort(user=UserFactory(), code=code)
    assert cohort.memberships.filter(student=member).exists()


@pytest.mark.django_db
def test_a_draft_course_cannot_be_joined():
    cohort = CohortFactory(course=CourseFactory(status=Course.Status.DRAFT))
    code = services.rotate_join_code(cohort=cohort)
    with pytest.raises(ValidationError):
        services.join_cohort(user=UserFactory(), code=code)
    assert not CohortMembership.objects.exists()


@pytest.mark.django_db
def test_join_page_link_previews_then_post_joins(client):
    cohort = CohortFactory(name="Section B")
    code = services.rotate_join_code(cohort=cohort)
    student = UserFactory()
    client.force_login(student)
    preview = client.get(reverse("join"), {"code": join_codes.display(code)})
    assert preview.status_code == 200
    assert "Section B" in preview.content.decode()
    assert not CohortMembership.objects.exists()
    response = client.post(reverse("join"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] == cohort.course.get_absolute_url()
    assert CohortMembership.objects.filter(cohort=cohort, student=student).exists()
    again = client.post(reverse("join"), {"code": code}, follow=True)
    assert "already in Section B" in again.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["ZZZZZ-ZZZZZ", "nonsense"])
def test_a_wrong_code_is_a_clear_400(client, typed):
    client.force_login(UserFactory())
    response = client.post(reverse("join"), {"code": typed})
    assert response.status_code == 400
    assert "field__errors" in response.content.decode()
    assert not CohortMembership.objects.exists()


@pytest.mark.django_db
def test_the_join_page_needs_a_login(client):
    response = client.get(reverse("join"), {"code": "ABCDE-FGHJK"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_guessing_codes_is_throttled(client, monkeypatch):
    from django.core.cache import cache

    from courses.throttles import JoinCodeThrottle

    monkeypatch.setattr(JoinCodeThrottle, "rate", "3/hour", raising=False)
    cache.clear()
    client.force_login(UserFactory())
    try:
        statuses = [
            client.post(reverse("join"), {"code": "ZZZZZ-ZZZZZ"}).status_code
            for _ in range(4)
        ]
    finally:
        cache.clear()
    assert statuses == [400, 400, 400, 429]


@pytest.mark.django_db
def test_join_api_is_201_then_200_and_a_bad_code_is_400():
    from rest_framework.test import APIClient

    cohort = CohortFactory(name="Section C")
    code = services.rotate_join_code(cohort=cohort)
    student = UserFactory()
    api = APIClient()
    api.force_authenticate(student)
    url = reverse("api-cohort-join")
    first = api.post(url, {"code": join_codes.display(code).lower()}, format="json")
    again = api.post(url, {"code": code}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["cohort"] == "Section C"
    assert first.json()["course"] == cohort.course.slug
    assert again.json()["created"] is False
    for bad in ("", "ZZZZZ-ZZZZZ", "x" * 40):
        assert api.post(url, {"code": bad}, format="json").status_code == 400
    assert Enrollment.objects.filter(user=student, course=cohort.course).count() == 1


def test_the_sqlite_collation_orders_as_icu_does():
    from courses.collation import natural_key

    titles = ["Lesson 10 quiz", "lesson 2 quiz", "Final", "Lesson 1 quiz", "2 facts"]
    assert sorted(titles, key=natural_key) == [
        "2 facts",
        "Final",
        "Lesson 1 quiz",
        "lesson 2 quiz",
        "Lesson 10 quiz",
    ]
