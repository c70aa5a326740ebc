"""Answer the live server's requests without a 40 ms stall each (TCP_NODELAY).

pytest-django's ``live_server`` is Django's ``LiveServerThread``: an HTTP/1.1 keep-alive
server whose handler writes a response's headers and body in separate sends. With
Nagle's algorithm on, the body waits for the client to ACK the headers, and the client
(requests, Chromium) delays that ACK by up to 40 ms, so every request on a reused
connection took ~48 ms instead of ~3.5 ms (measured 2026-12-06, 50 GETs of one API
endpoint). The schemathesis runs (1,200 requests each) spent most of their 90 s idle
there; browser tests were not slowed the same way (four modules took 57.5 s either way).
``disable_nagle_algorithm`` is socketserver's own switch for this; the site is served by
gunicorn, which this does not touch.
"""

from __future__ import annotations

from django.core.servers.basehttp import WSGIRequestHandler


def install() -> None:
    """Turn Nagle's algorithm off on the test run's live servers (the test run only)."""
    WSGIRequestHandler.disable_nagle_algorithm = True
