"""Who may use the instructor area: instructors and those who teach every cohort
(superusers, staff with courses.teach_all_cohorts); everyone else finds nothing."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework import exceptions, permissions

from .selectors import may_instruct


class IsInstructor(permissions.BasePermission):
    """Instructors pass; anyone else signed in gets a 404, as if nothing were here."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if not may_instruct(request.user):
            # A student must not learn which cohorts or assignments exist.
            raise exceptions.NotFound()
        return True


def instructor_required(view):
    """Send visitors to log in; refuse students (403); let instructors in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_instruct(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
