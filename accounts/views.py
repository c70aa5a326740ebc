"""Account pages: sign up, log in and out, password reset, profile."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .forms import EmailAuthenticationForm, ProfileForm, SignUpForm


@require_http_methods(["GET", "POST"])
def signup(request):
    """Create a student account and sign the new student in."""
    if request.user.is_authenticated:
        return redirect("courses:catalogue")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_student(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="accounts.backends.EmailBackend")
            messages.success(
                request,
                _("Welcome, %(name)s! Pick a course to start.")
                % {"name": user.display_name},
            )
            return redirect("courses:catalogue")
    return render(request, "registration/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Log in by e-mail address."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("You are logged in."))
        return response

    def get_default_redirect_url(self):
        # With no ?next=, an instructor starts where their work is.
        if self.request.user.is_authenticated and self.request.user.is_instructor:
            return resolve_url("instructor:dashboard")
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    """Log out (POST only) and say so."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are logged out."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Send a reset link; the page says the same whether or not the address is known."""

    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = None
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the link in the e-mail."""

    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password while signed in."""

    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """Edit one's name, time zone and progress e-mail preference."""
    user = request.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "timezone": user.timezone,
        "progress_emails": user.progress_emails,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_preferences(user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
