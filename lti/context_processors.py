"""Tell templates a page is shown inside an LMS frame (a launch opened it)."""

from django.http import HttpRequest

from .embedding import FRAMEABLE_PREFIXES, SESSION_KEY


def embedding(request: HttpRequest) -> dict:
    # Only pages a launch may frame ask the session; it is loaded for them anyway.
    if not request.path.startswith(FRAMEABLE_PREFIXES):
        return {}
    session = getattr(request, "session", None)
    return {"lti_embedded": bool(session and session.get(SESSION_KEY))}
