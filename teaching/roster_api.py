"""Instructor API on who is in a cohort (join code, adding and removing students) and
the whole grading queue, course-level fallback included.

Cohorts are looked up through the caller's own, so anyone else's is a 404.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from courses import services as course_services
from quizzes.models import Response as QuizResponse

from . import selectors
from .permissions import IsInstructor
from .serializers import CohortStudentSerializer, QueueItemSerializer

_NOT_MINE = OpenApiResponse(description="Not one of my cohorts.")


class JoinCodeSerializer(serializers.Serializer):
    """A cohort's join code, as stored and as shown; null when joining is off."""

    code = serializers.CharField(source="join_code", allow_null=True)
    display = serializers.CharField(source="join_code_display", allow_blank=True)


class AddStudentInputSerializer(serializers.Serializer):
    """The e-mail address of a student who has an account."""

    email = serializers.EmailField()


class CohortJoinCodeView(APIView):
    """Read, renew (POST) or turn off (DELETE) a cohort's join code."""

    permission_classes = [IsInstructor]

    @extend_schema(responses={200: JoinCodeSerializer, 404: _NOT_MINE})
    def get(self, request, pk: int):
        cohort = selectors.cohort_for(user=request.user, cohort_id=pk)
        return Response(JoinCodeSerializer(cohort).data)

    @extend_schema(request=None, responses={200: JoinCodeSerializer, 404: _NOT_MINE})
    def post(self, request, pk: int):
        cohort = selectors.cohort_for(user=request.user, cohort_id=pk)
        course_services.rotate_join_code(cohort=cohort)
        return Response(JoinCodeSerializer(cohort).data)

    @extend_schema(request=None, responses={204: None, 404: _NOT_MINE})
    def delete(self, request, pk: int):
        cohort = selectors.cohort_for(user=request.user, cohort_id=pk)
        course_services.disable_join_code(cohort=cohort)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CohortStudentsView(APIView):
    """Put a student in the cohort and its course: 201 the first time, 200 after."""

    permission_classes = [IsInstructor]

    @extend_schema(
        request=AddStudentInputSerializer,
        responses={
            201: CohortStudentSerializer,
            200: CohortStudentSerializer,
            400: OpenApiResponse(description="No account uses this e-mail address."),
            404: _NOT_MINE,
        },
        operation_id="cohorts_students_add",
    )
    def post(self, request, pk: int):
        cohort = selectors.cohort_for(user=request.user, cohort_id=pk)
        data = AddStudentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership, created = course_services.add_student(
            cohort=cohort, email=data.validated_data["email"]
        )
        return Response(
            CohortStudentSerializer(membership.student).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CohortStudentView(APIView):
    """Take a student out of the cohort; their enrolment and work stay. Idempotent."""

    permission_classes = [IsInstructor]

    @extend_schema(
        request=None,
        responses={204: None, 404: _NOT_MINE},
        operation_id="cohorts_students_remove",
    )
    def delete(self, request, pk: int, student_id: int):
        cohort = selectors.cohort_for(user=request.user, cohort_id=pk)
        course_services.remove_student(cohort=cohort, student_id=student_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GradingQueueView(generics.ListAPIView):
    """Every answer waiting for my score: my cohorts' students, and students of my
    courses who are in no cohort (marked `outside_cohort`), oldest first."""

    serializer_class = QueueItemSerializer
    permission_classes = [IsInstructor]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return QuizResponse.objects.none()
        return selectors.grading_queue(user=self.request.user)
