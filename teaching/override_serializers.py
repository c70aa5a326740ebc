"""API serializers for a student's work as an instructor sees it, and for overrides."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from quizzes.models import Attempt, GradeAudit, Response
from quizzes.serializers import QuestionViewSerializer

from .serializers import CellOverrideSerializer

_PERCENT = {"max_digits": 6, "decimal_places": 1, "coerce_to_string": False}
_POINTS = {"max_digits": 8, "decimal_places": 3, "coerce_to_string": False}


class GradeAuditSerializer(serializers.ModelSerializer):
    """One change made by hand: who, when, what it was, what it became, why."""

    changed_by = serializers.StringRelatedField()
    question = serializers.IntegerField(
        source="response.question_id", allow_null=True, default=None
    )

    class Meta:
        model = GradeAudit
        fields = [
            "id",
            "target",
            "student",
            "assignment",
            "response",
            "question",
            "old_value",
            "new_value",
            "old_excused",
            "new_excused",
            "reason",
            "changed_by",
            "changed_at",
        ]
        read_only_fields = fields


class WorkAttemptSerializer(serializers.ModelSerializer):
    percent = serializers.DecimalField(allow_null=True, **_PERCENT)

    class Meta:
        model = Attempt
        fields = [
            "id",
            "number",
            "state",
            "submitted_at",
            "score",
            "max_score",
            "percent",
        ]
        read_only_fields = fields


class StudentWorkSerializer(serializers.Serializer):
    """One gradebook cell: the grade that counts, the attempts, override and audit."""

    assignment = serializers.IntegerField(source="assignment.pk")
    student = serializers.IntegerField(source="student.pk")
    status = serializers.CharField(source="cell.status")
    grade = serializers.DecimalField(source="cell.grade", allow_null=True, **_PERCENT)
    computed = serializers.DecimalField(
        source="cell.computed", allow_null=True, **_PERCENT
    )
    excused = serializers.BooleanField(source="cell.excused")
    override = CellOverrideSerializer(source="cell.override", allow_null=True)
    attempts = WorkAttemptSerializer(many=True)
    audits = GradeAuditSerializer(many=True)


class GradeOverrideInputSerializer(serializers.Serializer):
    """A grade (percent) that counts instead of the attempts', or excused; and why."""

    grade = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        default=None,
    )
    excused = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=500)

    def validate(self, data):
        if not data["excused"] and data["grade"] is None:
            raise serializers.ValidationError(
                {"grade": _("Give a grade, or set excused.")}
            )
        return data


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ResponseOverrideInputSerializer(serializers.Serializer):
    """The score that counts on one answer (null removes the override), and why."""

    score = serializers.DecimalField(
        max_digits=8, decimal_places=3, min_value=0, allow_null=True
    )
    reason = serializers.CharField(max_length=500)


class InstructorResponseSerializer(serializers.ModelSerializer):
    """A response's parts: automatic, marked by a person, overridden, and the total."""

    class Meta:
        model = Response
        fields = [
            "id",
            "question",
            "auto_score",
            "manual_score",
            "override_score",
            "override_reason",
            "override_by",
            "override_at",
            "score",
            "max_score",
            "needs_manual",
            "comment",
            "graded_by",
        ]
        read_only_fields = fields


class InstructorAttemptSerializer(serializers.Serializer):
    """A student's whole attempt: every question, answer, key, feedback and score part."""

    id = serializers.IntegerField()
    quiz = serializers.IntegerField()
    student = serializers.IntegerField()
    number = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Attempt.State.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    max_score = serializers.FloatField()
    percent = serializers.FloatField(allow_null=True)
    questions = QuestionViewSerializer(many=True)
    responses = InstructorResponseSerializer(many=True)
