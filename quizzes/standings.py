"""A student's standing on every quiz of their courses, for the course page, the Grades
page, "Resume where I left off" and the grades API.

Every function here reads in a constant number of queries, whatever the number of
courses, lessons, quizzes or attempts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from courses.charts import LessonMark
from courses.models import Course, Lesson
from courses.selectors import CourseOutline, percent, visible_courses

from . import selectors
from .models import Attempt, Quiz

AWAITING = (Attempt.State.SUBMITTED, Attempt.State.NEEDS_REVIEW)


class State:
    """Where a student is with a quiz, as the course and Grades pages say it."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    NEEDS_REVIEW = "needs_review"
    GRADED = "graded"


@dataclass
class QuizStanding:
    """One quiz with the student's attempts and what they add up to."""

    quiz: Quiz
    attempts: list[Attempt]
    grade: Decimal | None
    best: Decimal | None
    attempts_left: int | None
    in_progress: Attempt | None
    awaiting: list[Attempt] = field(init=False)
    feedback: Attempt | None = field(init=False)
    state: str = field(init=False)

    def __post_init__(self) -> None:
        finished = [a for a in self.attempts if a.is_finished]
        self.awaiting = [a for a in finished if a.state in AWAITING]
        # The result page of the latest finished attempt: its score, and the answers and
        # feedback when the review policy allows (the result page decides, not this).
        self.feedback = finished[-1] if finished else None
        if self.in_progress is not None:
            self.state = State.IN_PROGRESS
        elif self.awaiting:
            self.state = State.NEEDS_REVIEW
        elif finished:
            self.state = State.GRADED
        else:
            self.state = State.NOT_STARTED

    @property
    def done(self) -> bool:
        """Counted as done on the progress bar: at least one attempt handed in."""
        return self.feedback is not None

    @property
    def is_final(self) -> bool:
        return self.quiz.lesson_id is None

    @property
    def state_label(self) -> str:
        if self.state == State.IN_PROGRESS:
            return _("In progress")
        if self.state == State.NEEDS_REVIEW:
            return _("Waiting for marking")
        if self.state == State.GRADED and self.best is not None:
            return _("Best grade %(percent)s%%") % {"percent": self.best}
        if self.state == State.GRADED:
            return _("Handed in")
        return _("Not started")


def _standings(quizzes: list[Quiz], user) -> dict[int, QuizStanding]:
    if not (user is not None and user.is_authenticated) or not quizzes:
        return {
            quiz.pk: QuizStanding(
                quiz=quiz,
                attempts=[],
                grade=None,
                best=None,
                attempts_left=quiz.attempts_allowed,
                in_progress=None,
            )
            for quiz in quizzes
        }
    raw = selectors.standings_for(quizzes=quizzes, student=user)
    return {
        quiz.pk: QuizStanding(
            quiz=quiz,
            attempts=raw[quiz.pk]["attempts"],
            grade=raw[quiz.pk]["grade"],
            best=raw[quiz.pk]["best"],
            attempts_left=raw[quiz.pk]["attempts_left"],
            in_progress=raw[quiz.pk]["in_progress"],
        )
        for quiz in quizzes
    }


def standings_of(quizzes: list[Quiz], user) -> list[QuizStanding]:
    """The user's standing on each of these quizzes, in their order (one round trip)."""
    found = _standings(quizzes, user)
    return [found[quiz.pk] for quiz in quizzes]


def final_assessments(user, course: Course) -> list[Quiz]:
    """The course's quizzes on no lesson (its final assessment), in natural title order."""
    return list(
        selectors.visible_quizzes(user)
        .filter(course=course, lesson__isnull=True)
        .order_by("title", "pk")
    )


def _course_quizzes(user, course_ids: list[int]) -> list[Quiz]:
    """Quizzes the user may open in these courses, by lesson then natural title order."""
    return list(
        selectors.visible_quizzes(user)
        .filter(course_id__in=course_ids)
        .order_by("course_id", "lesson__position", "title", "pk")
    )


@dataclass
class LessonRow:
    """A lesson of the course page with the quizzes that go with it."""

    lesson: Lesson
    quizzes: list[QuizStanding]


@dataclass
class CoursePlan:
    """The course page's list: lessons with their quizzes, then the final assessment,
    with progress counting lessons and quizzes alike and where to resume."""

    rows: list[LessonRow]
    finals: list[QuizStanding]
    marks: list[LessonMark]
    done: int
    total: int
    percent: int
    resume_url: str | None
    resume_is_attempt: bool

    @property
    def has_quizzes(self) -> bool:
        return bool(self.finals) or any(row.quizzes for row in self.rows)


def _resume(
    rows: list[LessonRow], finals: list[QuizStanding]
) -> tuple[str | None, bool]:
    standings = [s for row in rows for s in row.quizzes] + finals
    # An attempt in progress comes first: a clock may be running on it.
    open_attempts = [s.in_progress for s in standings if s.in_progress is not None]
    if open_attempts:
        latest = max(open_attempts, key=lambda attempt: attempt.started_at)
        return latest.get_absolute_url(), True
    for row in rows:
        if row.lesson.published and not row.lesson.completed:
            return row.lesson.get_absolute_url(), False
        for standing in row.quizzes:
            if not standing.done:
                return standing.quiz.get_absolute_url(), False
    for standing in finals:
        if not standing.done:
            return standing.quiz.get_absolute_url(), False
    return None, False


def _quiz_mark(standing: QuizStanding) -> LessonMark:
    return LessonMark(title=standing.quiz.title, done=standing.done, is_quiz=True)


def course_plan(outline: CourseOutline, user) -> CoursePlan:
    """The outline's lessons with their quizzes and the student's standing (two queries)."""
    quizzes = _course_quizzes(user, [outline.course.pk])
    standings = _standings(quizzes, user)
    by_lesson: dict[int | None, list[QuizStanding]] = {}
    lesson_ids = {lesson.pk for lesson in outline.lessons}
    for quiz in quizzes:
        quiz.course = outline.course
        key = quiz.lesson_id if quiz.lesson_id in lesson_ids else None
        by_lesson.setdefault(key, []).append(standings[quiz.pk])
    rows = [
        LessonRow(lesson=lesson, quizzes=by_lesson.get(lesson.pk, []))
        for lesson in outline.lessons
    ]
    finals = by_lesson.get(None, [])
    marks: list[LessonMark] = []
    for row in rows:
        if row.lesson.published:
            marks.append(
                LessonMark(title=row.lesson.title, done=bool(row.lesson.completed))
            )
        marks += [_quiz_mark(s) for s in row.quizzes]
    marks += [_quiz_mark(s) for s in finals]
    done = sum(1 for mark in marks if mark.done)
    resume_url, resume_is_attempt = _resume(rows, finals)
    return CoursePlan(
        rows=rows,
        finals=finals,
        marks=marks,
        done=done,
        total=len(marks),
        percent=percent(done, len(marks)),
        resume_url=resume_url,
        resume_is_attempt=resume_is_attempt,
    )


@dataclass
class CourseGrades:
    """One course of the Grades page: every quiz with the grade that counts."""

    course: Course
    quizzes: list[QuizStanding]

    @property
    def awaiting(self) -> int:
        return sum(len(s.awaiting) for s in self.quizzes)


def grades_for(user) -> list[CourseGrades]:
    """Every quiz of each course the user is enrolled in, with their standing (three
    queries: courses, quizzes, and the attempts with the rules in force)."""
    courses = list(
        visible_courses(user).filter(enrollments__user=user).order_by("title", "pk")
    )
    quizzes = _course_quizzes(user, [course.pk for course in courses])
    standings = _standings(quizzes, user)
    by_course: dict[int, list[QuizStanding]] = {}
    courses_by_id = {course.pk: course for course in courses}
    for quiz in quizzes:
        quiz.course = courses_by_id[quiz.course_id]
        by_course.setdefault(quiz.course_id, []).append(standings[quiz.pk])
    ordered = []
    for course in courses:
        # Lesson quizzes in course order, then the final assessment.
        items = by_course.get(course.pk, [])
        items.sort(key=lambda s: s.is_final)
        ordered.append(CourseGrades(course=course, quizzes=items))
    return ordered


def open_attempts_by_course(user, course_ids: list[int]) -> dict[int, Attempt]:
    """The latest attempt in progress in each of these courses (one query)."""
    if not (user is not None and user.is_authenticated) or not course_ids:
        return {}
    found: dict[int, Attempt] = {}
    for attempt in (
        Attempt.objects.filter(
            student=user,
            state=Attempt.State.IN_PROGRESS,
            quiz__course_id__in=course_ids,
            quiz__in=selectors.visible_quizzes(user),
        )
        .select_related("quiz")
        .order_by("started_at", "pk")
    ):
        found[attempt.quiz.course_id] = attempt
    return found
