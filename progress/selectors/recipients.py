"""Who is due a report: student and instructor recipients, read in keyset batches."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet

from courses.models import Cohort, CohortMembership, Enrollment

from ..models import ProgressReport

User = get_user_model()


def _teaching():
    return Cohort.instructors.through.objects


def student_recipients() -> QuerySet:
    """Active students who want reports and belong to a cohort or a course."""
    return User.objects.filter(
        role=User.Role.STUDENT, is_active=True, progress_emails=True
    ).filter(
        Exists(CohortMembership.objects.filter(student=OuterRef("pk")))
        | Exists(Enrollment.objects.filter(user=OuterRef("pk")))
    )


def instructor_recipients() -> QuerySet:
    """Active users who want reports and teach at least one cohort."""
    return User.objects.filter(is_active=True, progress_emails=True).filter(
        Exists(_teaching().filter(user_id=OuterRef("pk")))
    )


def recipients(kind: str) -> QuerySet:
    if kind == ProgressReport.Kind.INSTRUCTOR:
        return instructor_recipients()
    return student_recipients()


def recipient_batches(
    *, kind: str, period: date, batch_size: int, skip_existing: bool = True
) -> Iterator[list]:
    """Users due a report of this kind for the period, batch by batch (keyset, by pk).

    One query per batch and never more than a batch in memory. With skip_existing, users
    who already have a row for the period are left out, so a re-run renders nothing twice.
    """
    queryset = recipients(kind)
    if skip_existing:
        queryset = queryset.exclude(
            Exists(
                ProgressReport.objects.filter(
                    user=OuterRef("pk"), period=period, kind=kind
                )
            )
        )
    queryset = queryset.only(
        "id", "email", "first_name", "last_name", "role", "timezone"
    ).order_by("pk")
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return
        yield batch
        last_pk = batch[-1].pk
        if len(batch) < batch_size:
            return
