"""Serve the images and files that came with imported questions (Moodle XML)."""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe


@require_safe
@login_required
def question_media(request, digest: str, name: str):
    """Send one stored question file; its path is its content's hash and its name."""
    path = f"question-media/{digest}/{name}"
    if name.startswith(".") or not default_storage.exists(path):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(path, "rb"), content_type=content_type)
    # The path changes with the content, so a copy never goes stale.
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    # An uploaded SVG or HTML file must not run script in the site's origin.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
