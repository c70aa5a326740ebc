"""Forms of the course pages: joining a cohort with its code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import join_codes


class JoinCodeForm(forms.Form):
    """The join code an instructor shared; case, spaces and dashes do not matter."""

    code = forms.CharField(
        label=_("Join code"),
        max_length=32,
        help_text=_(
            "Ten letters and digits, e.g. ABCDE-23456. Your instructor has it."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters"}
        ),
    )

    def clean_code(self) -> str:
        code = join_codes.normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("A join code has ten letters and digits, e.g. ABCDE-23456.")
            )
        return code
