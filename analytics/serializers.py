"""API serializers for reports; input serializers never save."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes.models import RegradeRun

from . import flags
from .models import ExportJob, QuizStatistics


class StatisticsFlagSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["too_easy", "weak_discrimination"])
    value = serializers.FloatField()
    hint = serializers.CharField()
    tentative = serializers.BooleanField(
        help_text="Fewer graded attempts than the figures need to be meaningful."
    )


class FlaggedQuestionSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    label = serializers.CharField()
    flags = StatisticsFlagSerializer(many=True)


class QuizStatisticsSerializer(serializers.ModelSerializer):
    """Stored statistics of a quiz: per question and for the whole test, and the
    questions flagged for revision (facility above 90 %, discrimination below 20 %)."""

    flagged = serializers.SerializerMethodField()

    class Meta:
        model = QuizStatistics
        fields = ["quiz", "which", "attempt_count", "computed_at", "data", "flagged"]
        read_only_fields = fields

    @extend_schema_field(FlaggedQuestionSerializer(many=True))
    def get_flagged(self, stats: QuizStatistics) -> list[dict]:
        return flags.flagged(
            (stats.data or {}).get("questions", []),
            tentative=stats.attempt_count < flags.MEANINGFUL_ATTEMPTS,
        )


class ExportJobSerializer(serializers.ModelSerializer):
    """An export's progress, and where to fetch its file once done."""

    percent_done = serializers.IntegerField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "kind",
            "cohort",
            "quiz",
            "state",
            "rows_done",
            "rows_total",
            "percent_done",
            "error",
            "created_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, job: ExportJob) -> str | None:
        if job.state != ExportJob.State.DONE:
            return None
        return reverse("reports:export-download", kwargs={"pk": job.pk})


class ExportRequestSerializer(serializers.Serializer):
    """Ask for an export: cohort grades (give cohort) or quiz responses (give quiz)."""

    kind = serializers.ChoiceField(choices=ExportJob.Kind.choices)
    cohort = serializers.IntegerField(required=False, min_value=1)
    quiz = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        if attrs["kind"] == ExportJob.Kind.COHORT_GRADES and not attrs.get("cohort"):
            raise serializers.ValidationError({"cohort": _("Give the cohort's id.")})
        if attrs["kind"] == ExportJob.Kind.QUIZ_RESPONSES and not attrs.get("quiz"):
            raise serializers.ValidationError({"quiz": _("Give the quiz's id.")})
        return attrs


class RegradeInputSerializer(serializers.Serializer):
    """Regrade a quiz (or one question of it); dry_run only lists what would change."""

    question = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    dry_run = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if not attrs["dry_run"] and not attrs.get("reason", "").strip():
            raise serializers.ValidationError(
                {"reason": _("Say why you are regrading.")}
            )
        return attrs


class RegradeChangeSerializer(serializers.Serializer):
    """One attempt whose score a regrade moves."""

    attempt = serializers.IntegerField()
    student = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    number = serializers.IntegerField()
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)
    old_max = serializers.CharField(allow_null=True)
    new_max = serializers.CharField(allow_null=True)
    old_state = serializers.CharField()
    new_state = serializers.CharField()
    question_old = serializers.CharField(allow_null=True)
    question_new = serializers.CharField(allow_null=True)


class RegradePreviewSerializer(serializers.Serializer):
    """What a regrade would change; nothing was written."""

    dry_run = serializers.BooleanField()
    changes = RegradeChangeSerializer(many=True)


class RegradeRunSerializer(serializers.ModelSerializer):
    """A regrade that was applied: who, why, what moved, how many were told.

    `changed` counts every attempt that moved; `changes` lists the first 500 of them
    whose students the caller teaches.
    """

    # Read by the view (selectors.regrade_changes) and handed over in the context.
    changes = serializers.SerializerMethodField()

    @extend_schema_field(RegradeChangeSerializer(many=True))
    def get_changes(self, run) -> list:
        return RegradeChangeSerializer(self.context.get("changes", []), many=True).data

    class Meta:
        model = RegradeRun
        fields = [
            "id",
            "quiz",
            "question",
            "performed_by",
            "reason",
            "changed",
            "changes",
            "notified",
            "created_at",
        ]
        read_only_fields = fields
