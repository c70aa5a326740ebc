"""Forms for signing up, logging in and editing one's profile."""

import json

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import services, timezones
from .models import User


class SignUpForm(forms.Form):
    """A new student's e-mail, name and password (typed twice)."""

    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip()
        if services.email_taken(email):
            raise forms.ValidationError(
                _(
                    "An account with this e-mail already exists. Log in or reset your password."
                ),
                code="email_taken",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            candidate = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with an e-mail address (any case) and a password."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That e-mail address and password do not match an account."),
    }


class ProfileForm(forms.Form):
    """The name, time zone and e-mail preference a user may change."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezones.grouped_choices,
        help_text=_("Dates and deadlines are shown in this zone."),
    )
    progress_emails = forms.BooleanField(
        label=_("Send me a weekly progress e-mail"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.initial.get("timezone")
        field = self.fields["timezone"]
        # A zone saved before the menu listed only canonical names stays choosable.
        field.choices = timezones.grouped_choices(current)
        if current in (None, "", "UTC"):
            # Never chosen: the page's script picks the browser's own zone.
            field.widget.attrs["data-browser-zone"] = "suggest"
            field.widget.attrs["data-aliases"] = json.dumps(
                timezones.aliases(), separators=(",", ":")
            )
            field.widget.attrs["data-browser-note"] = _(
                "Set from your browser: %s. Save to keep it."
            )
