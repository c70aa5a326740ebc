"""Admin forms of courses: objectives one per line, and passage links kept honest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .anchors import moved_paragraphs, paragraphs_moving
from .models import Lesson

MAX_OBJECTIVE_LENGTH = 500


class LinesField(forms.CharField):
    """A textarea holding a list of sentences, one per line; blank lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], "required")
        for number, line in enumerate(value, start=1):
            if len(line) > MAX_OBJECTIVE_LENGTH:
                raise forms.ValidationError(
                    _("Line %(n)s is longer than %(max)s characters.")
                    % {"n": number, "max": MAX_OBJECTIVE_LENGTH},
                    "too_long",
                )


class LessonAdminForm(forms.ModelForm):
    """A lesson; saving a body that would move question links needs a decision."""

    objectives = LinesField(
        label=_("Objectives"),
        required=False,
        help_text=_("What a student should take from the lesson, one per line."),
    )
    move_links = forms.BooleanField(
        label=_("Move the questions' passage links with their paragraphs"),
        required=False,
        help_text=_(
            "Tick this when the edit moves paragraphs that questions link to: each "
            "link follows its paragraph to its new number. A link to a deleted "
            "paragraph is cleared."
        ),
    )

    class Meta:
        model = Lesson
        fields = [
            "course",
            "position",
            "title",
            "slug",
            "published",
            "body",
            "objectives",
            "tradeoffs",
        ]

    def clean(self):
        cleaned = super().clean()
        self.moves: dict[int, int | None] = {}
        body = cleaned.get("body")
        if not self.instance.pk or body is None:
            return cleaned
        self.moves = moved_paragraphs(self.instance.body, body)
        if not self.moves or cleaned.get("move_links"):
            return cleaned
        problems = [
            reason
            for _receiver, reasons in paragraphs_moving.send(
                sender=Lesson, lesson=self.instance, moves=self.moves
            )
            for reason in reasons or []
        ]
        if problems:
            self.add_error(
                "body",
                [
                    _(
                        "This edit moves paragraphs that questions link to. Tick "
                        "“Move the questions' passage links” to move the links with "
                        "them, or keep those paragraphs where they are:"
                    ),
                    *problems,
                ],
            )
        return cleaned
