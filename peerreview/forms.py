"""Forms of the peer-review pages: they parse input, the services decide what counts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

_LOCAL = "%Y-%m-%dT%H:%M"


class RubricForm(forms.Form):
    """One level per rubric criterion (field `c0`, `c1`, ...), and optionally more."""

    def __init__(self, *args, criteria: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for index, criterion in enumerate(criteria):
            self.fields[f"c{index}"] = forms.TypedChoiceField(
                label=criterion["name"],
                choices=[
                    (str(n), level["label"])
                    for n, level in enumerate(criterion["levels"])
                ],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Pick a level of this criterion.")},
            )

    @property
    def rubric_fields(self):
        """(criterion, [(level, radio), ...], bound field) for the template."""
        return [
            (
                criterion,
                list(zip(criterion["levels"], self[f"c{i}"], strict=True)),
                self[f"c{i}"],
            )
            for i, criterion in enumerate(self.criteria)
        ]

    def levels(self) -> list[int]:
        return [self.cleaned_data[f"c{i}"] for i in range(len(self.criteria))]


class ReviewForm(RubricForm):
    comment = forms.CharField(
        label=_("Comment for the author"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kind and specific: what works, what would make it stronger."),
    )


class OverrideForm(RubricForm):
    reason = forms.CharField(label=_("Reason (the student reads it)"), max_length=500)


class CalibrationExampleForm(RubricForm):
    """A justification for students to calibrate on, with the instructor's level and
    reason per criterion (`r0`, `r1`, ...)."""

    PARTS = (
        ("value", _("The value put first, and why")),
        ("gains", _("Who gains")),
        ("costs", _("Who bears the costs")),
        ("objection", _("The strongest objection, answered")),
        ("evidence", _("What evidence would change the view")),
    )

    def __init__(self, *args, criteria: list[dict], **kwargs):
        super().__init__(*args, criteria=criteria, **kwargs)
        for name, label in self.PARTS:
            self.fields[name] = forms.CharField(
                label=label, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
            )
        self.fields["position"] = forms.IntegerField(
            label=_("Order among the examples"), min_value=0, max_value=100, initial=0
        )
        for index, criterion in enumerate(criteria):
            self.fields[f"r{index}"] = forms.CharField(
                label=_("Why this level: %(name)s") % {"name": criterion["name"]},
                required=False,
                max_length=1000,
            )

    def part_fields(self):
        return [self[name] for name, _label in self.PARTS] + [self["position"]]

    def reason_fields(self):
        return [self[f"r{i}"] for i in range(len(self.criteria))]

    def justification(self) -> dict:
        return {name: self.cleaned_data[name] for name, _label in self.PARTS}

    def reasons(self) -> list[str]:
        return [self.cleaned_data[f"r{i}"] for i in range(len(self.criteria))]


class FlagForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong?"), max_length=500)


class SetupForm(forms.Form):
    enabled = forms.BooleanField(label=_("Peer review on"), required=False)
    reviews_per_student = forms.IntegerField(
        label=_("Reviews each student writes"), min_value=1, max_value=10, initial=3
    )
    review_deadline = forms.DateTimeField(
        label=_("Review deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_LOCAL),
    )
    scores_count = forms.BooleanField(
        label=_("Peer scores count (otherwise they only advise you)"), required=False
    )
