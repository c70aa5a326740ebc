"""Reports API: quiz statistics, regrade (with dry run), CSV export jobs."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.services import regrading

from . import selectors, services
from .models import ExportJob, QuizStatistics
from .serializers import (
    ExportJobSerializer,
    ExportRequestSerializer,
    QuizStatisticsSerializer,
    RegradeInputSerializer,
    RegradePreviewSerializer,
    RegradeRunSerializer,
)


class ReportsAPIView(APIView):
    """Token first, so an anonymous caller gets 401 with a challenge, not 403."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]


class QuizStatisticsView(ReportsAPIView):
    """A quiz's statistics over first or all attempts (computed if none are stored)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "which",
                OpenApiTypes.STR,
                enum=QuizStatistics.Which.values,
                description="first (default) or all attempts",
            )
        ],
        responses={200: QuizStatisticsSerializer, 400: OpenApiResponse()},
    )
    def get(self, request, pk):
        quiz = selectors.quiz_for_instructor(quiz_id=pk, user=request.user)
        which = request.query_params.get("which", QuizStatistics.Which.FIRST)
        stats = selectors.stored_statistics(quiz=quiz, which=which)
        if stats is None:
            stats = services.refresh_quiz_statistics(quiz_id=quiz.pk, which=which)
        return Response(QuizStatisticsSerializer(stats).data)


class QuizRegradeView(ReportsAPIView):
    """Regrade a quiz's finished attempts under the current key, or preview it."""

    @extend_schema(
        request=RegradeInputSerializer,
        responses={
            200: OpenApiResponse(RegradePreviewSerializer, "Dry run: nothing written."),
            201: RegradeRunSerializer,
        },
    )
    def post(self, request, pk):
        quiz = selectors.quiz_for_instructor(quiz_id=pk, user=request.user)
        data = RegradeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = None
        if data.validated_data.get("question"):
            question = get_object_or_404(
                quiz.questions.all(), pk=data.validated_data["question"]
            )
        if data.validated_data["dry_run"]:
            changes, _hidden = selectors.only_visible(
                regrading.preview_regrade(quiz=quiz, question=question),
                quiz=quiz,
                user=request.user,
            )
            return Response(
                RegradePreviewSerializer(
                    {"dry_run": True, "changes": [c.as_json() for c in changes]}
                ).data
            )
        run = regrading.regrade(
            quiz=quiz,
            question=question,
            user=request.user,
            reason=data.validated_data["reason"],
        )
        changes = selectors.regrade_changes(run=run, user=request.user)
        return Response(
            RegradeRunSerializer(run, context={"changes": changes}).data,
            status=status.HTTP_201_CREATED,
        )


class ExportJobListView(ReportsAPIView):
    """Ask for a CSV export; it runs in the background (poll the job for progress)."""

    @extend_schema(
        request=ExportRequestSerializer, responses={202: ExportJobSerializer}
    )
    def post(self, request):
        data = ExportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kind = data.validated_data["kind"]
        if kind == ExportJob.Kind.COHORT_GRADES:
            target = {
                "cohort": selectors.cohort_for_instructor(
                    cohort_id=data.validated_data["cohort"], user=request.user
                )
            }
        else:
            target = {
                "quiz": selectors.quiz_for_instructor(
                    quiz_id=data.validated_data["quiz"], user=request.user
                )
            }
        job = services.request_export(user=request.user, kind=kind, **target)
        return Response(ExportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ExportJobDetailView(ReportsAPIView):
    """An export's progress: rows done of rows total; only its requester sees it."""

    @extend_schema(responses=ExportJobSerializer)
    def get(self, request, pk):
        job = selectors.export_for_requester(job_id=pk, user=request.user)
        return Response(ExportJobSerializer(job).data)
