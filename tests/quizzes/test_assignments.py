"""Assignment and extension services, and the rules they put in force for a student."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import DomainError, NotPermitted
from quizzes import selectors, services
from quizzes.errors import NoAttemptsLeft, QuizNotOpen
from quizzes.models import Assignment, Attempt, Extension
from tests.accounts.factories import InstructorFactory, StaffFactory, UserFactory
from tests.courses.factories import CohortFactory, CourseFactory
from tests.helpers.factories import (
    AssignmentFactory,
    QuizFactory,
    cohort_with,
    finished_attempt,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def setup():
    cohort, instructor, students = cohort_with(students=2)
    quiz = QuizFactory(course=cohort.course)
    return cohort, instructor, students, quiz


def test_assign_quiz_creates_the_assignment_with_its_limits(setup, now):
    cohort, instructor, _students, quiz = setup
    assignment = services.assign_quiz(
        cohort=cohort,
        quiz=quiz,
        instructor=instructor,
        opens_at=now,
        due_at=now + timedelta(days=3),
        attempts_allowed=2,
        time_limit_minutes=30,
    )
    assignment.refresh_from_db()
    assert (assignment.cohort, assignment.quiz) == (cohort, quiz)
    assert assignment.due_at == now + timedelta(days=3)
    assert assignment.attempts_allowed == 2
    assert assignment.time_limit_minutes == 30
    assert assignment.created_by == instructor


def test_assign_quiz_opens_now_when_no_open_date_is_given(setup, now):
    cohort, instructor, _students, quiz = setup
    assignment = services.assign_quiz(
        cohort=cohort,
        quiz=quiz,
        instructor=instructor,
        due_at=now + timedelta(days=1),
        now=now,
    )
    assert assignment.opens_at == now


def test_assign_quiz_refuses_a_quiz_of_another_course(setup, now):
    cohort, instructor, _students, _quiz = setup
    other = QuizFactory(course=CourseFactory())
    with pytest.raises(ValidationError) as error:
        services.assign_quiz(
            cohort=cohort, quiz=other, instructor=instructor, due_at=now + timedelta(1)
        )
    assert "quiz" in error.value.message_dict
    assert not Assignment.objects.exists()


def test_assign_quiz_refuses_a_draft_quiz(setup, now):
    cohort, instructor, _students, quiz = setup
    quiz.published = False
    quiz.save()
    with pytest.raises(ValidationError) as error:
        services.assign_quiz(
            cohort=cohort, quiz=quiz, instructor=instructor, due_at=now + timedelta(1)
        )
    assert "Publish" in error.value.message_dict["quiz"][0]


def test_assign_quiz_refuses_an_instructor_of_another_cohort(setup, now):
    cohort, _instructor, _students, quiz = setup
    with pytest.raises(DomainError) as error:
        services.assign_quiz(
            cohort=cohort,
            quiz=quiz,
            instructor=InstructorFactory(),
            due_at=now + timedelta(days=1),
        )
    assert isinstance(error.value, NotPermitted)
    assert not Assignment.objects.exists()


def test_staff_may_assign_to_any_cohort(setup, now):
    cohort, _instructor, _students, quiz = setup
    assignment = services.assign_quiz(
        cohort=cohort, quiz=quiz, instructor=StaffFactory(), due_at=now + timedelta(1)
    )
    assert assignment.pk


@pytest.mark.parametrize("due_offset", [timedelta(0), timedelta(hours=-1)])
def test_assign_quiz_refuses_a_due_date_not_after_the_open_date(setup, now, due_offset):
    cohort, instructor, _students, quiz = setup
    with pytest.raises(ValidationError) as error:
        services.assign_quiz(
            cohort=cohort,
            quiz=quiz,
            instructor=instructor,
            opens_at=now,
            due_at=now + due_offset,
        )
    assert error.value.message_dict["due_at"] == [
        "The due date must be after the open date."
    ]


def test_assign_quiz_refuses_a_due_date_after_the_quiz_closes(setup, now):
    cohort, instructor, _students, quiz = setup
    quiz.closes_at = now + timedelta(days=2)
    quiz.save()
    with pytest.raises(ValidationError) as error:
        services.assign_quiz(
            cohort=cohort,
            quiz=quiz,
            instructor=instructor,
            opens_at=now,
            due_at=now + timedelta(days=3),
        )
    assert "closes" in error.value.message_dict["due_at"][0]


def test_assign_quiz_refuses_zero_attempts_and_zero_minutes(setup, now):
    cohort, instructor, _students, quiz = setup
    with pytest.raises(ValidationError) as error:
        services.assign_quiz(
            cohort=cohort,
            quiz=quiz,
            instructor=instructor,
            due_at=now + timedelta(days=1),
            attempts_allowed=0,
            time_limit_minutes=0,
        )
    assert set(error.value.message_dict) == {"attempts_allowed", "time_limit_minutes"}


def test_assigning_the_same_quiz_twice_is_a_conflict(setup, now):
    cohort, instructor, _students, quiz = setup
    services.assign_quiz(
        cohort=cohort, quiz=quiz, instructor=instructor, due_at=now + timedelta(1)
    )
    with pytest.raises(DomainError) as error:
        services.assign_quiz(
            cohort=cohort, quiz=quiz, instructor=instructor, due_at=now + timedelta(2)
        )
    assert error.value.code == "already_assigned"
    assert Assignment.objects.count() == 1


def test_update_assignment_changes_only_what_is_given(now):
    assignment = AssignmentFactory(attempts_allowed=3, time_limit_minutes=20)
    instructor = InstructorFactory()
    assignment.cohort.instructors.add(instructor)
    services.update_assignment(
        assignment=assignment,
        instructor=instructor,
        due_at=now + timedelta(days=10),
        time_limit_minutes=None,
    )
    assignment.refresh_from_db()
    assert assignment.due_at == now + timedelta(days=10)
    assert assignment.attempts_allowed == 3
    assert assignment.time_limit_minutes is None


def test_update_assignment_refuses_a_due_date_before_the_open_date(now):
    assignment = AssignmentFactory()
    instructor = InstructorFactory()
    assignment.cohort.instructors.add(instructor)
    before = assignment.due_at
    with pytest.raises(ValidationError):
        services.update_assignment(
            assignment=assignment,
            instructor=instructor,
            due_at=assignment.opens_at - timedelta(hours=1),
        )
    assignment.refresh_from_db()
    assert assignment.due_at == before


def test_update_and_delete_refuse_another_instructor():
    assignment = AssignmentFactory()
    stranger = InstructorFactory()
    with pytest.raises(DomainError):
        services.update_assignment(
            assignment=assignment, instructor=stranger, attempts_allowed=1
        )
    with pytest.raises(DomainError):
        services.delete_assignment(assignment=assignment, instructor=stranger)
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_delete_assignment_removes_its_extensions_and_keeps_attempts(now):
    cohort, instructor, (student, _other), quiz = _assigned(now)
    assignment = Assignment.objects.get(cohort=cohort, quiz=quiz)
    services.grant_extension(
        assignment=assignment,
        student=student,
        instructor=instructor,
        reason="Illness",
        extra_attempts=1,
    )
    attempt = finished_attempt(quiz, student, at=now, percent=80)
    services.delete_assignment(assignment=assignment, instructor=instructor)
    assert not Assignment.objects.exists()
    assert not Extension.objects.exists()
    assert Attempt.objects.filter(pk=attempt.pk).exists()


def _assigned(now, **limits):
    cohort, instructor, students = cohort_with(students=2)
    quiz = QuizFactory(course=cohort.course, **limits.pop("quiz", {}))
    services.assign_quiz(
        cohort=cohort,
        quiz=quiz,
        instructor=instructor,
        opens_at=now - timedelta(days=1),
        due_at=limits.pop("due_at", now + timedelta(days=1)),
        **limits,
    )
    return cohort, instructor, students, quiz


def test_grant_extension_records_who_and_why(now):
    cohort, instructor, (student, _other), quiz = _assigned(now)
    assignment = cohort.assignments.get()
    extension = services.grant_extension(
        assignment=assignment,
        student=student,
        instructor=instructor,
        reason="  Family emergency ",
        due_at=assignment.due_at + timedelta(days=2),
    )
    assert extension.reason == "Family emergency"
    assert extension.granted_by == instructor
    assert extension.student == student


def test_grant_extension_refuses_a_student_outside_the_cohort(now):
    cohort, instructor, _students, _quiz = _assigned(now)
    with pytest.raises(ValidationError) as error:
        services.grant_extension(
            assignment=cohort.assignments.get(),
            student=UserFactory(),
            instructor=instructor,
            reason="Illness",
            extra_attempts=1,
        )
    assert "student" in error.value.message_dict


def test_grant_extension_needs_something_to_extend_and_a_reason(now):
    cohort, instructor, (student, _other), _quiz = _assigned(now)
    with pytest.raises(ValidationError) as error:
        services.grant_extension(
            assignment=cohort.assignments.get(),
            student=student,
            instructor=instructor,
            reason=" ",
        )
    assert set(error.value.message_dict) == {"reason", "__all__"}


def test_grant_extension_refuses_an_earlier_due_date_and_a_past_expiry(now):
    cohort, instructor, (student, _other), _quiz = _assigned(now)
    assignment = cohort.assignments.get()
    with pytest.raises(ValidationError) as error:
        services.grant_extension(
            assignment=assignment,
            student=student,
            instructor=instructor,
            reason="Illness",
            due_at=assignment.due_at - timedelta(hours=1),
            expires_at=now - timedelta(minutes=1),
            now=now,
        )
    assert set(error.value.message_dict) == {"due_at", "expires_at"}


def test_grant_extension_refuses_an_expiry_before_the_new_due_date(now):
    cohort, instructor, (student, _other), _quiz = _assigned(now)
    assignment = cohort.assignments.get()
    with pytest.raises(ValidationError) as error:
        services.grant_extension(
            assignment=assignment,
            student=student,
            instructor=instructor,
            reason="Illness",
            due_at=assignment.due_at + timedelta(days=3),
            expires_at=assignment.due_at + timedelta(days=1),
            now=now,
        )
    assert "expires_at" in error.value.message_dict


def test_grant_extension_refuses_another_instructor(now):
    cohort, _instructor, (student, _other), _quiz = _assigned(now)
    with pytest.raises(DomainError):
        services.grant_extension(
            assignment=cohort.assignments.get(),
            student=student,
            instructor=InstructorFactory(),
            reason="Illness",
            extra_attempts=1,
        )


def test_the_assignment_overrides_the_quiz_dates_and_limits(now):
    cohort, _instructor, (student, _other), quiz = _assigned(
        now,
        quiz={"attempts_allowed": 5, "time_limit_minutes": 60},
        attempts_allowed=2,
        time_limit_minutes=15,
        due_at=now + timedelta(days=2),
    )
    rules = selectors.rules_for(quiz=quiz, student=student, now=now)
    assert rules.due_at == now + timedelta(days=2)
    assert rules.attempts_allowed == 2
    assert rules.time_limit_minutes == 15


def test_most_lenient_extension_wins_on_each_axis(now):
    cohort, instructor, (student, other), quiz = _assigned(
        now, attempts_allowed=1, time_limit_minutes=10
    )
    assignment = cohort.assignments.get()
    for kwargs in (
        {"due_at": assignment.due_at + timedelta(days=1), "extra_minutes": 30},
        {"due_at": assignment.due_at + timedelta(days=4), "extra_attempts": 1},
        {"extra_minutes": 5, "extra_attempts": 3},
    ):
        services.grant_extension(
            assignment=assignment,
            student=student,
            instructor=instructor,
            reason="Accommodation",
            **kwargs,
        )
    rules = selectors.rules_for(quiz=quiz, student=student, now=now)
    assert rules.due_at == assignment.due_at + timedelta(days=4)
    assert rules.time_limit_minutes == 10 + 30
    assert rules.attempts_allowed == 1 + 3
    # The classmate without an extension keeps the assignment's rules.
    plain = selectors.rules_for(quiz=quiz, student=other, now=now)
    assert (plain.due_at, plain.time_limit_minutes, plain.attempts_allowed) == (
        assignment.due_at,
        10,
        1,
    )


def test_an_expired_extension_no_longer_applies(now):
    cohort, instructor, (student, _other), quiz = _assigned(now, attempts_allowed=1)
    assignment = cohort.assignments.get()
    services.grant_extension(
        assignment=assignment,
        student=student,
        instructor=instructor,
        reason="Illness",
        extra_attempts=2,
        expires_at=now + timedelta(hours=1),
        now=now,
    )
    assert (
        selectors.rules_for(quiz=quiz, student=student, now=now).attempts_allowed == 3
    )
    later = now + timedelta(hours=2)
    assert (
        selectors.rules_for(quiz=quiz, student=student, now=later).attempts_allowed == 1
    )


def test_extra_attempts_let_start_attempt_go_past_the_limit_until_expiry(now):
    cohort, instructor, (student, _other), quiz = _assigned(
        now, attempts_allowed=1, due_at=now + timedelta(days=2)
    )
    assignment = cohort.assignments.get()
    finished_attempt(quiz, student, at=now, percent=50)
    with pytest.raises(NoAttemptsLeft):
        services.start_attempt(quiz=quiz, student=student, now=now)
    services.grant_extension(
        assignment=assignment,
        student=student,
        instructor=instructor,
        reason="Technical failure",
        extra_attempts=1,
        expires_at=now + timedelta(hours=1),
        now=now,
    )
    with pytest.raises(NoAttemptsLeft):
        # Past its expiry the extension is gone again.
        services.start_attempt(quiz=quiz, student=student, now=now + timedelta(hours=2))
    attempt, created = services.start_attempt(quiz=quiz, student=student, now=now)
    assert created and attempt.number == 2


def test_extra_minutes_lengthen_the_attempt_deadline(now):
    cohort, instructor, (student, other), quiz = _assigned(now, time_limit_minutes=20)
    services.grant_extension(
        assignment=cohort.assignments.get(),
        student=student,
        instructor=instructor,
        reason="Accommodation",
        extra_minutes=10,
    )
    mine, _ = services.start_attempt(quiz=quiz, student=student, now=now)
    theirs, _ = services.start_attempt(quiz=quiz, student=other, now=now)
    assert mine.deadline == now + timedelta(minutes=30)
    assert theirs.deadline == now + timedelta(minutes=20)


def test_a_later_due_date_keeps_a_closed_quiz_open_for_that_student(now):
    closes = now + timedelta(days=1)
    cohort, instructor, (student, other), quiz = _assigned(
        now, quiz={"closes_at": closes}, due_at=closes - timedelta(hours=1)
    )
    services.grant_extension(
        assignment=cohort.assignments.get(),
        student=student,
        instructor=instructor,
        reason="Illness",
        due_at=closes + timedelta(days=2),
    )
    after_close = closes + timedelta(hours=3)
    attempt, created = services.start_attempt(
        quiz=quiz, student=student, now=after_close
    )
    assert created
    with pytest.raises(QuizNotOpen):
        services.start_attempt(quiz=quiz, student=other, now=after_close)


def test_revoke_extension_restores_the_assignment_rules(now):
    cohort, instructor, (student, _other), quiz = _assigned(now, attempts_allowed=1)
    extension = services.grant_extension(
        assignment=cohort.assignments.get(),
        student=student,
        instructor=instructor,
        reason="Illness",
        extra_attempts=2,
    )
    services.revoke_extension(extension=extension, instructor=instructor)
    assert not Extension.objects.exists()
    assert (
        selectors.rules_for(quiz=quiz, student=student, now=now).attempts_allowed == 1
    )


def test_revoke_extension_refuses_another_instructor(now):
    cohort, instructor, (student, _other), _quiz = _assigned(now)
    extension = services.grant_extension(
        assignment=cohort.assignments.get(),
        student=student,
        instructor=instructor,
        reason="Illness",
        extra_attempts=2,
    )
    with pytest.raises(DomainError):
        services.revoke_extension(extension=extension, instructor=InstructorFactory())
    assert Extension.objects.filter(pk=extension.pk).exists()


def test_a_cohort_factory_cohort_without_instructors_refuses_everyone_but_staff(now):
    cohort = CohortFactory()
    quiz = QuizFactory(course=cohort.course)
    with pytest.raises(DomainError):
        services.assign_quiz(
            cohort=cohort,
            quiz=quiz,
            instructor=InstructorFactory(),
            due_at=now + timedelta(days=1),
        )
