"""The gradebook: the pure table builder, the selector's fixed query count, the page."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import CohortMembership
from quizzes import coursework
from quizzes.models import Attempt, Extension
from quizzes.rules import ExtensionTerms
from teaching import selectors
from tests.accounts.factories import UserFactory
from tests.helpers.factories import (
    AssignmentFactory,
    QuizFactory,
    cohort_with,
    finished_attempt,
)
from tests.helpers.queries import count_queries

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _assignment(id=1, quiz_id=10, method="highest", due=T0) -> coursework.AssignmentRow:
    return coursework.AssignmentRow(
        id=id,
        quiz_id=quiz_id,
        title=f"Quiz {quiz_id}",
        grading_method=method,
        opens_at=due - timedelta(days=7),
        due_at=due,
    )


def _attempt(student, quiz, number, percent, *, at=T0, state="graded"):
    return coursework.AttemptRow(
        student_id=student,
        quiz_id=quiz,
        number=number,
        state=state,
        submitted_at=at,
        score=None if percent is None else Decimal(percent),
        max_score=Decimal(100),
    )


class TestWorkStatus:
    def test_done_when_a_finished_attempt_came_by_the_due_date(self):
        status = coursework.work_status(
            due_at=T0, submitted=[T0 + timedelta(hours=1), T0], now=T0
        )
        assert status == coursework.WorkStatus.DONE

    def test_late_when_every_finished_attempt_came_after_it(self):
        status = coursework.work_status(
            due_at=T0, submitted=[T0 + timedelta(seconds=1)], now=T0 + timedelta(days=1)
        )
        assert status == coursework.WorkStatus.LATE

    def test_missing_when_the_due_date_passed_with_nothing(self):
        status = coursework.work_status(due_at=T0, submitted=[], now=T0 + timedelta(1))
        assert status == coursework.WorkStatus.MISSING

    def test_due_while_the_due_date_is_ahead(self):
        status = coursework.work_status(due_at=T0, submitted=[], now=T0)
        assert status == coursework.WorkStatus.DUE


class TestEffectiveDue:
    def test_the_latest_active_extension_due_date_wins(self):
        terms = [
            ExtensionTerms(due_at=T0 + timedelta(days=1)),
            ExtensionTerms(due_at=T0 + timedelta(days=3)),
            ExtensionTerms(extra_attempts=2),
        ]
        assert coursework.effective_due(T0, terms, now=T0) == T0 + timedelta(days=3)

    def test_an_expired_extension_is_ignored(self):
        terms = [
            ExtensionTerms(due_at=T0 + timedelta(days=3), expires_at=T0),
        ]
        assert coursework.effective_due(T0, terms, now=T0 + timedelta(hours=1)) == T0


class TestBuildGradebook:
    students = [
        coursework.StudentRow(id=1, name="Ada", email="ada@example.org"),
        coursework.StudentRow(id=2, name="Ben", email="ben@example.org"),
        coursework.StudentRow(id=3, name="Cy", email="cy@example.org"),
    ]

    @pytest.mark.parametrize(
        "method, expected",
        [
            ("highest", Decimal("90")),
            ("first", Decimal("40")),
            ("last", Decimal("70")),
            ("average", Decimal("66.7")),
        ],
    )
    def test_the_cell_grade_follows_the_quiz_grading_method(self, method, expected):
        attempts = [
            _attempt(1, 10, 1, 40),
            _attempt(1, 10, 2, 90),
            _attempt(1, 10, 3, 70),
            # Not graded yet: it does not count towards the grade.
            _attempt(1, 10, 4, None, state="needs_review"),
        ]
        book = coursework.build_gradebook(
            students=self.students[:1],
            assignments=[_assignment(method=method)],
            extensions=[],
            attempts=attempts,
            now=T0,
        )
        cell = book.rows[0].cells[0]
        assert cell.grade == expected
        assert cell.needs_review is True
        assert cell.attempts == 4

    def test_late_missing_and_extended_cells_are_marked(self):
        now = T0 + timedelta(days=2)
        book = coursework.build_gradebook(
            students=self.students,
            assignments=[_assignment()],
            extensions=[
                coursework.ExtensionRow(
                    assignment_id=1,
                    student_id=3,
                    terms=ExtensionTerms(due_at=T0 + timedelta(days=5)),
                )
            ],
            attempts=[_attempt(1, 10, 1, 80, at=T0 + timedelta(hours=2))],
            now=now,
        )
        ada, ben, cy = (row.cells[0] for row in book.rows)
        assert (ada.status, ada.grade) == (coursework.WorkStatus.LATE, Decimal("80"))
        assert (ben.status, ben.grade) == (coursework.WorkStatus.MISSING, None)
        assert (cy.status, cy.extended) == (coursework.WorkStatus.DUE, True)
        assert cy.due_at == T0 + timedelta(days=5)

    def test_averages_per_student_and_per_assignment_count_graded_work(self):
        assignments = [_assignment(1, 10), _assignment(2, 20)]
        attempts = [
            _attempt(1, 10, 1, 60),
            _attempt(1, 20, 1, 90),
            _attempt(2, 10, 1, 100),
        ]
        book = coursework.build_gradebook(
            students=self.students,
            assignments=assignments,
            extensions=[],
            attempts=attempts,
            now=T0,
        )
        assert [row.average for row in book.rows] == [
            Decimal("75"),
            Decimal("100"),
            None,
        ]
        assert [col.average for col in book.columns] == [Decimal("80"), Decimal("90")]

    def test_an_empty_cohort_gives_columns_without_averages(self):
        book = coursework.build_gradebook(
            students=[], assignments=[_assignment()], extensions=[], attempts=[], now=T0
        )
        assert book.rows == []
        assert book.columns[0].average is None


def _fill(cohort, students, quizzes, now):
    """Give every student a graded on-time attempt on every quiz but the last."""
    rows = []
    for index, student in enumerate(students):
        for quiz in quizzes[:-1]:
            rows.append(
                Attempt(
                    quiz=quiz,
                    student=student,
                    number=1,
                    state=Attempt.State.GRADED,
                    started_at=now - timedelta(days=2, minutes=10),
                    submitted_at=now - timedelta(days=2),
                    score=Decimal(index % 100),
                    max_score=Decimal(100),
                )
            )
    Attempt.objects.bulk_create(rows)


def _cohort(students: int, assignments: int, now):
    cohort, instructor, members = cohort_with(students=students)
    quizzes = []
    for _ in range(assignments):
        assignment = AssignmentFactory(
            cohort=cohort,
            quiz=QuizFactory(course=cohort.course),
            opens_at=now - timedelta(days=5),
            due_at=now - timedelta(days=1),
        )
        quizzes.append(assignment.quiz)
        Extension.objects.create(
            assignment=assignment, student=members[0], extra_minutes=5, reason="x"
        )
    _fill(cohort, members, quizzes, now)
    return cohort, instructor


@pytest.mark.django_db
class TestGradebookSelector:
    def test_cells_come_from_the_database_rows(self):
        now = timezone.now()
        cohort, _instructor, (ada, ben, cy) = cohort_with(students=3)
        assignment = AssignmentFactory(
            cohort=cohort,
            opens_at=now - timedelta(days=5),
            due_at=now - timedelta(days=1),
        )
        quiz = assignment.quiz
        finished_attempt(quiz, ada, at=now - timedelta(days=2), percent=70)
        finished_attempt(quiz, ada, at=now - timedelta(days=2), percent=85)
        finished_attempt(
            quiz, ben, at=now - timedelta(hours=2), state=Attempt.State.NEEDS_REVIEW
        )
        # An attempt by someone outside the cohort is not in its gradebook.
        finished_attempt(quiz, UserFactory(), at=now, percent=10)
        book = selectors.gradebook(cohort=cohort, now=now)
        by_student = {row.student.id: row.cells[0] for row in book.rows}
        assert by_student[ada.pk].grade == Decimal("85.0")
        assert by_student[ada.pk].status == "done"
        assert by_student[ben.pk].status == "late"
        assert by_student[ben.pk].needs_review is True
        assert by_student[cy.pk].status == "missing"
        assert book.columns[0].average == Decimal("85.0")

    def test_query_count_does_not_grow_with_students(self):
        now = timezone.now()
        small, _ = _cohort(10, 2, now)
        large, _ = _cohort(200, 2, now)
        few = count_queries(lambda: selectors.gradebook(cohort=small, now=now))
        many = count_queries(lambda: selectors.gradebook(cohort=large, now=now))
        assert few == many == 5
        assert len(selectors.gradebook(cohort=large, now=now).rows) == 200

    def test_query_count_does_not_grow_with_assignments(self):
        now = timezone.now()
        two, _ = _cohort(5, 2, now)
        six, _ = _cohort(5, 6, now)
        assert count_queries(
            lambda: selectors.gradebook(cohort=two, now=now)
        ) == count_queries(lambda: selectors.gradebook(cohort=six, now=now))
        assert len(selectors.gradebook(cohort=six, now=now).columns) == 6

    def test_gradebook_page_and_api_queries_do_not_grow(self, client, api_client):
        now = timezone.now()
        small, instructor = _cohort(10, 2, now)
        large, _ = _cohort(60, 6, now)
        large.instructors.add(instructor)
        client.force_login(instructor)
        api_client.force_authenticate(instructor)

        def page(cohort):
            return lambda: client.get(
                reverse("instructor:gradebook", kwargs={"pk": cohort.pk})
            )

        def api(cohort):
            return lambda: api_client.get(
                reverse("api-cohort-gradebook", kwargs={"pk": cohort.pk})
            )

        assert count_queries(page(small)) == count_queries(page(large))
        assert count_queries(api(small)) == count_queries(api(large))
        response = client.get(reverse("instructor:gradebook", kwargs={"pk": large.pk}))
        assert response.status_code == 200
        assert response.content.decode().count('class="gradebook__cell') == 60 * 6
        data = api_client.get(
            reverse("api-cohort-gradebook", kwargs={"pk": large.pk})
        ).json()
        assert len(data["rows"]) == 60 and len(data["columns"]) == 6
        assert data["rows"][0]["cells"][-1]["status"] == "missing"

    def test_membership_of_two_cohorts_does_not_duplicate_rows(self):
        now = timezone.now()
        cohort, _instructor, (ada,) = cohort_with(students=1)
        other, _, _ = cohort_with(students=0, course=cohort.course)
        CohortMembership.objects.create(cohort=other, student=ada)
        assignment = AssignmentFactory(cohort=cohort)
        AssignmentFactory(cohort=other, quiz=assignment.quiz)
        finished_attempt(assignment.quiz, ada, at=now, percent=50)
        book = selectors.gradebook(cohort=cohort, now=now)
        assert len(book.rows) == 1
        assert book.rows[0].cells[0].attempts == 1


@pytest.mark.django_db
class TestGradebookPages:
    def test_pages_split_the_students_and_keep_the_whole_cohorts_averages(
        self, monkeypatch
    ):
        monkeypatch.setattr(selectors, "GRADEBOOK_PAGE", 3)
        now = timezone.now()
        cohort, _ = _cohort(7, 3, now)
        whole = selectors.gradebook(cohort=cohort, now=now)

        pages = [
            selectors.gradebook_page(cohort=cohort, page=n, now=now) for n in (1, 2, 3)
        ]

        assert [len(book.rows) for _, book in pages] == [3, 3, 1]
        assert [row for _, book in pages for row in book.rows] == whole.rows
        for _, book in pages:
            assert [c.average for c in book.columns] == [
                c.average for c in whole.columns
            ]
        assert whole.columns[0].average is not None

    def test_queries_are_constant_per_page_whatever_the_cohort(self, monkeypatch):
        monkeypatch.setattr(selectors, "GRADEBOOK_PAGE", 2)
        now = timezone.now()
        small, _ = _cohort(4, 2, now)
        large, _ = _cohort(8, 2, now)

        def queries(cohort, page):
            return count_queries(
                lambda: selectors.gradebook_page(cohort=cohort, page=page, now=now)
            )

        # The pager's count and ids, the page's five, the cohort's grades version; the
        # averages' statement only on the first page read under that version.
        assert queries(small, 1) == 2 + 5 + 1 + 1
        assert queries(small, 2) == queries(small, 1) == 2 + 5 + 1
        assert queries(large, 1) == 2 + 5 + 1 + 1
        assert queries(large, 4) == queries(large, 1) == 2 + 5 + 1

    def test_the_page_shows_a_pager_and_the_second_page(self, client, monkeypatch):
        monkeypatch.setattr(selectors, "GRADEBOOK_PAGE", 4)
        now = timezone.now()
        cohort, instructor = _cohort(6, 2, now)
        client.force_login(instructor)
        url = reverse("instructor:gradebook", kwargs={"pk": cohort.pk})

        first = client.get(url).content.decode()
        second = client.get(url + "?page=2").content.decode()

        assert first.count('class="gradebook__cell') == 4 * 2
        assert second.count('class="gradebook__cell') == 2 * 2
        assert "Page 1 of 2" in first and "?page=2" in first
