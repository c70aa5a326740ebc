"""Reads of courses shaped for pages and the API, in a constant number of queries."""

from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Course, Enrollment, Lesson, LessonCompletion, Tradeoff


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def _sees_drafts(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


def visible_courses(user) -> QuerySet[Course]:
    """Courses the user may open: published ones, or all of them for staff."""
    if _sees_drafts(user):
        return Course.objects.all()
    return Course.objects.published()


def visible_lessons(user) -> QuerySet[Lesson]:
    """Lessons the user may read: published lessons of published courses, all for staff."""
    if _sees_drafts(user):
        return Lesson.objects.all()
    return Lesson.objects.published()


def get_visible_course(user, slug: str) -> Course:
    """The course with this slug, or 404 when it does not exist or is hidden from the user."""
    return get_object_or_404(visible_courses(user), slug=slug)


def _completed_by(user) -> Exists | Value:
    if not _signed_in(user):
        return Value(False, output_field=BooleanField())
    return Exists(LessonCompletion.objects.filter(lesson=OuterRef("pk"), user=user))


def _enrolled(user) -> Exists | Value:
    if not _signed_in(user):
        return Value(False, output_field=BooleanField())
    return Exists(Enrollment.objects.filter(course=OuterRef("pk"), user=user))


def _next_lesson_slug(user) -> Subquery:
    pending = Lesson.objects.filter(course=OuterRef("pk"), published=True)
    if _signed_in(user):
        pending = pending.exclude(completions__user=user)
    return Subquery(pending.order_by("position").values("slug")[:1])


def _with_progress(queryset: QuerySet[Course], user) -> QuerySet[Course]:
    published_lessons = Q(lessons__published=True)
    if _signed_in(user):
        completed = Count(
            "lessons",
            filter=published_lessons & Q(lessons__completions__user=user),
            distinct=True,
        )
    else:
        completed = Value(0, output_field=IntegerField())
    return queryset.annotate(
        lesson_count=Count("lessons", filter=published_lessons, distinct=True),
        completed_count=completed,
        is_enrolled=_enrolled(user),
        next_lesson_slug=_next_lesson_slug(user),
    )


def catalogue_for(user) -> QuerySet[Course]:
    """Courses to list, each with lesson_count, completed_count, is_enrolled, next_lesson_slug."""
    return _with_progress(visible_courses(user), user).order_by("title")


def dashboard_for(user: User) -> list[Course]:
    """The user's enrolled courses with progress, newest enrolment first."""
    enrolled = visible_courses(user).filter(enrollments__user=user)
    courses = _with_progress(enrolled, user).order_by(
        "-enrollments__created_at", "title"
    )
    return list(courses)


def percent(done: int, total: int) -> int:
    """Whole-number share of done in total; 0 when there is nothing to do."""
    return round(100 * done / total) if total else 0


@dataclass
class CourseOutline:
    """A course's lessons in order with the user's completion state and progress."""

    course: Course
    lessons: list[Lesson]
    is_enrolled: bool
    completed: int = field(init=False)
    total: int = field(init=False)
    percent: int = field(init=False)
    next_lesson: Lesson | None = field(init=False)

    def __post_init__(self) -> None:
        counted = [lesson for lesson in self.lessons if lesson.published]
        self.total = len(counted)
        self.completed = sum(1 for lesson in counted if lesson.completed)
        self.percent = percent(self.completed, self.total)
        self.next_lesson = next(
            (lesson for lesson in counted if not lesson.completed), None
        )


def course_outline(course: Course, user) -> CourseOutline:
    """Lessons the user may see, each with a `completed` flag, in two queries."""
    lessons = list(
        visible_lessons(user)
        .filter(course=course)
        .annotate(completed=_completed_by(user))
        .order_by("position")
        .only(
            "id",
            "course_id",
            "position",
            "slug",
            "title",
            "estimated_minutes",
            "published",
            "paragraph_count",
        )
    )
    for lesson in lessons:
        # Saves a query per lesson when templates call get_absolute_url().
        lesson.course = course
    is_enrolled = (
        _signed_in(user)
        and Enrollment.objects.filter(user=user, course=course).exists()
    )
    return CourseOutline(course=course, lessons=lessons, is_enrolled=is_enrolled)


@dataclass
class LessonPage:
    """A lesson with its neighbours in the course and the user's state."""

    lesson: Lesson
    previous: Lesson | None
    next: Lesson | None
    completed: bool
    is_enrolled: bool
    position: int
    total: int


def lesson_with_neighbours(user, *, course_slug: str, slug: str) -> LessonPage:
    """The lesson the user may read with its previous and next lessons, or 404."""
    course = get_visible_course(user, course_slug)
    siblings = list(
        visible_lessons(user)
        .filter(course=course)
        .order_by("position")
        .only("id", "course_id", "position", "slug", "title")
    )
    index = next((i for i, item in enumerate(siblings) if item.slug == slug), None)
    if index is None:
        raise Http404("No such lesson.")
    lesson = (
        Lesson.objects.filter(pk=siblings[index].pk)
        .annotate(completed=_completed_by(user))
        .prefetch_related(
            Prefetch("tradeoffs", queryset=Tradeoff.objects.order_by("slug"))
        )
        .get()
    )
    for item in [lesson, *siblings]:
        item.course = course
    return LessonPage(
        lesson=lesson,
        previous=siblings[index - 1] if index > 0 else None,
        next=siblings[index + 1] if index + 1 < len(siblings) else None,
        completed=lesson.completed,
        is_enrolled=_signed_in(user)
        and Enrollment.objects.filter(user=user, course=course).exists(),
        position=index + 1,
        total=len(siblings),
    )


def lesson_for_api(user, pk: int) -> Lesson:
    """A lesson the user may read with tradeoffs and completion state, or 404."""
    queryset = (
        visible_lessons(user)
        .select_related("course")
        .annotate(completed=_completed_by(user))
        .prefetch_related(
            Prefetch("tradeoffs", queryset=Tradeoff.objects.order_by("slug"))
        )
    )
    return get_object_or_404(queryset, pk=pk)


def next_lesson_for(user: User, course: Course) -> Lesson | None:
    """The first published lesson of the course the user has not completed yet."""
    pending = Lesson.objects.filter(course=course, published=True)
    if _signed_in(user):
        pending = pending.exclude(completions__user=user)
    return pending.order_by("position").first()
