"""An LTI 1.3 platform (an LMS) for tests, written from the IMS specifications.

LTI Core 1.3 (OIDC third-party login, signed id_token), Deep Linking 2.0 (verifies the
tool's signed response with the tool's JWKS), AGS 2.0 (token endpoint with the
client-credentials JWT grant, line items, scores) and NRPS 2.0 (membership container).
It serves its JWKS and endpoints over HTTP on 127.0.0.1 and records what it receives.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer

import jwt
from jwcrypto.jwk import JWK

from tests.lti.platform_http import make_handler

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TA = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"


def new_key() -> tuple[JWK, dict]:
    key = JWK.generate(kty="RSA", size=2048, kid=secrets.token_hex(8))
    public = json.loads(key.export_public())
    public.update(alg="RS256", use="sig")
    return key, public


@dataclass
class Platform:
    client_id: str = "tradeoffs-client"
    deployment_id: str = "deployment-1"
    context_id: str = "course-101"
    context_title: str = "Migration Policy 101"
    keys: list = field(default_factory=list)
    published: list = field(default_factory=list)
    # What the tool sent, in order.
    scores: list = field(default_factory=list)
    score_statuses: list = field(default_factory=list)
    token_requests: list = field(default_factory=list)
    deep_link_responses: list = field(default_factory=list)
    members: list = field(default_factory=list)
    membership_requests: int = 0
    jwks_requests: int = 0
    tool_jwks: dict | None = None
    # The LMS course page: the tool's login URL, and the claims its launch carries.
    course_login_url: str = ""
    course_launch: dict = field(default_factory=dict)
    hold_next_score: bool = False
    stall_next_score: bool = False
    stall_seconds: float = 1.0
    registration_token: str = "reg-token-1"
    registration_requests: list = field(default_factory=list)
    score_held: threading.Event = field(default_factory=threading.Event)
    score_release: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Platform:
        key, public = new_key()
        self.keys = [key]
        self.published = [public]
        self._tokens: dict[str, str] = {}
        self._logins: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self))
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- URLs an LMS admin copies into the tool's registration ---------------------
    @property
    def issuer(self) -> str:
        return self.base

    @property
    def auth_url(self) -> str:
        return f"{self.base}/auth"

    @property
    def token_url(self) -> str:
        return f"{self.base}/token"

    @property
    def jwks_url(self) -> str:
        return f"{self.base}/jwks"

    def lineitem_url(self, n: int = 1) -> str:
        return f"{self.base}/lineitems/{n}"

    @property
    def memberships_url(self) -> str:
        return f"{self.base}/memberships"

    def openid_configuration(self) -> dict:
        """The platform's OpenID configuration (Dynamic Registration 1.0, 3.4)."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.auth_url,
            "token_endpoint": self.token_url,
            "jwks_uri": self.jwks_url,
            "registration_endpoint": f"{self.base}/register",
            "scopes_supported": ["openid"],
            "response_types_supported": ["id_token"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "claims_supported": ["iss", "sub", "name"],
            "subject_types_supported": ["public"],
            PLATFORM_CONFIG: {
                "product_family_code": "simulator",
                "version": "1.0",
                "messages_supported": [
                    {"type": "LtiResourceLinkRequest"},
                    {"type": "LtiDeepLinkingRequest"},
                ],
            },
        }

    def rotate_key(self, *, publish: bool) -> None:
        """Sign with a new key; publish it at the JWKS now, or only later."""
        key, public = new_key()
        self.keys.insert(0, key)
        self._pending_public = public
        if publish:
            self.publish_pending()

    def publish_pending(self) -> None:
        self.published.insert(0, self._pending_public)

    # --- LTI Core: the id_token -----------------------------------------------------
    def id_token(
        self,
        *,
        nonce: str,
        sub: str = "learner-1",
        roles: list[str] | None = None,
        message_type: str = "LtiResourceLinkRequest",
        custom: dict | None = None,
        resource_link_id: str = "link-1",
        lineitem: str | None = None,
        target_link_uri: str = "",
        deep_link_return_url: str | None = None,
        **overrides,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": f"Person {sub}",
            "given_name": "Person",
            "family_name": sub,
            "email": "shared@example.edu",
            LTI + "message_type": message_type,
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "target_link_uri": target_link_uri,
            LTI + "roles": roles if roles is not None else [LEARNER],
            LTI + "context": {
                "id": self.context_id,
                "label": "MIG101",
                "title": self.context_title,
                "type": [
                    "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"
                ],
            },
            NRPS_CLAIM: {
                "context_memberships_url": self.memberships_url,
                "service_versions": ["2.0"],
            },
        }
        if message_type == "LtiResourceLinkRequest":
            claims[LTI + "resource_link"] = {"id": resource_link_id, "title": "Quiz"}
            claims[AGS_CLAIM] = {
                "scope": [
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                ],
                "lineitems": f"{self.base}/lineitems",
                **({"lineitem": lineitem} if lineitem else {}),
            }
        else:
            claims[DL + "deep_linking_settings"] = {
                "deep_link_return_url": deep_link_return_url
                or f"{self.base}/deep_link_return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": False,
                "data": "opaque-platform-data",
            }
        if custom:
            claims[LTI + "custom"] = custom
        claims.update(overrides)
        key = self.keys[0]
        return jwt.encode(
            claims,
            key.export_to_pem(private_key=True, password=None),
            algorithm="RS256",
            headers={"kid": key.kid},
        )

    def login_params(self, target_link_uri: str, **extra) -> dict:
        """The third-party login initiation a platform sends to the tool."""
        return {
            "iss": self.issuer,
            "login_hint": "opaque-login-hint",
            "target_link_uri": target_link_uri,
            "lti_message_hint": "opaque-message-hint",
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
            **extra,
        }

    # --- what the HTTP endpoints do ---------------------------------------------------
    def _verify_tool_jwt(self, token: str, audience: str) -> dict:
        assert self.tool_jwks is not None, "give the platform the tool's JWKS first"
        kid = jwt.get_unverified_header(token)["kid"]
        key = next(k for k in self.tool_jwks["keys"] if k["kid"] == kid)
        public = JWK(**key).export_to_pem()
        return jwt.decode(token, public, algorithms=["RS256"], audience=audience)

    def handle_token(self, form: dict) -> tuple[int, dict]:
        self.token_requests.append(form)
        assertion = self._verify_tool_jwt(form["client_assertion"], self.token_url)
        assert assertion["iss"] == self.client_id == assertion["sub"]
        assert form["grant_type"] == "client_credentials"
        token = secrets.token_urlsafe(16)
        self._tokens[token] = form["scope"]
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": form["scope"],
        }

    def authorized(self, header: str | None, scope: str) -> bool:
        token = (header or "").removeprefix("Bearer ")
        return scope in self._tokens.get(token, "").split()

    def handle_score(self, lineitem: str, body: dict) -> int:
        if self.stall_next_score:
            # Stalls past the tool's timeout, then drops the request unstored.
            self.stall_next_score = False
            time.sleep(self.stall_seconds)
            return 503
        if self.hold_next_score:
            # The request arrives, then the connection dies before the LMS stores it.
            self.hold_next_score = False
            self.score_held.set()
            self.score_release.wait(30)
            raise ConnectionAbortedError("the tool went away mid-request")
        status = self.score_statuses.pop(0) if self.score_statuses else 200
        if status == 200:
            self.scores.append({"lineitem": lineitem, **body})
        return status

    def results(self) -> dict:
        """What the gradebook shows: per (line item, user), the latest timestamp wins."""
        shown: dict = {}
        for score in self.scores:
            key = (score["lineitem"], score["userId"])
            if key not in shown or score["timestamp"] >= shown[key]["timestamp"]:
                shown[key] = score
        return shown

    def handle_deep_link_return(self, form: dict) -> dict:
        message = self._verify_tool_jwt(form["JWT"], self.issuer)
        self.deep_link_responses.append(message)
        return message

    def auth_response_html(self, query: dict) -> str:
        """OIDC auth response: an auto-posted form with the id_token (for browsers)."""
        token = self.id_token(
            nonce=query["nonce"],
            target_link_uri=query["redirect_uri"],
            **self.course_launch,
        )
        return (
            "<!doctype html><html><body>"
            f'<form method="post" action="{html.escape(query["redirect_uri"])}">'
            f'<input type="hidden" name="id_token" value="{token}">'
            f'<input type="hidden" name="state" value="{html.escape(query["state"])}">'
            "</form><script>document.forms[0].submit()</script></body></html>"
        )


def new_id() -> str:
    return uuid.uuid4().hex
