"""Factories for courses, lessons, tradeoffs, cohorts and enrollments."""

import factory

from courses.models import (
    Cohort,
    Course,
    Enrollment,
    Lesson,
    LessonCompletion,
    Tradeoff,
)
from tests.accounts.factories import UserFactory


class CourseFactory(factory.django.DjangoModelFactory):
    """A published course."""

    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "What the course is about."
    status = Course.Status.PUBLISHED


class TradeoffFactory(factory.django.DjangoModelFactory):
    """A pair of competing values."""

    class Meta:
        model = Tradeoff

    slug = factory.Sequence(lambda n: f"tradeoff-{n}")
    left_value = factory.Sequence(lambda n: f"Value A{n}")
    right_value = factory.Sequence(lambda n: f"Value B{n}")
    description = "Gaining one costs some of the other."


class LessonFactory(factory.django.DjangoModelFactory):
    """A published lesson with two paragraphs, placed after the course's others."""

    class Meta:
        model = Lesson
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body = "First paragraph.\n\nSecond paragraph."
    objectives = factory.LazyFunction(lambda: ["Name the tradeoff."])
    published = True

    @factory.post_generation
    def tradeoffs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tradeoffs.set(extracted)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    """A student enrolled in a course."""

    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)


class LessonCompletionFactory(factory.django.DjangoModelFactory):
    """A student has completed a lesson."""

    class Meta:
        model = LessonCompletion

    user = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonFactory)


class CohortFactory(factory.django.DjangoModelFactory):
    """A cohort on a course; pass instructors=[...] and students=[...] to fill it."""

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")

    @factory.post_generation
    def instructors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.instructors.set(extracted)

    @factory.post_generation
    def students(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.students.set(extracted)
