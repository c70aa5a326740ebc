"""Peer review per assignment: the instructor of the cohort sets it where they assign
the quiz; errors show on the fields; nobody else reaches the form."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Assignment
from tests.accounts.factories import InstructorFactory
from tests.helpers.factories import AssignmentFactory, QuizFactory, cohort_with

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture
def taught(client):
    cohort, instructor, students = cohort_with(students=2)
    client.force_login(instructor)
    return cohort, instructor, students


def _body(opens, **peer):
    return {
        "opens_at": opens.strftime(LOCAL),
        "due_at": (opens + timedelta(days=7)).strftime(LOCAL),
        "attempts_allowed": "",
        "time_limit_minutes": "",
        "peer_review": "",
        "peer_review_deadline": "",
        "peer_scores_count": "",
        **peer,
    }


def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


def test_assigning_a_quiz_sets_its_peer_review_for_the_cohort(client, taught):
    cohort, _instructor, _students = taught
    quiz = QuizFactory(course=cohort.course)
    opens = _now()
    deadline = opens + timedelta(days=10)
    response = client.post(
        reverse("instructor:assignment-create", kwargs={"pk": cohort.pk}),
        {
            "quiz": quiz.pk,
            **_body(
                opens,
                peer_review="on",
                peer_review_deadline=deadline.strftime(LOCAL),
                peer_scores_count="off",
            ),
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(cohort=cohort, quiz=quiz)
    assert assignment.peer_review is True
    assert assignment.peer_review_deadline == deadline
    assert assignment.peer_scores_count is False


def test_left_as_the_quiz_is_set_the_assignment_keeps_no_peer_setting(client, taught):
    cohort, _instructor, _students = taught
    quiz = QuizFactory(course=cohort.course)
    client.post(
        reverse("instructor:assignment-create", kwargs={"pk": cohort.pk}),
        {"quiz": quiz.pk, **_body(_now())},
    )
    assignment = Assignment.objects.get(cohort=cohort, quiz=quiz)
    assert (
        assignment.peer_review,
        assignment.peer_review_deadline,
        assignment.peer_scores_count,
    ) == (None, None, None)


def test_the_edit_form_shows_the_assignment_peer_settings_in_their_fieldset(
    client, taught
):
    cohort, _instructor, _students = taught
    assignment = AssignmentFactory(
        cohort=cohort, peer_review=False, peer_scores_count=None
    )
    page = client.get(
        reverse("instructor:assignment-edit", kwargs={"pk": assignment.pk})
    )
    assert page.status_code == 200
    form = page.context["form"]
    assert form["peer_review"].value() == "off"
    assert form["peer_scores_count"].value() == ""
    assert "Peer review for this cohort" in page.text


def test_editing_changes_and_clears_the_peer_settings(client, taught):
    cohort, _instructor, _students = taught
    assignment = AssignmentFactory(cohort=cohort, peer_review=True)
    opens = timezone.localtime(assignment.opens_at).replace(second=0, microsecond=0)
    url = reverse("instructor:assignment-edit", kwargs={"pk": assignment.pk})
    assert client.post(url, _body(opens, peer_scores_count="on")).status_code == 302
    assignment.refresh_from_db()
    assert assignment.peer_review is None and assignment.peer_scores_count is True


@pytest.mark.parametrize(
    ("peer", "field", "message"),
    [
        (
            {"peer_review": "off", "peer_scores_count": "on"},
            "peer_review",
            "Peer review is off for this cohort: leave its deadline and scoring empty.",
        ),
        (
            {"peer_review_deadline": "OPENS-1"},
            "peer_review_deadline",
            "The review deadline must be after the open date.",
        ),
        (
            {"peer_review": "maybe"},
            "peer_review",
            "Select a valid choice. maybe is not one of the available choices.",
        ),
    ],
)
def test_invalid_peer_settings_show_on_their_field(
    client, taught, peer, field, message
):
    cohort, _instructor, _students = taught
    quiz = QuizFactory(course=cohort.course)
    opens = _now()
    if peer.get("peer_review_deadline") == "OPENS-1":
        peer = {"peer_review_deadline": (opens - timedelta(days=1)).strftime(LOCAL)}
    response = client.post(
        reverse("instructor:assignment-create", kwargs={"pk": cohort.pk}),
        {"quiz": quiz.pk, **_body(opens, **peer)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_instructors_of_the_cohort_reach_the_peer_settings(client, method):
    cohort, _instructor, students = cohort_with(students=1)
    assignment = AssignmentFactory(cohort=cohort)
    url = reverse("instructor:assignment-edit", kwargs={"pk": assignment.pk})
    body = _body(_now(), peer_review="on") if method == "post" else None
    client.force_login(students[0])
    assert getattr(client, method)(url, body).status_code == 403
    client.force_login(InstructorFactory())
    assert getattr(client, method)(url, body).status_code == 404
    assignment.refresh_from_db()
    assert assignment.peer_review is None
