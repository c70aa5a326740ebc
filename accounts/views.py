"""Account pages: sign up, log in and out, password reset, profile."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import ratelimit
from core.client_ip import client_ip

from . import services
from .forms import EmailAuthenticationForm, ProfileForm, SignUpForm

logger = logging.getLogger(__name__)


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
                _(
                    "Welcome, %(name)s! We sent a link to %(email)s: follow it to "
                    "confirm your address before you take a quiz."
                )
                % {"name": user.display_name, "email": user.email},
            )
            return redirect("courses:catalogue")
    return render(request, "registration/signup.html", {"form": form})


@require_http_methods(["GET"])
def verify_email(request, token):
    """Follow the link from the sign-up e-mail: the address is confirmed."""
    try:
        services.verify_email(token=token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your e-mail address is confirmed."))
    return redirect("courses:catalogue")


@require_http_methods(["POST"])
@login_required
def resend_verification(request):
    """Send the confirmation link again to the signed-in user's address."""
    if request.user.is_verified:
        messages.info(request, _("Your e-mail address is already confirmed."))
    elif services.send_verification_email(user=request.user):
        messages.success(
            request,
            _("We sent a new confirmation link to %(email)s.")
            % {"email": request.user.email},
        )
    else:
        messages.error(
            request, _("The e-mail could not be sent just now; try again later.")
        )
    return redirect("accounts:profile")


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
    """Queue a reset link; the answer and its timing are the same for any address.

    Requests are limited per network address and per e-mail, counted before anything
    is looked up, so the limit itself tells nothing about which accounts exist.
    """

    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        limits = settings.PASSWORD_RESET_LIMITS
        window = settings.PASSWORD_RESET_WINDOW_SECONDS
        email = form.cleaned_data["email"].strip().lower()
        # Both counters count every request, so neither can be dodged by tripping the
        # other first.
        address_ok = ratelimit.hit(
            "password-reset-address",
            client_ip(self.request) or "",
            limit=limits["address"],
            window_seconds=window,
        )
        email_ok = ratelimit.hit(
            "password-reset-email",
            email,
            limit=limits["email"],
            window_seconds=window,
        )
        allowed = address_ok and email_ok
        if not allowed:
            form.add_error(
                None,
                _(
                    "Too many password reset requests for this address or from your "
                    "network. Please wait an hour, then try again."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        try:
            services.request_password_reset(
                email=email,
                domain=self.request.get_host(),
                use_https=self.request.is_secure(),
            )
        except services.ResetUnavailable:
            logger.warning("Could not queue a password reset e-mail")
            form.add_error(
                None,
                _(
                    "We cannot send e-mail at the moment. Please try again in a few "
                    "minutes."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=503)
        return redirect(self.get_success_url())


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
