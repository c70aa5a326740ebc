"""The simulated platform's HTTP side: which URL does what (see platform.py)."""

from __future__ import annotations

import html
import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlsplit

TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def make_handler(platform):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _send(self, status: int, body, content_type="application/json", headers=()):
            data = (
                body
                if isinstance(body, bytes)
                else (
                    body.encode()
                    if isinstance(body, str)
                    else json.dumps(body).encode()
                )
            )
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/.well-known/openid-configuration":
                if self.headers.get("Authorization") != (
                    f"Bearer {platform.registration_token}"
                ):
                    return self._send(401, {"error": "unauthorized"})
                return self._send(200, platform.openid_configuration())
            if parts.path == "/jwks":
                platform.jwks_requests += 1
                return self._send(200, {"keys": platform.published})
            if parts.path == "/auth":
                return self._send(200, platform.auth_response_html(query), "text/html")
            if parts.path == "/course":
                return self._send(200, course_page(platform), "text/html")
            if parts.path == "/memberships":
                if not platform.authorized(
                    self.headers.get("Authorization"),
                    NRPS_SCOPE,
                ):
                    return self._send(401, {"error": "unauthorized"})
                platform.membership_requests += 1
                return self._send(
                    200,
                    {
                        "id": platform.memberships_url,
                        "context": {"id": platform.context_id},
                        "members": platform.members,
                    },
                    "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
                )
            return self._send(404, {"error": "not found"})

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            raw = self._body()
            if parts.path == "/token":
                form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                status, body = platform.handle_token(form)
                return self._send(status, body)
            if parts.path.startswith("/lineitems/") and parts.path.endswith("/scores"):
                if not platform.authorized(
                    self.headers.get("Authorization"),
                    SCORE_SCOPE,
                ):
                    return self._send(401, {"error": "unauthorized"})
                assert self.headers["Content-Type"] == (
                    "application/vnd.ims.lis.v1.score+json"
                )
                lineitem = platform.base + parts.path.removesuffix("/scores")
                status = platform.handle_score(lineitem, json.loads(raw))
                return self._send(status, {} if status < 300 else {"error": status})
            if parts.path == "/register":
                if self.headers.get("Authorization") != (
                    f"Bearer {platform.registration_token}"
                ):
                    return self._send(401, {"error": "unauthorized"})
                body = json.loads(raw)
                platform.registration_requests.append(body)
                return self._send(
                    200,
                    {
                        **body,
                        "client_id": platform.client_id,
                        TOOL_CONFIG: {
                            **body[TOOL_CONFIG],
                            "deployment_id": platform.deployment_id,
                        },
                    },
                )
            if parts.path == "/deep_link_return":
                form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                platform.handle_deep_link_return(form)
                return self._send(200, "<p>Content added</p>", "text/html")
            return self._send(404, {"error": "not found"})

    return Handler


def course_page(platform) -> str:
    """The LMS course page: the tool launched inside an iframe (OIDC login first)."""
    login = platform.course_login_url
    params = urlencode(platform.login_params(login.replace("/login/", "/launch/")))
    return (
        "<!doctype html><html><body><h1>LMS course</h1>"
        f'<iframe id="tool" title="Tradeoffs" width="1000" height="800" '
        f'src="{html.escape(login)}?{html.escape(params)}"></iframe></body></html>'
    )
