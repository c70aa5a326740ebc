"""API shapes of courses and lessons."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Course, Lesson, Tradeoff
from .selectors import percent


class TradeoffSerializer(serializers.ModelSerializer):
    """A pair of competing values."""

    class Meta:
        model = Tradeoff
        fields = ["slug", "name", "left_value", "right_value", "description"]


class ProgressSerializer(serializers.Serializer):
    """How many of a course's published lessons the user has completed."""

    completed = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()


class CourseListSerializer(serializers.ModelSerializer):
    """A course in the catalogue with the user's enrolment and progress."""

    url = serializers.CharField(source="get_absolute_url", read_only=True)
    lesson_count = serializers.IntegerField(read_only=True)
    is_enrolled = serializers.BooleanField(read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = [
            "slug",
            "title",
            "summary",
            "url",
            "lesson_count",
            "is_enrolled",
            "progress",
        ]

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, course: Course) -> dict:
        return {
            "completed": course.completed_count,
            "total": course.lesson_count,
            "percent": percent(course.completed_count, course.lesson_count),
        }


class LessonOutlineSerializer(serializers.ModelSerializer):
    """A lesson as a line of a course outline."""

    url = serializers.CharField(source="get_absolute_url", read_only=True)
    completed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Lesson
        fields = [
            "id",
            "slug",
            "title",
            "position",
            "estimated_minutes",
            "paragraph_count",
            "url",
            "completed",
        ]


class CourseDetailSerializer(serializers.Serializer):
    """A course with its lessons in order and the user's progress."""

    slug = serializers.SlugField(source="course.slug")
    title = serializers.CharField(source="course.title")
    summary = serializers.CharField(source="course.summary")
    status = serializers.CharField(source="course.status")
    url = serializers.CharField(source="course.get_absolute_url")
    is_enrolled = serializers.BooleanField()
    progress = serializers.SerializerMethodField()
    next_lesson_id = serializers.SerializerMethodField()
    lessons = LessonOutlineSerializer(many=True)

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, outline) -> dict:
        return {
            "completed": outline.completed,
            "total": outline.total,
            "percent": outline.percent,
        }

    def get_next_lesson_id(self, outline) -> int | None:
        return outline.next_lesson.pk if outline.next_lesson else None


class LessonDetailSerializer(serializers.ModelSerializer):
    """A lesson to read: its sanitised HTML, objectives, tradeoffs and my completion."""

    course = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    objectives = serializers.ListField(child=serializers.CharField(), read_only=True)
    tradeoffs = TradeoffSerializer(many=True, read_only=True)
    completed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Lesson
        fields = [
            "id",
            "course",
            "slug",
            "title",
            "position",
            "url",
            "estimated_minutes",
            "body_html",
            "paragraph_count",
            "objectives",
            "tradeoffs",
            "completed",
        ]


class LessonCompletionSerializer(serializers.Serializer):
    """The result of marking a lesson complete."""

    lesson = serializers.IntegerField(source="lesson_id")
    completed_at = serializers.DateTimeField()
    created = serializers.BooleanField()
