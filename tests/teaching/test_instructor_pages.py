"""Instructor pages (cohorts, assignments, extensions) and the student's assigned work."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import CohortMembership
from quizzes.models import Assignment, Extension
from tests.accounts.factories import UserFactory
from tests.courses.factories import CohortFactory
from tests.helpers.factories import (
    AssignmentFactory,
    QuizFactory,
    cohort_with,
    finished_attempt,
)

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _assert_no_inline_code(html: str) -> None:
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


@pytest.fixture
def taught(client):
    cohort, instructor, students = cohort_with(students=3)
    client.force_login(instructor)
    return cohort, instructor, students


def test_dashboard_lists_my_cohorts_with_their_counts(client, taught):
    cohort, instructor, _students = taught
    AssignmentFactory(cohort=cohort)
    not_mine = CohortFactory(name="Someone else's section")
    response = client.get(reverse("instructor:dashboard"))
    assert response.status_code == 200
    cohorts = list(response.context["cohorts"])
    assert [(c.pk, c.student_count, c.assignment_count) for c in cohorts] == [
        (cohort.pk, 3, 1)
    ]
    assert not_mine.name not in response.text
    assert "No answers are waiting for a score." in response.text
    _assert_no_inline_code(response.text)


def test_dashboard_says_when_i_teach_nothing(client):
    _cohort, instructor, _ = cohort_with()
    instructor.taught_cohorts.clear()
    client.force_login(instructor)
    response = client.get(reverse("instructor:dashboard"))
    assert "You do not teach any cohort yet." in response.text


def test_dashboard_query_count_does_not_grow_with_cohorts(client, taught):
    cohort, instructor, _students = taught
    url = reverse("instructor:dashboard")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        cohort_with(students=4, instructor=instructor)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)
    assert len(response.context["cohorts"]) == 6


def test_cohort_page_shows_roster_assignments_and_gradebook_link(client, taught):
    cohort, _instructor, students = taught
    assignment = AssignmentFactory(cohort=cohort, attempts_allowed=2)
    response = client.get(reverse("instructor:cohort", kwargs={"pk": cohort.pk}))
    html = response.text
    assert assignment.quiz.title in html
    assert all(s.email in html for s in students)
    assert reverse("instructor:gradebook", kwargs={"pk": cohort.pk}) in html
    assert reverse("instructor:extensions", kwargs={"pk": assignment.pk}) in html
    _assert_no_inline_code(html)


def test_cohort_page_paginates_a_long_roster(client, taught):
    cohort, _instructor, _students = taught
    CohortMembership.objects.bulk_create(
        CohortMembership(cohort=cohort, student=s) for s in UserFactory.create_batch(50)
    )
    url = reverse("instructor:cohort", kwargs={"pk": cohort.pk})
    assert len(client.get(url).context["students"]) == 50
    second = client.get(url, {"page": 2})
    assert len(second.context["students"]) == 3
    assert "Page 2 of 2" in second.text


def test_cohort_page_has_empty_states(client, taught):
    cohort, instructor, _students = taught
    empty = CohortFactory(course=cohort.course, instructors=[instructor])
    html = client.get(reverse("instructor:cohort", kwargs={"pk": empty.pk})).text
    assert "Nothing is assigned to this cohort yet." in html
    assert "No students have joined this cohort yet." in html


def test_assign_form_offers_only_unassigned_published_quizzes_of_the_course(
    client, taught
):
    cohort, _instructor, _students = taught
    open_quiz = QuizFactory(course=cohort.course, title="Remittances")
    assigned = AssignmentFactory(cohort=cohort).quiz
    QuizFactory(course=cohort.course, title="Draft quiz", published=False)
    QuizFactory(title="Another course's quiz")
    response = client.get(
        reverse("instructor:assignment-create", kwargs={"pk": cohort.pk})
    )
    offered = list(response.context["form"].fields["quiz"].queryset)
    assert offered == [open_quiz]
    assert assigned.title not in response.text
    _assert_no_inline_code(response.text)


def test_assigning_a_quiz_redirects_to_the_cohort_with_a_message(client, taught):
    cohort, instructor, _students = taught
    quiz = QuizFactory(course=cohort.course)
    opens = timezone.localtime().replace(second=0, microsecond=0)
    response = client.post(
        reverse("instructor:assignment-create", kwargs={"pk": cohort.pk}),
        {
            "quiz": quiz.pk,
            "opens_at": opens.strftime(LOCAL),
            "due_at": (opens + timedelta(days=7)).strftime(LOCAL),
            "attempts_allowed": "2",
            "time_limit_minutes": "",
        },
        follow=True,
    )
    assignment = Assignment.objects.get(cohort=cohort, quiz=quiz)
    assert assignment.due_at == opens + timedelta(days=7)
    assert assignment.attempts_allowed == 2
    assert assignment.created_by == instructor
    assert response.redirect_chain[-1][0] == reverse(
        "instructor:cohort", kwargs={"pk": cohort.pk}
    )
    assert f"“{quiz.title}” is assigned to {cohort.name}." in _messages(response)


def test_assign_form_shows_the_service_refusal_on_the_field(client, taught):
    cohort, _instructor, _students = taught
    quiz = QuizFactory(course=cohort.course)
    opens = timezone.localtime().replace(second=0, microsecond=0)
    response = client.post(
        reverse("instructor:assignment-create", kwargs={"pk": cohort.pk}),
        {
            "quiz": quiz.pk,
            "opens_at": opens.strftime(LOCAL),
            "due_at": (opens - timedelta(days=1)).strftime(LOCAL),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_at"] == [
        "The due date must be after the open date."
    ]
    assert not Assignment.objects.exists()


def test_assign_form_says_when_everything_is_assigned(client, taught):
    cohort, _instructor, _students = taught
    response = client.get(
        reverse("instructor:assignment-create", kwargs={"pk": cohort.pk})
    )
    assert "Every published quiz of this course is already assigned" in response.text


def test_editing_an_assignment_changes_its_due_date(client, taught):
    cohort, _instructor, _students = taught
    assignment = AssignmentFactory(cohort=cohort)
    new_due = timezone.localtime(assignment.due_at + timedelta(days=2)).replace(
        second=0, microsecond=0
    )
    response = client.post(
        reverse("instructor:assignment-edit", kwargs={"pk": assignment.pk}),
        {
            "opens_at": timezone.localtime(assignment.opens_at).strftime(LOCAL),
            "due_at": new_due.strftime(LOCAL),
            "attempts_allowed": "3",
            "time_limit_minutes": "45",
        },
        follow=True,
    )
    assignment.refresh_from_db()
    assert assignment.due_at == new_due
    assert (assignment.attempts_allowed, assignment.time_limit_minutes) == (3, 45)
    assert "The assignment is updated." in _messages(response)


def test_deleting_an_assignment_asks_first(client, taught):
    cohort, _instructor, _students = taught
    assignment = AssignmentFactory(cohort=cohort)
    url = reverse("instructor:assignment-delete", kwargs={"pk": assignment.pk})
    confirm = client.get(url)
    assert "Stop assigning" in confirm.text
    assert Assignment.objects.exists()
    response = client.post(url, follow=True)
    assert not Assignment.objects.exists()
    assert "is no longer assigned" in _messages(response)[0]


def test_granting_and_revoking_an_extension(client, taught):
    cohort, instructor, (ada, _ben, _cy) = taught
    assignment = AssignmentFactory(cohort=cohort)
    url = reverse("instructor:extensions", kwargs={"pk": assignment.pk})
    new_due = timezone.localtime(assignment.due_at + timedelta(days=3)).replace(
        second=0, microsecond=0
    )
    response = client.post(
        url,
        {
            "student": ada.pk,
            "due_at": new_due.strftime(LOCAL),
            "extra_minutes": "15",
            "extra_attempts": "",
            "reason": "Hospital stay",
            "expires_at": "",
        },
        follow=True,
    )
    extension = Extension.objects.get()
    assert (extension.student, extension.due_at, extension.extra_minutes) == (
        ada,
        new_due,
        15,
    )
    assert extension.granted_by == instructor
    assert f"Extension granted to {ada}." in _messages(response)
    assert "Hospital stay" in response.text
    _assert_no_inline_code(response.text)
    revoke = client.post(
        reverse("instructor:extension-revoke", kwargs={"pk": extension.pk}),
        follow=True,
    )
    assert not Extension.objects.exists()
    assert "is revoked" in _messages(revoke)[0]


def test_extension_form_offers_only_students_of_the_cohort(client, taught):
    cohort, _instructor, students = taught
    assignment = AssignmentFactory(cohort=cohort)
    outsider = UserFactory()
    url = reverse("instructor:extensions", kwargs={"pk": assignment.pk})
    offered = set(client.get(url).context["form"].fields["student"].queryset)
    assert offered == set(students)
    response = client.post(
        url, {"student": outsider.pk, "extra_attempts": "1", "reason": "x"}
    )
    assert "student" in response.context["form"].errors
    assert not Extension.objects.exists()


def test_extension_form_needs_something_to_extend(client, taught):
    cohort, _instructor, (ada, *_rest) = taught
    assignment = AssignmentFactory(cohort=cohort)
    response = client.post(
        reverse("instructor:extensions", kwargs={"pk": assignment.pk}),
        {"student": ada.pk, "reason": "Asked nicely"},
    )
    assert response.context["form"].non_field_errors() == [
        "Give a new due date, extra minutes or extra attempts."
    ]


def test_revoke_is_post_only(client, taught):
    cohort, instructor, (ada, *_rest) = taught
    extension = Extension.objects.create(
        assignment=AssignmentFactory(cohort=cohort),
        student=ada,
        extra_attempts=1,
        reason="x",
    )
    url = reverse("instructor:extension-revoke", kwargs={"pk": extension.pk})
    assert client.get(url).status_code == 405
    assert Extension.objects.exists()


class TestStudentDashboard:
    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get(reverse("dashboard:index"))
        assert response.status_code == 302
        assert reverse("accounts:login") in response.url

    def test_it_says_when_nothing_is_assigned(self, client):
        client.force_login(UserFactory())
        response = client.get(reverse("dashboard:index"))
        assert "Nothing is assigned to you." in response.text

    def test_work_from_all_my_cohorts_by_due_date_with_its_status(self, client):
        now = timezone.now()
        first, _i1, (me,) = cohort_with(students=1)
        second = CohortFactory()
        CohortMembership.objects.create(cohort=second, student=me)

        def assign(cohort, title, due):
            return AssignmentFactory(
                cohort=cohort,
                quiz=QuizFactory(course=cohort.course, title=title),
                opens_at=now - timedelta(days=10),
                due_at=due,
            )

        done = assign(first, "Done on time", now - timedelta(days=3))
        late = assign(second, "Handed in late", now - timedelta(days=2))
        missing = assign(first, "Never handed in", now - timedelta(days=1))
        due = assign(second, "Still to do", now + timedelta(days=2))
        extended = assign(first, "Extended", now - timedelta(hours=1))
        Extension.objects.create(
            assignment=extended,
            student=me,
            due_at=now + timedelta(days=5),
            reason="Illness",
        )
        # A classmate's work and an unassigned quiz never show.
        assign(CohortFactory(), "Other cohort", now)
        finished_attempt(done.quiz, me, at=now - timedelta(days=4), percent=90)
        finished_attempt(late.quiz, me, at=now - timedelta(days=1), percent=40)
        client.force_login(me)
        response = client.get(reverse("dashboard:index"))
        items = response.context["items"]
        assert [(i.assignment.quiz.title, i.status) for i in items] == [
            ("Done on time", "done"),
            ("Handed in late", "late"),
            ("Never handed in", "missing"),
            ("Still to do", "due"),
            ("Extended", "due"),
        ]
        assert items[0].cell.grade == 90
        assert reverse("quizzes:intro", kwargs={"pk": due.quiz.pk}) in response.text
        assert missing.quiz.title in response.text
        _assert_no_inline_code(response.text)

    def test_query_count_does_not_grow_with_assignments(self, client):
        now = timezone.now()
        cohort, _instructor, (me,) = cohort_with(students=1)
        client.force_login(me)

        def add(count):
            for _ in range(count):
                assignment = AssignmentFactory(
                    cohort=cohort, opens_at=now - timedelta(days=3)
                )
                finished_attempt(assignment.quiz, me, at=now, percent=70)
                Extension.objects.create(
                    assignment=assignment, student=me, extra_attempts=1, reason="x"
                )

        add(1)
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("dashboard:index"))
        add(8)
        with CaptureQueriesContext(connection) as many:
            response = client.get(reverse("dashboard:index"))
        assert len(few.captured_queries) == len(many.captured_queries)
        assert len(response.context["items"]) == 9

    def test_work_on_a_quiz_taken_back_to_draft_is_hidden(self, client):
        cohort, _instructor, (me,) = cohort_with(students=1)
        shown = AssignmentFactory(cohort=cohort)
        hidden = AssignmentFactory(cohort=cohort)
        hidden.quiz.published = False
        hidden.quiz.save()
        client.force_login(me)
        items = client.get(reverse("dashboard:index")).context["items"]
        assert [i.assignment for i in items] == [shown]
