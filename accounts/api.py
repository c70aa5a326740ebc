"""API of accounts: read and change one's own account."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .serializers import MeSerializer, MeUpdateSerializer


class MeView(APIView):
    """The signed-in user's account."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(
        request=MeUpdateSerializer,
        responses=MeSerializer,
        operation_id="me_partial_update",
    )
    def patch(self, request: Request) -> Response:
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.update_preferences(
            user=request.user, **serializer.validated_data
        )
        return Response(MeSerializer(user).data)
