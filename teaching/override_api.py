"""Instructor API on one student's work: the whole attempt, a cell's grade, overrides.

Scoped like the rest of the instructor API: a student I do not teach (through one of my
cohorts on the quiz's course) is a 404, and so is everything for a student caller.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes import services
from quizzes.models import Response as QuizResponse

from . import review
from .override_serializers import (
    GradeOverrideInputSerializer,
    InstructorAttemptSerializer,
    InstructorResponseSerializer,
    ReasonInputSerializer,
    ResponseOverrideInputSerializer,
    StudentWorkSerializer,
)
from .permissions import IsInstructor

_REFUSED = {
    400: OpenApiResponse(description="Invalid input, with a message per field."),
    404: OpenApiResponse(description="Not a student of one of my cohorts."),
}


def _attempt_data(attempt) -> dict:
    payload, questions = review.attempt_review(attempt)
    return {
        **payload,
        "student": attempt.student_id,
        "responses": [q.response for q in questions if q.response is not None],
    }


class InstructorAttemptView(APIView):
    """A finished attempt of a student I teach: every answer, key, feedback, score."""

    permission_classes = [IsInstructor]

    @extend_schema(responses={200: InstructorAttemptSerializer, 404: _REFUSED[404]})
    def get(self, request, pk: int):
        attempt = review.attempt_for_instructor(user=request.user, attempt_id=pk)
        return Response(InstructorAttemptSerializer(_attempt_data(attempt)).data)


class StudentGradeView(APIView):
    """A student's grade on one of my assignments; PUT overrides it, DELETE restores it."""

    permission_classes = [IsInstructor]

    def _work(self, request, pk: int, student_id: int):
        return review.student_work(
            user=request.user, assignment_id=pk, student_id=student_id
        )

    @extend_schema(responses={200: StudentWorkSerializer, 404: _REFUSED[404]})
    def get(self, request, pk: int, student_id: int):
        work = self._work(request, pk, student_id)
        return Response(StudentWorkSerializer(work).data)

    @extend_schema(
        request=GradeOverrideInputSerializer,
        responses={200: StudentWorkSerializer, **_REFUSED},
    )
    def put(self, request, pk: int, student_id: int):
        work = self._work(request, pk, student_id)
        data = GradeOverrideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_grade_override(
            assignment=work.assignment,
            student=work.student,
            instructor=request.user,
            **data.validated_data,
        )
        work = self._work(request, pk, student_id)
        return Response(StudentWorkSerializer(work).data)

    @extend_schema(
        request=ReasonInputSerializer,
        responses={200: StudentWorkSerializer, **_REFUSED},
    )
    def delete(self, request, pk: int, student_id: int):
        work = self._work(request, pk, student_id)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.clear_grade_override(
            assignment=work.assignment,
            student=work.student,
            instructor=request.user,
            reason=data.validated_data["reason"],
        )
        work = self._work(request, pk, student_id)
        return Response(StudentWorkSerializer(work).data, status=status.HTTP_200_OK)


class ResponseOverrideView(APIView):
    """Override the score of one answer (null restores the computed score)."""

    permission_classes = [IsInstructor]

    @extend_schema(
        request=ResponseOverrideInputSerializer,
        responses={200: InstructorResponseSerializer, **_REFUSED},
    )
    def post(self, request, pk: int):
        attempt_id = (
            QuizResponse.objects.filter(pk=pk)
            .values_list("attempt_id", flat=True)
            .first()
        )
        if attempt_id is None:
            return Response(status=status.HTTP_404_NOT_FOUND)
        # 404 unless the attempt's student is one I teach.
        review.attempt_for_instructor(user=request.user, attempt_id=attempt_id)
        data = ResponseOverrideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        response = services.override_response_score(
            response_id=pk,
            instructor=request.user,
            score=data.validated_data["score"],
            reason=data.validated_data["reason"],
        )
        response.refresh_from_db()
        return Response(InstructorResponseSerializer(response).data)
