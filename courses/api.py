"""API of courses: the catalogue, course outlines, lessons, completion, joining a cohort."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .join_serializers import JoinCodeInputSerializer, MembershipSerializer
from .serializers import (
    CourseDetailSerializer,
    CourseListSerializer,
    LessonCompletionSerializer,
    LessonDetailSerializer,
)
from .throttles import JoinCodeThrottle


class CourseListView(generics.ListAPIView):
    """Published courses with my enrolment and progress."""

    serializer_class = CourseListSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.catalogue_for(self.request.user)


class CourseDetailView(APIView):
    """One course with its lesson outline and my completion state."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CourseDetailSerializer, operation_id="courses_retrieve")
    def get(self, request: Request, slug: str) -> Response:
        course = selectors.get_visible_course(request.user, slug)
        outline = selectors.course_outline(course, request.user)
        return Response(CourseDetailSerializer(outline).data)


class LessonDetailView(APIView):
    """One lesson to read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=LessonDetailSerializer, operation_id="lessons_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        lesson = selectors.lesson_for_api(request.user, pk)
        return Response(LessonDetailSerializer(lesson).data)


class LessonCompleteView(APIView):
    """Mark a lesson complete: 201 the first time, 200 after."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={201: LessonCompletionSerializer, 200: LessonCompletionSerializer},
        operation_id="lessons_complete",
    )
    def post(self, request: Request, pk: int) -> Response:
        lesson = get_object_or_404(
            selectors.visible_lessons(request.user).select_related("course"), pk=pk
        )
        completion, created = services.complete_lesson(user=request.user, lesson=lesson)
        data = LessonCompletionSerializer(
            {
                "lesson_id": completion.lesson_id,
                "completed_at": completion.completed_at,
                "created": created,
            }
        ).data
        return Response(
            data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class JoinCohortView(APIView):
    """Join a cohort with its code (and enrol in its course): 201 the first time, 200 after."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [JoinCodeThrottle]

    @extend_schema(
        request=JoinCodeInputSerializer,
        responses={
            201: MembershipSerializer,
            200: MembershipSerializer,
            400: OpenApiResponse(description="Not a code, or no cohort uses it."),
        },
        operation_id="cohorts_join",
    )
    def post(self, request: Request) -> Response:
        data = JoinCodeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership, created = services.join_cohort(
            user=request.user, code=data.validated_data["code"]
        )
        membership.created = created
        return Response(
            MembershipSerializer(membership).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
