"""Define grades set by hand: an assignment's grade override and the audit of every change."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .assignments import Assignment
from .attempts import Response


class GradeOverride(models.Model):
    """The grade that counts for one student on one assignment, or "excused", set by hand.

    One row per (assignment, student) holds the state in force; every change to it is
    a `GradeAudit` row. Excused work has no grade and averages skip it.
    """

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="grade_overrides"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="grade_overrides",
    )
    grade = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Percent, 0 to 100; empty when excused."),
    )
    excused = models.BooleanField(default=False)
    reason = models.CharField(max_length=500)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "student"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="quizzes_override_unique"
            ),
            # Either a grade or excused, never both, never neither.
            models.CheckConstraint(
                condition=(
                    models.Q(excused=True, grade__isnull=True)
                    | models.Q(excused=False, grade__gte=0, grade__lte=100)
                ),
                name="quizzes_override_grade_or_excused",
            ),
        ]

    def __str__(self) -> str:
        return f"Override for {self.student} on {self.assignment}"


class GradeAudit(models.Model):
    """One change made by hand to a grade: who, when, what it was, what it became, why."""

    class Target(models.TextChoices):
        ASSIGNMENT = "assignment", _("Assignment grade")
        RESPONSE = "response", _("Question score")

    target = models.CharField(max_length=16, choices=Target.choices)
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grade_audits",
    )
    response = models.ForeignKey(
        Response,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audits",
    )
    old_value = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    new_value = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    old_excused = models.BooleanField(default=False)
    new_excused = models.BooleanField(default=False)
    reason = models.CharField(max_length=500)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(target="assignment", assignment__isnull=False)
                    | models.Q(target="response", response__isnull=False)
                ),
                name="quizzes_audit_has_target",
            )
        ]
        indexes = [models.Index(fields=["assignment", "student"])]

    def __str__(self) -> str:
        return f"{self.get_target_display()} of {self.student}: {self.old_value} → {self.new_value}"
