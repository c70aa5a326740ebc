"""The student's dashboard: work assigned in all my cohorts, by due date."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from . import coursework_rows


@login_required
def assigned_work(request):
    """List my assignments with their status: done, late, missing or due."""
    return render(
        request,
        "dashboard/assigned_work.html",
        {
            "items": coursework_rows.assigned_work(student=request.user),
            "now": timezone.now(),
        },
    )
