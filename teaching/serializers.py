"""API serializers of the instructor side; input serializers never save."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from courses.models import Cohort
from quizzes.models import Assignment, Extension, Response

from .limits import MAX_ATTEMPTS, MAX_ID, MAX_MINUTES


class CohortStudentSerializer(serializers.ModelSerializer):
    """A student on a cohort's roster."""

    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name"]


class InstructorCohortSerializer(serializers.ModelSerializer):
    """One of my cohorts with its counts."""

    course = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    student_count = serializers.IntegerField(read_only=True)
    assignment_count = serializers.IntegerField(read_only=True)
    queue_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Cohort
        fields = [
            "id",
            "name",
            "course",
            "student_count",
            "assignment_count",
            "queue_count",
        ]


class InstructorAssignmentSerializer(serializers.ModelSerializer):
    """An assignment as its instructor sees it."""

    quiz_title = serializers.CharField(source="quiz.title", read_only=True)
    extension_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "cohort",
            "quiz",
            "quiz_title",
            "opens_at",
            "due_at",
            "attempts_allowed",
            "time_limit_minutes",
            "extension_count",
            "created_at",
        ]
        read_only_fields = fields


class CohortDetailSerializer(InstructorCohortSerializer):
    """A cohort with its roster and assignments."""

    students = serializers.SerializerMethodField()
    assignments = serializers.SerializerMethodField()

    class Meta(InstructorCohortSerializer.Meta):
        fields = [*InstructorCohortSerializer.Meta.fields, "students", "assignments"]

    @extend_schema_field(CohortStudentSerializer(many=True))
    def get_students(self, cohort):
        return CohortStudentSerializer(
            [m.student for m in self.context["roster"]], many=True
        ).data

    @extend_schema_field(InstructorAssignmentSerializer(many=True))
    def get_assignments(self, cohort):
        return InstructorAssignmentSerializer(
            self.context["assignments"], many=True
        ).data


class AssignmentCreateSerializer(serializers.Serializer):
    """Assign a quiz: which, when it opens and is due, and optional limits."""

    quiz = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    opens_at = serializers.DateTimeField(required=False)
    due_at = serializers.DateTimeField()
    attempts_allowed = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ATTEMPTS
    )
    time_limit_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_MINUTES
    )


class AssignmentUpdateSerializer(serializers.Serializer):
    """Change an assignment's dates or limits; fields left out keep their value."""

    opens_at = serializers.DateTimeField(required=False)
    due_at = serializers.DateTimeField(required=False)
    attempts_allowed = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ATTEMPTS
    )
    time_limit_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_MINUTES
    )


class ExtensionSerializer(serializers.ModelSerializer):
    """An extension granted to one student."""

    student_email = serializers.EmailField(source="student.email", read_only=True)
    active = serializers.SerializerMethodField()

    class Meta:
        model = Extension
        fields = [
            "id",
            "assignment",
            "student",
            "student_email",
            "due_at",
            "extra_minutes",
            "extra_attempts",
            "reason",
            "expires_at",
            "active",
            "granted_by",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_active(self, extension) -> bool:
        return extension.is_active()


class ExtensionCreateSerializer(serializers.Serializer):
    """Grant an extension to a student of the cohort."""

    student = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    extra_minutes = serializers.IntegerField(
        required=False, default=0, min_value=0, max_value=MAX_MINUTES
    )
    extra_attempts = serializers.IntegerField(
        required=False, default=0, min_value=0, max_value=MAX_ATTEMPTS
    )
    reason = serializers.CharField(max_length=300)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class CellOverrideSerializer(serializers.Serializer):
    """The override in force on a cell: its grade (none when excused) and why."""

    grade = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, coerce_to_string=False
    )
    excused = serializers.BooleanField()
    reason = serializers.CharField()
    set_at = serializers.DateTimeField()


class GradebookCellSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment_id")
    due_at = serializers.DateTimeField()
    extended = serializers.BooleanField()
    status = serializers.ChoiceField(
        choices=["done", "late", "missing", "due", "excused"]
    )
    grade = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        allow_null=True,
        coerce_to_string=False,
        help_text="The grade that counts: the override's when there is one.",
    )
    computed = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        allow_null=True,
        coerce_to_string=False,
        help_text="The grade the attempts give by the quiz's grading method.",
    )
    excused = serializers.BooleanField()
    override = CellOverrideSerializer(allow_null=True)
    needs_review = serializers.BooleanField()
    attempts = serializers.IntegerField()


class GradebookStudentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class GradebookRowSerializer(serializers.Serializer):
    student = GradebookStudentSerializer()
    cells = GradebookCellSerializer(many=True)
    average = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, coerce_to_string=False
    )


class GradebookColumnSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment.id")
    quiz = serializers.IntegerField(source="assignment.quiz_id")
    title = serializers.CharField(source="assignment.title")
    due_at = serializers.DateTimeField(source="assignment.due_at")
    average = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, coerce_to_string=False
    )


class GradebookSerializer(serializers.Serializer):
    """Students x assignments, with averages per assignment and per student."""

    columns = GradebookColumnSerializer(many=True)
    rows = GradebookRowSerializer(many=True)


class QueueItemSerializer(serializers.ModelSerializer):
    """An answer waiting for a person's score."""

    student = serializers.IntegerField(source="attempt.student_id", read_only=True)
    student_email = serializers.EmailField(
        source="attempt.student.email", read_only=True
    )
    quiz = serializers.IntegerField(source="attempt.quiz_id", read_only=True)
    quiz_title = serializers.CharField(source="attempt.quiz.title", read_only=True)
    question_kind = serializers.CharField(source="question.kind", read_only=True)
    submitted_at = serializers.DateTimeField(
        source="attempt.submitted_at", read_only=True
    )
    outside_cohort = serializers.BooleanField(
        read_only=True,
        help_text="The student is in none of the course's cohorts: the answer reaches "
        "you as one of the course's instructors.",
    )

    class Meta:
        model = Response
        fields = [
            "id",
            "attempt",
            "student",
            "student_email",
            "quiz",
            "quiz_title",
            "question",
            "question_kind",
            "answer",
            "auto_score",
            "max_score",
            "submitted_at",
            "outside_cohort",
        ]
        read_only_fields = fields


class ScoreInputSerializer(serializers.Serializer):
    """The manual part of a response and a comment for the student."""

    score = serializers.DecimalField(max_digits=8, decimal_places=3, min_value=0)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ScoredResponseSerializer(serializers.ModelSerializer):
    """A response after scoring, and the state its attempt is now in."""

    attempt_state = serializers.CharField(source="attempt.state", read_only=True)

    class Meta:
        model = Response
        fields = [
            "id",
            "attempt",
            "question",
            "auto_score",
            "manual_score",
            "score",
            "max_score",
            "comment",
            "graded_by",
            "graded_at",
            "attempt_state",
        ]
        read_only_fields = fields
