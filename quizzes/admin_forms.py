"""Admin forms that edit a question's tradeoff data with real fields, not raw JSON.

An allocation is up to four rows (value, low, high); a position is two scale labels and
a range; both have a falloff and an optional justification (points and rubric). Bad
input is an error on the field that holds it; the JSON is built only from valid fields.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import grading
from .models import Question

MAX_VALUES = 4
TRADEOFF_KINDS = (Question.Kind.TRADEOFF_ALLOCATION, Question.Kind.TRADEOFF_POSITION)
# The keys these fields own; any other key already in `data` is kept as it is.
OWNED_KEYS = (
    "values",
    "ranges",
    "left",
    "right",
    "range",
    "falloff",
    "justification",
    "scoring",
)


def _number(label: str) -> forms.FloatField:
    return forms.FloatField(label=label, required=False, min_value=0, max_value=100)


def _value_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for n in range(1, MAX_VALUES + 1):
        fields[f"value_{n}"] = forms.CharField(
            label=_("Value %(n)s") % {"n": n}, required=False, max_length=200
        )
        fields[f"value_{n}_low"] = _number(
            _("Value %(n)s: lowest defensible share") % {"n": n}
        )
        fields[f"value_{n}_high"] = _number(
            _("Value %(n)s: highest defensible share") % {"n": n}
        )
    return fields


class QuestionAdminForm(forms.ModelForm):
    """The question form, with structured fields for the two tradeoff kinds."""

    scoring = forms.TypedChoiceField(
        label=_("Scoring"),
        choices=[
            (2, _("2: the argument only (the position earns and loses nothing)")),
            (1, _("1: the position scored against the range (older questions)")),
        ],
        coerce=int,
        required=False,
        # A post without the field (an older form) keeps the older scoring.
        empty_value=1,
        initial=2,
        help_text=_(
            "Under 2 the range is only a note for instructors (an unusual position is "
            "worth a conversation) and may be left empty; the question's points are "
            "the automatic share for a complete argument in five parts."
        ),
    )
    left = forms.CharField(
        label=_("Scale: left label (0)"), required=False, max_length=200
    )
    right = forms.CharField(
        label=_("Scale: right label (100)"), required=False, max_length=200
    )
    range_low = _number(_("Defensible range: from"))
    range_high = _number(_("Defensible range: to"))
    falloff = forms.FloatField(
        label=_("Falloff"),
        required=False,
        min_value=0,
        help_text=_(
            "How many points outside the range an answer may be before it earns nothing."
        ),
    )
    justification_points = forms.DecimalField(
        label=_("Justification: points"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("Leave empty for no written justification."),
    )
    justification_rubric = forms.CharField(
        label=_("Justification: rubric"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The criteria the marker applies, one per line."),
    )

    class Meta:
        model = Question
        fields = [
            "quiz",
            "position",
            "kind",
            "name",
            "idnumber",
            "prompt",
            "prompt_format",
            "points",
            "explanation",
            "explanation_format",
            "lesson",
            "paragraph",
            "tradeoffs",
            "tags",
            "cognitive_level",
            "pool",
            "rubric",
            "data",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.instance.data if self.instance.pk else {}
        if self.instance.pk and self.instance.kind in TRADEOFF_KINDS:
            self.initial.update(self._initial_from(data or {}))
        if "cognitive_level" in self.fields:
            # An older form that does not post it keeps the model's default.
            self.fields["cognitive_level"].required = False
        if "data" in self.fields:
            self.fields["data"].required = False
            self.fields["data"].help_text = _(
                "For the other kinds (see docs/question-data.md). Tradeoff questions "
                "take their data from the fields under “Tradeoff”."
            )

    @staticmethod
    def _initial_from(data: dict) -> dict:
        initial: dict = {
            "scoring": data.get("scoring", 1),
            "left": data.get("left", ""),
            "right": data.get("right", ""),
            "falloff": data.get("falloff"),
        }
        if isinstance(data.get("range"), list) and len(data["range"]) == 2:
            initial["range_low"], initial["range_high"] = data["range"]
        ranges = data.get("ranges") or []
        for n, value in enumerate(data.get("values") or [], start=1):
            initial[f"value_{n}"] = value
            if n <= len(ranges) and len(ranges[n - 1]) == 2:
                initial[f"value_{n}_low"], initial[f"value_{n}_high"] = ranges[n - 1]
        justification = data.get("justification") or {}
        initial["justification_points"] = justification.get("points")
        initial["justification_rubric"] = justification.get("rubric", "")
        return initial

    def _required(self, name: str, message) -> object:
        value = self.cleaned_data.get(name)
        if value in (None, "") and name not in self.errors:
            self.add_error(name, message)
        return value

    @property
    def _v2(self) -> bool:
        return self.cleaned_data.get("scoring") == grading.SCORING_V2

    def _range(self, low_name: str, high_name: str) -> list[float] | None:
        if self._v2 and self.cleaned_data.get(low_name) in (None, ""):
            if self.cleaned_data.get(high_name) in (None, ""):
                return None
        low = self._required(low_name, _("Give the lowest defensible value."))
        high = self._required(high_name, _("Give the highest defensible value."))
        if low is None or high is None or low == "" or high == "":
            return None
        if low > high:
            self.add_error(
                high_name, _("The top of a range cannot be below its bottom.")
            )
            return None
        return [low, high]

    def _allocation(self) -> dict:
        values, ranges = [], []
        for n in range(1, MAX_VALUES + 1):
            name = (self.cleaned_data.get(f"value_{n}") or "").strip()
            low = self.cleaned_data.get(f"value_{n}_low")
            high = self.cleaned_data.get(f"value_{n}_high")
            if not name and low is None and high is None:
                continue
            if not name:
                self.add_error(f"value_{n}", _("Name the value this range is for."))
                continue
            values.append(name)
            ranges.append(self._range(f"value_{n}_low", f"value_{n}_high"))
        if len(values) < 2:
            self.add_error(
                "value_1", _("An allocation splits 100 points across 2 to 4 values.")
            )
        if self._v2 and all(r is None for r in ranges):
            return {"values": values}
        return {"values": values, "ranges": ranges}

    def _position(self) -> dict:
        left = self._required("left", _("Name the value at 0 on the scale."))
        right = self._required("right", _("Name the value at 100 on the scale."))
        built = {
            "left": (left or "").strip(),
            "right": (right or "").strip(),
            "range": self._range("range_low", "range_high"),
        }
        if built["range"] is None and self._v2:
            del built["range"]
        return built

    def _justification(self) -> dict | None:
        points = self.cleaned_data.get("justification_points")
        rubric = (self.cleaned_data.get("justification_rubric") or "").strip()
        if points is None and not rubric:
            return None
        if not points:
            self.add_error(
                "justification_points",
                _("A justification must be worth more than 0 points."),
            )
        if not rubric:
            self.add_error(
                "justification_rubric", _("Say how the justification is marked.")
            )
        return {"points": float(points or 0), "rubric": rubric}

    def clean(self):
        cleaned = super().clean()
        if "cognitive_level" in self.fields and not cleaned.get("cognitive_level"):
            cleaned["cognitive_level"] = Question.Level.UNDERSTAND
        kind = cleaned.get("kind")
        if kind not in TRADEOFF_KINDS:
            if cleaned.get("data") is None:
                cleaned["data"] = {}
            return cleaned
        # The JSON box does not apply to these kinds: its text is neither read nor checked.
        self._errors.pop("data", None)
        built = (
            self._allocation()
            if kind == Question.Kind.TRADEOFF_ALLOCATION
            else self._position()
        )
        if self._v2:
            built["scoring"] = grading.SCORING_V2
            if self.cleaned_data.get("falloff"):
                built["falloff"] = self.cleaned_data["falloff"]
        else:
            falloff = self._required("falloff", _("Give the falloff."))
            if falloff is not None and falloff <= 0 and "falloff" not in self.errors:
                self.add_error("falloff", _("The falloff must be more than 0."))
            built["falloff"] = falloff
        justification = self._justification()
        if justification is not None:
            built["justification"] = justification
        if self.errors:
            return cleaned
        kept = (
            {
                key: value
                for key, value in (self.instance.data or {}).items()
                if key not in OWNED_KEYS
            }
            if self.instance.pk and self.instance.kind == kind
            else {}
        )
        data = {**kept, **built}
        try:
            grading.validate_data(kind, data)
        except grading.InvalidKey as exc:
            # What only the whole key can tell (no allocation reaching 100).
            field = (
                "value_1_low"
                if kind == Question.Kind.TRADEOFF_ALLOCATION
                else "range_low"
            )
            self.add_error(field, str(exc))
            return cleaned
        cleaned["data"] = data
        return cleaned

    def _post_clean(self):
        # A tradeoff question whose fields are wrong has no data to check yet: the
        # model's own check would only repeat those errors on the hidden JSON.
        if self.cleaned_data.get("kind") in TRADEOFF_KINDS:
            if self._errors:
                return
            # Set here: the admin's form may not list `data`, so the ModelForm
            # would not copy it, and the model's clean() must check the new data.
            self.instance.data = self.cleaned_data["data"]
        super()._post_clean()


# Up to four value rows, declared on the class so the admin may list them in fieldsets.
QuestionAdminForm.declared_fields.update(_value_fields())
QuestionAdminForm.base_fields.update(_value_fields())
VALUE_FIELDS = tuple(_value_fields())
