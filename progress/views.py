"""The unsubscribe page: a signed link works without logging in."""

from django.contrib.auth import get_user_model
from django.core import signing
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import mail, services


# The signed token is the credential, and mail clients' one-click unsubscribe
# (RFC 8058) POSTs without a CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks to confirm; POST turns weekly progress e-mails off."""
    try:
        user_id = mail.user_id_from_token(token)
        user = get_user_model().objects.get(pk=user_id)
    except (signing.BadSignature, get_user_model().DoesNotExist):
        return render(request, "progress/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        services.unsubscribe(user=user)
        return render(request, "progress/unsubscribed.html", {"email": user.email})
    return render(
        request,
        "progress/unsubscribe_confirm.html",
        {"email": user.email, "subscribed": user.progress_emails},
    )
