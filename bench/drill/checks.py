"""The three drills (issue 13, items 2-4), each returning what it saw and whether it held.

They talk to the stack over HTTP as a browser would, and read the database (the one the
stack uses) through the ORM of the calling process.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field

import requests
from celery import Celery

from .stack import GUNICORN_WORKERS, DrillStack

LOGIN = "/accounts/login/"
# Any request of the drills answering slower than this counts as stalled.
BUDGET_SECONDS = 5.0
SPRAYER = "127.0.0.13"
STUDENT = "127.0.0.14"


@dataclass
class DrillData:
    """Who and what the drills use; made by bench.drill.seed or a test's factories."""

    password: str
    lock_direct: str
    lock_proxied: str
    student: str
    latecomer: str
    instructor: str
    quiz_id: int
    question_id: int
    right_choice_id: int
    cohort_id: int
    spray_limit: int


@dataclass
class Outcome:
    item: str
    held: bool
    lines: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    def report(self) -> str:
        verdict = "HELD" if self.held else "FAILED"
        return "\n".join(
            [f"[{verdict}] {self.item}", *(f"    {x}" for x in self.lines)]
        )


class _FromAddress(requests.adapters.HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


def session_from(address: str) -> requests.Session:
    """A browser whose connections come from `address` (any of 127.0.0.0/8 on Linux)."""
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


def _csrf(session: requests.Session, base: str, path: str = LOGIN) -> str:
    session.get(base + path, timeout=BUDGET_SECONDS)
    return session.cookies.get("csrftoken", "")


def try_login(base: str, address: str, email: str, password: str, **headers) -> int:
    """One log-in from a fresh browser; the status (302 in, 200 refused, 403 locked)."""
    session = session_from(address)
    token = _csrf(session, base)
    reply = session.post(
        base + LOGIN,
        {"username": email, "password": password, "csrfmiddlewaretoken": token},
        headers=headers,
        allow_redirects=False,
        timeout=BUDGET_SECONDS,
    )
    return reply.status_code


def browser_for(base: str, address: str, email: str, password: str):
    session = session_from(address)
    token = _csrf(session, base)
    reply = session.post(
        base + LOGIN,
        {"username": email, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=BUDGET_SECONDS,
    )
    if reply.status_code != 302:
        raise AssertionError(f"log-in of {email} failed: {reply.status_code}")
    return session


# --- Item 2: forged X-Forwarded-For, spraying ------------------------------------------


def forged_forwarded_for(stack: DrillStack, data: DrillData) -> Outcome:
    """Wrong passwords, each with a new forged X-Forwarded-For, then the right one."""
    lines, facts, held = [], {}, True
    # Each drill its own client address, so their counts do not mix.
    for label, base, address, email in (
        (
            "direct to gunicorn, untrusted peer",
            stack.gunicorn_url,
            "127.0.0.11",
            data.lock_direct,
        ),
        (
            "through nginx (the trusted proxy)",
            stack.nginx_url,
            "127.0.0.12",
            data.lock_proxied,
        ),
    ):
        codes = [
            try_login(
                base, address, email, "wrong", **{"X-Forwarded-For": f"192.0.2.{n}"}
            )
            for n in range(6)
        ]
        right = try_login(
            base, address, email, data.password, **{"X-Forwarded-For": "192.0.2.99"}
        )
        ok = codes == [200, 200, 200, 200, 403, 403] and right == 403
        held &= ok
        facts[label] = (codes, right)
        lines.append(
            f"{label}: 6 wrong passwords, 6 forged addresses -> "
            f"{' '.join(map(str, codes))}; then the right password -> {right} "
            f"({'locked after 5' if ok else 'NOT locked'})"
        )
    spray = []
    for n in range(data.spray_limit + 1):
        spray.append(
            try_login(
                stack.nginx_url,
                SPRAYER,
                f"spray{n}@example.org",
                "Winter2026!",
                **{"X-Forwarded-For": f"198.51.100.{n}"},
            )
        )
        if spray[-1] == 403:
            break
    own = try_login(stack.nginx_url, SPRAYER, data.student, data.password)
    ok = len(spray) == data.spray_limit and spray[-1] == 403 and own == 403
    held &= ok
    facts["spray"] = (spray, own)
    lines.append(
        f"password spraying through nginx: {len(spray)} accounts tried, "
        f"the {len(spray)}th refused with {spray[-1]} (limit {data.spray_limit}); "
        f"a real account from that address -> {own}"
    )
    return Outcome(
        "2. log-in limits vs forged X-Forwarded-For and spraying", held, lines, facts
    )


# --- Item 3: Redis dies under a signed-in student --------------------------------------


def _timed(call):
    began = time.monotonic()
    try:
        reply = call()
        status = reply.status_code
    except requests.RequestException as error:
        status = type(error).__name__
    return status, time.monotonic() - began


def send_task(stack: DrillStack, name: str, **options) -> None:
    """Send a task by name to the stack's own broker.

    The URL is given to the connection itself: a Celery app would prefer
    CELERY_BROKER_URL from this process's environment to its own configuration.
    """
    app = Celery("drill", set_as_current=False)
    with app.connection_for_write(stack.broker_url) as connection:
        app.send_task(name, connection=connection, ignore_result=True, **options)


def redis_outage(stack: DrillStack, data: DrillData) -> Outcome:
    """Kill Redis while a student autosaves and submits; restart; check the grade."""
    from analytics.models import ExportJob
    from quizzes.models import Attempt, Choice

    base = stack.nginx_url
    student = browser_for(base, STUDENT, data.student, data.password)
    token = _csrf(student, base, f"/quizzes/{data.quiz_id}/")
    started = student.post(
        f"{base}/quizzes/{data.quiz_id}/start/",
        {"csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=BUDGET_SECONDS,
    )
    attempt = Attempt.objects.filter(student__email=data.student).latest("pk")
    page = f"{base}/quizzes/attempts/{attempt.pk}/"
    teacher = browser_for(base, STUDENT, data.instructor, data.password)
    teacher_token = teacher.cookies.get("csrftoken", "")

    # The choice as the student's client names it: by this attempt's handle, read off
    # the attempt the server sends (handles are keyed by the server's own secret).
    right_text = Choice.objects.get(pk=data.right_choice_id).text
    sent = student.get(
        f"{base}/api/v1/attempts/{attempt.pk}/", timeout=BUDGET_SECONDS
    ).json()
    question = next(q for q in sent["questions"] if q["id"] == data.question_id)
    handle = next(c["id"] for c in question["choices"] if c["text"] == right_text)
    answers = {str(data.question_id): {"choice": handle}}

    stack.stop_redis()
    steps: dict[str, tuple] = {}
    steps["attempt page"] = _timed(lambda: student.get(page, timeout=BUDGET_SECONDS))
    steps["autosave (API, session)"] = _timed(
        lambda: student.put(
            f"{base}/api/v1/attempts/{attempt.pk}/responses/",
            json={"answers": answers},
            headers={"X-CSRFToken": student.cookies.get("csrftoken", "")},
            timeout=BUDGET_SECONDS,
        )
    )
    steps["submit"] = _timed(
        lambda: student.post(
            page + "submit/",
            {"csrfmiddlewaretoken": student.cookies.get("csrftoken", "")},
            allow_redirects=False,
            timeout=BUDGET_SECONDS,
        )
    )
    steps["result page"] = _timed(
        lambda: student.get(page + "result/", timeout=BUDGET_SECONDS)
    )
    began = time.monotonic()
    try:
        latecomer = browser_for(base, STUDENT, data.latecomer, data.password)
        steps["another student logs in"] = (302, time.monotonic() - began)
        steps["quiz start"] = _timed(
            lambda: latecomer.post(
                f"{base}/quizzes/{data.quiz_id}/start/",
                {"csrfmiddlewaretoken": latecomer.cookies.get("csrftoken", "")},
                allow_redirects=False,
                timeout=BUDGET_SECONDS,
            )
        )
    except (AssertionError, requests.RequestException) as error:
        steps["another student logs in"] = (str(error), time.monotonic() - began)
    steps["CSV export requested"] = _timed(
        lambda: teacher.post(
            f"{base}/instructor/reports/cohorts/{data.cohort_id}/export/",
            {"csrfmiddlewaretoken": teacher_token},
            allow_redirects=False,
            timeout=BUDGET_SECONDS,
        )
    )
    expected = {
        "attempt page": 200,
        "autosave (API, session)": 200,
        "submit": 302,
        "result page": 200,
        "another student logs in": 302,
        "quiz start": 302,
        "CSV export requested": 302,
    }
    lines = ["Redis killed (SIGKILL); while it is down, through nginx:"]
    held = started.status_code == 302
    for name, want in expected.items():
        status, seconds = steps.get(name, ("not reached", 0.0))
        ok = status == want and seconds < BUDGET_SECONDS
        held &= ok
        lines.append(f"  {name}: {status} in {seconds:.2f} s{'' if ok else '  <-- '}")
    job = ExportJob.objects.filter(requested_by__email=data.instructor).latest("pk")
    held &= job.state == ExportJob.State.FAILED
    lines.append(f"  export job: {job.state} ({job.error[:70]}...)")
    attempt.refresh_from_db()
    held &= attempt.state == Attempt.State.SUBMITTED
    lines.append(f"  attempt: {attempt.state} (no grading message could be sent)")

    stack.start_redis()
    began = time.monotonic()
    send_task(stack, "quizzes.tasks.sweep_attempts", kwargs={"stale_after_seconds": 0})
    while time.monotonic() - began < 60:
        attempt.refresh_from_db()
        if attempt.state == Attempt.State.GRADED:
            break
        time.sleep(0.2)
    graded_in = time.monotonic() - began
    graded_at = attempt.graded_at
    # A duplicate message (a second sweep, a redelivery) must change nothing.
    send_task(stack, "quizzes.tasks.grade_attempt_task", args=[attempt.pk])
    send_task(stack, "quizzes.tasks.sweep_attempts", kwargs={"stale_after_seconds": 0})
    time.sleep(3)
    attempt.refresh_from_db()
    once = attempt.state == Attempt.State.GRADED and attempt.graded_at == graded_at
    held &= once and attempt.score == attempt.max_score
    lines.append(
        f"Redis restarted; the sweep re-queued the attempt: {attempt.state} in "
        f"{graded_in:.1f} s, score {attempt.score}/{attempt.max_score}; after a "
        f"duplicate grading message: {'unchanged (graded once)' if once else 'CHANGED'}"
    )
    return Outcome("3. Redis outage under a signed-in student", held, lines, steps)


# --- Item 4: slow clients ---------------------------------------------------------------


class SlowClients:
    """Sockets that send half a request line and headers, then nothing."""

    def __init__(self, port: int, count: int) -> None:
        self.sockets: list[socket.socket] = []
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.sockets.append(sock)

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()


def _normal_request(base: str) -> tuple[str, float]:
    began = time.monotonic()
    try:
        status = str(requests.get(base + LOGIN, timeout=BUDGET_SECONDS).status_code)
    except requests.RequestException:
        status = f"no answer within {BUDGET_SECONDS:.0f} s"
    return status, time.monotonic() - began


def slow_clients(stack: DrillStack, *, count: int = 6, direct: bool = True) -> Outcome:
    """Open `count` stalled sockets, then time one normal request."""
    lines, facts = [], {}
    targets = [("through nginx", stack.nginx_port, stack.nginx_url)]
    if direct:
        # Last: it stalls gunicorn's workers until the slow sockets close.
        targets.append(("direct to gunicorn", stack.web_port, stack.gunicorn_url))
    held = True
    for label, port, base in targets:
        slow = SlowClients(port, count)
        try:
            time.sleep(0.5)
            status, seconds = _normal_request(base)
        finally:
            slow.close()
        facts[label] = (status, seconds)
        lines.append(
            f"{label}: {count} stalled sockets open ({GUNICORN_WORKERS} sync gunicorn "
            f"workers); a normal GET -> {status} in {seconds:.2f} s"
        )
        if label == "through nginx":
            held &= status == "200" and seconds < 2
    if direct:
        # Once the slow sockets close, gunicorn serves again.
        stack.wait_until(lambda: stack._answers(stack.gunicorn_url), "gunicorn", 40)
    return Outcome("4. slow clients vs sync gunicorn workers", held, lines, facts)
