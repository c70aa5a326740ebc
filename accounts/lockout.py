"""django-axes callables: the name failures are counted under, and the lockout page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from accounts.forms import EmailAuthenticationForm


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The log-in name axes counts failures under: the e-mail, trimmed and lower-cased."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        raw = credentials.get(field) or credentials.get("email") or ""
    else:
        data = getattr(request, "data", None) or request.POST
        raw = data.get(field) or ""
    # The EmailBackend matches addresses case-insensitively, so the lock must too.
    return str(raw).strip().lower()


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """A 403 page saying the log-in is locked and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed log-in attempts for this account or from your network. "
        "Log-in is blocked for %(minutes)d minutes; try again after that, or reset "
        "your password."
    ) % {"minutes": minutes}
    # The log-in page itself, with the reason in the page's messages, so the student sees
    # what happened and where to log in once the block lifts.
    messages.error(request, message)
    form = EmailAuthenticationForm(
        request, initial={"username": axes_username(request, credentials)}
    )
    html = render_to_string(
        "registration/login.html", {"form": form, "next": ""}, request=request
    )
    return HttpResponse(html, status=403)
