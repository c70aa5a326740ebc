"""API of the student's grades, the same facts as the Grades page."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import standings
from .grades_serializers import CourseGradesSerializer


class MyGradesView(APIView):
    """Every quiz of each course I am enrolled in, with the grade that counts."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=CourseGradesSerializer(many=True), operation_id="grades_list"
    )
    def get(self, request: Request) -> Response:
        courses = standings.grades_for(request.user)
        return Response(CourseGradesSerializer(courses, many=True).data)
