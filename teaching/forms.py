"""Forms of the instructor pages; they parse input, the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from .limits import MAX_ATTEMPTS, MAX_MINUTES

_LOCAL = "%Y-%m-%dT%H:%M"


def _when(label, *, required: bool = True, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_LOCAL),
    )


def add_service_error(form: forms.Form, error: Exception) -> None:
    """Put a service's refusal on the form: per field where it names one."""
    if isinstance(error, DomainError):
        form.add_error(None, error.message)
        return
    assert isinstance(error, ValidationError)
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _choice(value: bool | None) -> str:
    return {None: "", True: "on", False: "off"}[value]


def _as_the_quiz(label, *, on, off) -> forms.TypedChoiceField:
    """On, off, or empty for the quiz's own setting (None)."""
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=[("", _("As the quiz is set")), ("on", on), ("off", off)],
        coerce=lambda value: value == "on",
        empty_value=None,
    )


class AssignmentForm(forms.Form):
    """Assign a quiz, or change an assignment's dates and limits."""

    quiz = forms.ModelChoiceField(queryset=None, label=_("Quiz"))
    opens_at = _when(_("Opens"))
    due_at = _when(
        _("Due"), help_text=_("Work handed in after this is marked late, not refused.")
    )
    attempts_allowed = forms.IntegerField(
        label=_("Attempts allowed"),
        required=False,
        min_value=1,
        max_value=MAX_ATTEMPTS,
        help_text=_("Empty to use the quiz's limit."),
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"),
        required=False,
        min_value=1,
        max_value=MAX_MINUTES,
        help_text=_("Empty to use the quiz's limit."),
    )

    peer_review = _as_the_quiz(
        _("Peer review of justifications"),
        on=_("On for this cohort"),
        off=_("Off for this cohort"),
    )
    peer_review_deadline = _when(
        _("Review deadline"),
        required=False,
        help_text=_("Empty to use the quiz's review deadline."),
    )
    peer_scores_count = _as_the_quiz(
        _("Peer scores"),
        on=_("Count as the justification's score"),
        off=_("Only advise me"),
    )

    PEER_FIELDS = ("peer_review", "peer_review_deadline", "peer_scores_count")

    def __init__(self, *args, quizzes, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = quizzes
        if editing:
            # The quiz of an assignment is fixed; delete and re-assign to change it.
            del self.fields["quiz"]

    def main_fields(self):
        return [f for f in self.visible_fields() if f.name not in self.PEER_FIELDS]

    def peer_fields(self):
        return [self[name] for name in self.PEER_FIELDS]

    @staticmethod
    def peer_initial(assignment) -> dict:
        """The peer-review choices of an assignment, as the form shows them."""
        return {
            "peer_review": _choice(assignment.peer_review),
            "peer_review_deadline": assignment.peer_review_deadline
            and timezone.localtime(assignment.peer_review_deadline),
            "peer_scores_count": _choice(assignment.peer_scores_count),
        }


class ExtensionForm(forms.Form):
    """Grant one student more time, attempts or a later due date."""

    student = forms.ModelChoiceField(queryset=None, label=_("Student"))
    due_at = _when(_("New due date"), required=False)
    extra_minutes = forms.IntegerField(
        label=_("Extra minutes per attempt"),
        required=False,
        min_value=0,
        max_value=MAX_MINUTES,
        initial=0,
    )
    extra_attempts = forms.IntegerField(
        label=_("Extra attempts"),
        required=False,
        min_value=0,
        max_value=MAX_ATTEMPTS,
        initial=0,
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    expires_at = _when(
        _("Expires"),
        required=False,
        help_text=_("After this the extension no longer applies. Empty for never."),
    )

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students


class ScoreForm(forms.Form):
    """Score the part of an answer a person marks, with a comment for the student.

    With a structured rubric, one level per criterion may be picked: the page's script
    fills the score from the levels as they are clicked, and without the script an empty
    score is the levels' sum. The comment is never touched.
    """

    score = forms.DecimalField(label=_("Score"), min_value=0, decimal_places=3)
    comment = forms.CharField(
        label=_("Comment for the student"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, maximum: Decimal, criteria: list[dict] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.fields["score"].validators.append(MaxValueValidator(maximum))
        self.fields["score"].widget.attrs.update({"max": str(maximum), "step": "any"})
        self.fields["score"].help_text = _("From 0 to %(max)s.") % {"max": maximum}
        for index, criterion in enumerate(self.criteria):
            self.fields[f"criterion_{index}"] = forms.TypedChoiceField(
                label=criterion["name"],
                required=False,
                coerce=int,
                empty_value=None,
                choices=[
                    (number, level["label"])
                    for number, level in enumerate(criterion["levels"])
                ],
                widget=forms.RadioSelect,
            )
        if self.criteria:
            self.fields["score"].required = False

    def rubric_fields(self) -> list[tuple[dict, list[tuple[dict, object]]]]:
        """Each criterion with its levels beside their radio buttons, for the template."""
        return [
            (
                criterion,
                list(zip(criterion["levels"], self[f"criterion_{index}"], strict=True)),
            )
            for index, criterion in enumerate(self.criteria)
        ]

    def clean(self):
        data = super().clean()
        if not self.criteria or data.get("score") is not None:
            return data
        picked = [data.get(f"criterion_{i}") for i in range(len(self.criteria))]
        if any(p is None for p in picked):
            self.add_error(
                "score", _("Give a score, or pick a level of every criterion.")
            )
            return data
        data["score"] = sum(
            (
                Decimal(str(criterion["levels"][p]["points"]))
                for criterion, p in zip(self.criteria, picked, strict=True)
            ),
            Decimal(0),
        )
        return data


class GradeOverrideForm(forms.Form):
    """Set the grade that counts on an assignment for one student, or excuse the work."""

    grade = forms.DecimalField(
        label=_("Grade (percent)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text=_("From 0 to 100. Leave empty when excusing."),
    )
    excused = forms.BooleanField(
        label=_("Excused"),
        required=False,
        help_text=_("Excused work has no grade; averages skip it."),
    )
    reason = forms.CharField(
        label=_("Reason (shown to the student)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("excused") and data.get("grade") is None:
            self.add_error("grade", _("Give a grade, or excuse the work."))
        return data


class ClearOverrideForm(forms.Form):
    """Remove an override, so the attempts' grade counts again."""

    reason = forms.CharField(
        label=_("Why remove the override"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResponseOverrideForm(forms.Form):
    """Set (or remove) the score that counts on one answer, with a reason."""

    score = forms.DecimalField(
        label=_("Score"),
        required=False,
        min_value=0,
        decimal_places=3,
        help_text=_("Empty to remove the override."),
    )
    reason = forms.CharField(
        label=_("Reason (shown to the student)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, maximum: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].validators.append(MaxValueValidator(maximum))
        self.fields["score"].widget.attrs.update({"max": str(maximum), "step": "any"})
        self.fields["score"].help_text = _("From 0 to %(max)s.") % {"max": maximum}


class AddStudentForm(forms.Form):
    """The e-mail address of a student to put in a cohort."""

    email = forms.EmailField(
        label=_("Student's e-mail address"),
        help_text=_(
            "They need an account; students without one can use the join code."
        ),
    )
