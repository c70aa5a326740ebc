"""Security headers: a strict CSP on pages and the API, HSTS and secure cookies in production."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core import middleware as security
from core.client_ip import client_ip
from tests.accounts.factories import DEFAULT_PASSWORD, InstructorFactory, StaffFactory
from tests.courses.factories import EnrollmentFactory, LessonFactory
from tests.helpers.factories import cohort_with
from tests.quizzes.factories import make_quiz_with_every_kind
from tests.test_settings import PRODUCTION_ENV, run_python

STRICT_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def parse_csp(value: str) -> dict[str, str]:
    directives = {}
    for part in value.split(";"):
        name, _, sources = part.strip().partition(" ")
        directives[name] = sources.strip()
    return directives


def assert_common_headers(response) -> None:
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions


def assert_strict_csp(response) -> None:
    directives = parse_csp(response["Content-Security-Policy"])
    for name, sources in STRICT_CSP.items():
        assert directives[name] == sources, name
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_carry_the_strict_csp_and_the_other_headers(client):
    for url in (reverse("home"), reverse("courses:catalogue"), "/accounts/login/"):
        response = client.get(url)

        assert response.status_code == 200, url
        assert_strict_csp(response)
        assert_common_headers(response)


@pytest.mark.django_db
def test_api_responses_and_errors_carry_the_same_headers(api_client):
    api_client.force_authenticate(InstructorFactory())

    ok = api_client.get(reverse("api-quiz-list"))
    missing = api_client.get(reverse("api-attempt-detail", args=[999999]))

    assert (ok.status_code, missing.status_code) == (200, 404)
    for response in (ok, missing):
        assert_strict_csp(response)
        assert_common_headers(response)


@pytest.mark.django_db
def test_admin_pages_keep_the_strict_csp(client):
    # Django 5.2's admin has no inline scripts; the browser test below loads it.
    client.force_login(StaffFactory())

    response = client.get(reverse("admin:quizzes_quiz_changelist"))

    assert response.status_code == 200
    assert_strict_csp(response)


@pytest.mark.django_db
def test_the_swagger_page_loads_only_our_own_scripts(client):
    client.force_login(InstructorFactory())

    docs = client.get(reverse("api-docs"))
    schema = client.get(reverse("schema"))

    assert docs.status_code == 200
    html = docs.content.decode()
    # Served from our static files (drf-spectacular-sidecar), booted by a script file.
    assert "cdn.jsdelivr.net" not in html and "https://" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "<script>" not in html
    directives = parse_csp(docs["Content-Security-Policy"])
    assert directives["script-src"] == "'self'"
    # Its one relaxation: inline styles (a <style> block and the UI's style attributes).
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert_strict_csp(schema)


def test_the_middleware_leaves_a_policy_a_view_set_itself():
    from django.http import HttpResponse

    def view(request):
        response = HttpResponse("embedded")
        response["Content-Security-Policy"] = "frame-ancestors 'self'"
        return response

    middleware = security.SecurityHeadersMiddleware(view)

    response = middleware(RequestFactory().get("/anything/"))

    assert response["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert response["Permissions-Policy"] == security.PERMISSIONS_POLICY


SHOW_PRODUCTION = """
import json
import django
from django.conf import settings
django.setup()
from django.test import Client
from django.test.utils import override_settings
# The manifest only exists after collectstatic; the headers do not depend on it.
override_settings(STORAGES={
    **settings.STORAGES,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}).enable()
response = Client().get(
    "/accounts/login/", secure=True, HTTP_HOST="tradeoffs.example.org"
)
csrf = response.cookies["csrftoken"]
plain = Client().get("/accounts/login/", HTTP_HOST="tradeoffs.example.org")
print(json.dumps({
    "status": response.status_code,
    "hsts": response.headers.get("Strict-Transport-Security"),
    "csp": response.headers.get("Content-Security-Policy"),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "csrf_cookie_secure": bool(csrf["secure"]),
    "csrf_cookie_samesite": csrf["samesite"],
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "session_cookie_samesite": settings.SESSION_COOKIE_SAMESITE,
    "csrf_setting_secure": settings.CSRF_COOKIE_SECURE,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "hsts_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"]["LOCATION"],
    "cache_ignores_errors": settings.CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"],
    "broker": settings.CELERY_BROKER_URL,
    "session_engine": settings.SESSION_ENGINE,
    "trusted_proxies": settings.TRUSTED_PROXIES,
    "axes_ip": settings.AXES_CLIENT_IP_CALLABLE,
}))
"""


def test_production_sends_hsts_redirects_to_https_and_marks_cookies_secure():
    result = run_python("-c", SHOW_PRODUCTION, env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["status"] == 200
    assert shown["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert parse_csp(shown["csp"])["script-src"] == "'self'"
    assert shown["plain_status"] == 301
    assert shown["plain_location"].startswith("https://tradeoffs.example.org/")
    assert shown["csrf_cookie_secure"] is True
    assert shown["csrf_cookie_samesite"] == "Lax"
    assert shown["session_cookie_secure"] is True
    assert shown["session_cookie_httponly"] is True
    assert shown["session_cookie_samesite"] == "Lax"
    assert shown["csrf_setting_secure"] is True
    assert shown["hsts_seconds"] == 31536000
    assert shown["hsts_subdomains"] is True
    assert shown["ssl_redirect"] is True
    # Throttle counts are shared between web processes through Redis, a database of
    # its own; the cache fails open, so sessions read through it fall back to the
    # database while Redis is down (tests/security/test_redis_outage.py).
    assert shown["cache"] == "django_redis.cache.RedisCache"
    assert shown["cache_ignores_errors"] is True
    assert shown["cache_location"] != shown["broker"]
    assert shown["session_engine"] == "django.contrib.sessions.backends.cached_db"
    # Forwarding headers are believed from no one until a proxy is configured.
    assert shown["trusted_proxies"] == []
    assert shown["axes_ip"] == "core.client_ip.client_ip"


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "expected"),
    [
        # No proxy configured: the header is ignored, whatever it says.
        ([], "198.51.100.7", "203.0.113.9", "198.51.100.7"),
        ([], "198.51.100.7", "1.2.3.4, 203.0.113.9", "198.51.100.7"),
        # From our proxy: the entry it appended, never the client's forged ones.
        (["10.0.0.2"], "10.0.0.2", "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (["10.0.0.2"], "10.0.0.2", "", "10.0.0.2"),
        # A chain of our proxies (a network): skip them from the right.
        (["10.0.0.0/8"], "10.0.0.2", "6.6.6.6, 203.0.113.9, 10.1.2.3", "203.0.113.9"),
        # Garbage where an address should be: the last proxy is all we can vouch for.
        (["10.0.0.2"], "10.0.0.2", "not-an-ip", "10.0.0.2"),
        # A peer outside the trusted network sending the header is not believed.
        (["10.0.0.2"], "10.0.0.3", "203.0.113.9", "10.0.0.3"),
        (["::1"], "::1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_address_trusts_forwarding_headers_only_from_our_proxies(
    settings, trusted, peer, forwarded, expected
):
    settings.TRUSTED_PROXIES = trusted
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=peer, **headers)

    assert client_ip(request) == expected


# --- In Chromium: the real pages raise no CSP violation --------------------------------

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""


def _log_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, "log-in failed"


class ViolationWatcher:
    """Collect CSP violations from console messages and the DOM event on every page."""

    def __init__(self, context):
        self.console: list[str] = []
        self.events: list[dict] = []
        context.add_init_script(COLLECT_VIOLATIONS)
        self.page = context.new_page()
        self.page.set_default_timeout(15000)
        self.page.on("console", self._on_console)

    def _on_console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(f"{self.page.url}: {text}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (
            url,
            response and response.status,
        )
        self.page.wait_for_load_state("networkidle")
        self.collect()

    def collect(self) -> None:
        found = self.page.evaluate("window.__cspViolations || []")
        self.events.extend({"url": self.page.url, **v} for v in found)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_main_pages_raise_no_csp_violation_in_chromium(live_server, chromium_browser):
    cohort, instructor, (student,) = cohort_with(students=1)
    lesson = LessonFactory(course=cohort.course)
    quiz = make_quiz_with_every_kind(lesson=lesson, course=cohort.course)
    EnrollmentFactory(user=student, course=cohort.course)
    staff = StaffFactory()
    base = live_server.url
    course_url = reverse("courses:course", args=[cohort.course.slug])
    lesson_url = reverse("courses:lesson", args=[cohort.course.slug, lesson.slug])

    student_context = chromium_browser.new_context()
    watcher = ViolationWatcher(student_context)
    for path in ("/", reverse("courses:catalogue"), course_url, lesson_url):
        watcher.visit(base + path)
    _log_in(watcher.page, base, student)
    watcher.collect()
    for path in (
        reverse("courses:catalogue"),
        course_url,
        lesson_url,
        reverse("quizzes:intro", args=[quiz.pk]),
        reverse("dashboard:index"),
        reverse("accounts:profile"),
    ):
        watcher.visit(base + path)
    # Start the quiz: the attempt page runs quiz.js (autosave, timers, sliders).
    watcher.page.goto(base + reverse("quizzes:intro", args=[quiz.pk]))
    watcher.page.locator("form[action$='/start/'] button[type=submit]").first.click()
    watcher.page.wait_for_load_state("networkidle")
    assert "/quizzes/attempts/" in watcher.page.url
    watcher.page.locator("input[type=text], textarea").first.fill("the state")
    watcher.page.wait_for_timeout(1500)
    watcher.collect()
    student_context.close()

    teacher_context = chromium_browser.new_context()
    teacher = ViolationWatcher(teacher_context)
    _log_in(teacher.page, base, instructor)
    for path in (
        reverse("instructor:dashboard"),
        reverse("instructor:cohort", args=[cohort.pk]),
        reverse("instructor:gradebook", args=[cohort.pk]),
        reverse("instructor:queue"),
    ):
        teacher.visit(base + path)
    teacher_context.close()

    admin_context = chromium_browser.new_context()
    admin = ViolationWatcher(admin_context)
    admin.visit(base + reverse("admin:login"))
    admin.page.fill("input[name=username]", staff.email)
    admin.page.fill("input[name=password]", DEFAULT_PASSWORD)
    admin.page.locator("input[type=submit]").click()
    admin.page.wait_for_load_state("networkidle")
    for path in (
        reverse("admin:index"),
        reverse("admin:quizzes_quiz_changelist"),
        reverse("admin:quizzes_quiz_change", args=[quiz.pk]),
        reverse("admin:quizzes_assignment_add"),
        reverse("admin:courses_course_changelist"),
    ):
        admin.visit(base + path)
    admin_context.close()

    violations = watcher.events + teacher.events + admin.events
    console = watcher.console + teacher.console + admin.console
    assert violations == [], violations
    assert console == [], console


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_injected_inline_script_is_blocked_and_reported(
    live_server, chromium_browser
):
    # The control for the test above: the watcher does see a violation when there is one.
    context = chromium_browser.new_context()
    watcher = ViolationWatcher(context)
    watcher.visit(live_server.url + reverse("courses:catalogue"))

    ran = watcher.page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__injected = true";
          document.body.appendChild(script);
          const div = document.createElement("div");
          div.setAttribute("style", "color: red");
          document.body.appendChild(div);
          return window.__injected === true;
        }"""
    )
    watcher.page.wait_for_timeout(300)
    watcher.collect()
    context.close()

    assert ran is False
    directives = {event["directive"] for event in watcher.events}
    assert directives == {"script-src-elem", "style-src-attr"}
    assert watcher.console, "Chromium logged no CSP refusal"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_offline_under_their_csp(live_server, chromium_browser):
    instructor = InstructorFactory()
    context = chromium_browser.new_context()
    outside: list[str] = []

    def only_our_server(route) -> None:
        # Offline: anything not served by the site itself is refused and recorded.
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_our_server)
    watcher = ViolationWatcher(context)
    _log_in(watcher.page, live_server.url, instructor)
    watcher.visit(live_server.url + reverse("api-docs"))
    title = watcher.page.locator(".swagger-ui .info .title")
    title.wait_for()
    heading = title.inner_text()
    operations = watcher.page.locator(".swagger-ui .opblock").count()
    watcher.collect()
    context.close()

    assert "Tradeoffs API" in heading
    assert operations > 10
    assert outside == []
    assert watcher.events == [], watcher.events
    assert watcher.console == [], watcher.console
