"""One exception handler for the API: domain and validation errors become clear 4xx."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError, NotPermitted


def _validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()
        }
    return {"detail": " ".join(exc.messages)}


def exception_handler(exc, context):
    """Map Django and domain errors onto DRF's responses; leave the rest to DRF."""
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {
                "detail": _(
                    "The request body is too large (the limit is %(limit)d bytes)."
                )
                % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
                "code": "too_large",
            },
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DomainError):
        refused = isinstance(exc, NotPermitted)
        return Response(
            {"detail": exc.message, "code": exc.code},
            status=status.HTTP_403_FORBIDDEN if refused else status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        return Response(_validation_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
