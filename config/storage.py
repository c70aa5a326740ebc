"""Static files storage for production: WhiteNoise's, with each URL worked out once.

Every page links its style sheets and scripts through {% static %}, and the manifest
storage works each URL out again on every render: look up the hashed name, clean it,
quote it, join it to STATIC_URL. The manifest is read once when the process starts and
never changes under it, so the answer for a name is kept (names missing from the manifest
still raise, and are not kept).
"""

from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

__all__ = ["StaticFilesStorage"]


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        # DEBUG serves unhashed names (Django decides per call); keep only the real thing.
        if force or settings.DEBUG:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
