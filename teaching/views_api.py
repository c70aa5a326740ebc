"""Instructor API: cohorts, assignments, extensions, gradebook, grading queue, scoring.

Every object is looked up through the caller's own cohorts, so another instructor's cohort
is a 404, and a student (who teaches nothing) gets a 404 everywhere.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from courses.models import Cohort
from quizzes import services
from quizzes.models import Assignment, Extension, Quiz
from quizzes.models import Response as QuizResponse

from . import selectors
from .permissions import IsInstructor
from .serializers import (
    AssignmentCreateSerializer,
    AssignmentUpdateSerializer,
    CohortDetailSerializer,
    ExtensionCreateSerializer,
    ExtensionSerializer,
    GradebookSerializer,
    InstructorAssignmentSerializer,
    InstructorCohortSerializer,
    QueueItemSerializer,
    ScoredResponseSerializer,
    ScoreInputSerializer,
)

_REFUSED = {
    400: OpenApiResponse(description="Invalid input, with a message per field."),
    404: OpenApiResponse(description="Not one of my cohorts."),
    409: OpenApiResponse(description="A rule refused the change."),
}


class CohortListView(generics.ListAPIView):
    """My cohorts (every cohort for staff) with students, assignments and queue size."""

    serializer_class = InstructorCohortSerializer
    permission_classes = [IsInstructor]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Cohort.objects.none()
        return selectors.taught_cohorts(self.request.user)


class CohortDetailView(APIView):
    """One of my cohorts with its roster and assignments."""

    permission_classes = [IsInstructor]

    @extend_schema(responses=CohortDetailSerializer)
    def get(self, request, pk: int):
        cohort = selectors.cohort_for(user=request.user, cohort_id=pk)
        serializer = CohortDetailSerializer(
            cohort,
            context={
                "roster": selectors.roster(cohort),
                "assignments": selectors.cohort_assignments(cohort),
            },
        )
        return Response(serializer.data)


class CohortAssignmentsView(generics.ListAPIView):
    """The cohort's assignments by due date; POST assigns a quiz."""

    serializer_class = InstructorAssignmentSerializer
    permission_classes = [IsInstructor]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        cohort = selectors.cohort_for(
            user=self.request.user, cohort_id=self.kwargs["pk"]
        )
        return selectors.cohort_assignments(cohort)

    @extend_schema(
        request=AssignmentCreateSerializer,
        responses={201: InstructorAssignmentSerializer, **_REFUSED},
    )
    def post(self, request, pk: int):
        cohort = selectors.cohort_for(user=request.user, cohort_id=pk)
        data = AssignmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        quiz = Quiz.objects.filter(pk=values.pop("quiz")).first()
        if quiz is None:
            raise ValidationError({"quiz": _("There is no such quiz.")})
        assignment = services.assign_quiz(
            cohort=cohort, quiz=quiz, instructor=request.user, **values
        )
        assignment = selectors.assignment_for(
            user=request.user, assignment_id=assignment.pk
        )
        return Response(
            InstructorAssignmentSerializer(assignment).data,
            status=status.HTTP_201_CREATED,
        )


class AssignmentDetailView(APIView):
    """Read, change (dates and limits) or delete an assignment of one of my cohorts."""

    permission_classes = [IsInstructor]

    @extend_schema(responses=InstructorAssignmentSerializer)
    def get(self, request, pk: int):
        assignment = selectors.assignment_for(user=request.user, assignment_id=pk)
        return Response(InstructorAssignmentSerializer(assignment).data)

    @extend_schema(
        request=AssignmentUpdateSerializer,
        responses={200: InstructorAssignmentSerializer, **_REFUSED},
    )
    def patch(self, request, pk: int):
        assignment = selectors.assignment_for(user=request.user, assignment_id=pk)
        data = AssignmentUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.update_assignment(
            assignment=assignment, instructor=request.user, **data.validated_data
        )
        assignment = selectors.assignment_for(user=request.user, assignment_id=pk)
        return Response(InstructorAssignmentSerializer(assignment).data)

    @extend_schema(request=None, responses={204: None, 404: _REFUSED[404]})
    def delete(self, request, pk: int):
        assignment = selectors.assignment_for(user=request.user, assignment_id=pk)
        services.delete_assignment(assignment=assignment, instructor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssignmentExtensionsView(generics.ListAPIView):
    """The assignment's extensions; POST grants one to a student of the cohort."""

    serializer_class = ExtensionSerializer
    permission_classes = [IsInstructor]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Extension.objects.none()
        assignment = selectors.assignment_for(
            user=self.request.user, assignment_id=self.kwargs["pk"]
        )
        return selectors.extensions_of(assignment)

    @extend_schema(
        request=ExtensionCreateSerializer,
        responses={201: ExtensionSerializer, **_REFUSED},
    )
    def post(self, request, pk: int):
        assignment = selectors.assignment_for(user=request.user, assignment_id=pk)
        data = ExtensionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        # Looked up among the cohort only, with one answer for "no such account" and
        # "not in this cohort": an instructor must not learn who else has an account.
        student = User.objects.filter(
            pk=values.pop("student"), cohort_memberships__cohort=assignment.cohort_id
        ).first()
        if student is None:
            raise ValidationError(
                {"student": services.not_in_cohort_message(assignment.cohort)}
            )
        extension = services.grant_extension(
            assignment=assignment, student=student, instructor=request.user, **values
        )
        return Response(
            ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED
        )


class ExtensionDetailView(APIView):
    """Revoke an extension."""

    permission_classes = [IsInstructor]

    @extend_schema(request=None, responses={204: None, 404: _REFUSED[404]})
    def delete(self, request, pk: int):
        extension = selectors.extension_for(user=request.user, extension_id=pk)
        services.revoke_extension(extension=extension, instructor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CohortGradebookView(APIView):
    """Students x assignments: grade, status (done/late/missing/due), averages."""

    permission_classes = [IsInstructor]

    @extend_schema(responses=GradebookSerializer)
    def get(self, request, pk: int):
        cohort = selectors.cohort_for(user=request.user, cohort_id=pk)
        return Response(GradebookSerializer(selectors.gradebook(cohort=cohort)).data)


class CohortGradingQueueView(generics.ListAPIView):
    """Answers from the cohort waiting for a person's score, oldest first."""

    serializer_class = QueueItemSerializer
    permission_classes = [IsInstructor]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return QuizResponse.objects.none()
        cohort = selectors.cohort_for(
            user=self.request.user, cohort_id=self.kwargs["pk"]
        )
        quiz = self.request.query_params.get("quiz")
        return selectors.grading_queue(
            user=self.request.user,
            cohort_id=cohort.pk,
            quiz_id=int(quiz) if quiz and quiz.isdigit() else None,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("quiz", OpenApiTypes.INT, description="Only this quiz.")
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ResponseScoreView(APIView):
    """Score the manual part of an answer; the attempt is graded when nothing is left."""

    permission_classes = [IsInstructor]

    @extend_schema(
        request=ScoreInputSerializer,
        responses={200: ScoredResponseSerializer, **_REFUSED},
    )
    def post(self, request, pk: int):
        response = selectors.response_for_grading(user=request.user, response_id=pk)
        data = ScoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scored = services.score_response(
            response_id=response.pk,
            grader=request.user,
            score=data.validated_data["score"],
            comment=data.validated_data["comment"],
        )
        return Response(ScoredResponseSerializer(scored).data)
