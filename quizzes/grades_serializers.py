"""API serializers of the student's grades: what the Grades page shows, as data."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .serializers import AttemptSummarySerializer

STATES = ["not_started", "in_progress", "needs_review", "graded"]


class QuizGradeSerializer(serializers.Serializer):
    """One quiz with my grade that counts, attempts and what waits for marking."""

    quiz = serializers.IntegerField(source="quiz.pk")
    title = serializers.CharField(source="quiz.title")
    lesson = serializers.IntegerField(source="quiz.lesson_id", allow_null=True)
    is_final = serializers.BooleanField()
    grading_method = serializers.CharField(source="quiz.grading_method")
    state = serializers.ChoiceField(choices=STATES)
    grade = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    best = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    passed = serializers.SerializerMethodField()
    attempts_left = serializers.IntegerField(allow_null=True)
    awaiting_marking = serializers.SerializerMethodField()
    feedback_attempt = serializers.IntegerField(source="feedback.pk", allow_null=True)
    attempts = AttemptSummarySerializer(many=True)

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_passed(self, standing):
        if standing.grade is None:
            return None
        return standing.grade >= standing.quiz.pass_mark

    @extend_schema_field(serializers.IntegerField())
    def get_awaiting_marking(self, standing) -> int:
        return len(standing.awaiting)


class CourseGradesSerializer(serializers.Serializer):
    """One of my courses with every quiz in it."""

    course = serializers.SlugField(source="course.slug")
    title = serializers.CharField(source="course.title")
    awaiting_marking = serializers.IntegerField(source="awaiting")
    quizzes = QuizGradeSerializer(many=True)
