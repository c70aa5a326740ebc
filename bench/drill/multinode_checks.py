"""The scale-out drills (issue 20, part 3), each returning what it saw and whether it held.

They talk to the nodes over HTTP as browsers and API clients would, and read the shared
database through the ORM of the calling process.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections import Counter

import redis
import requests

from .checks import LOGIN, Outcome, send_task
from .multinode import GRADED_KEY, SCORING_KEY, WEB_NODES, MultiNodeStack
from .multinode_beat import log_since, log_size
from .multinode_seed import BurstData, SessionData, schedule

TIMEOUT = 10.0
RETRYABLE = {502, 503, 504}


# --- A session on either node ----------------------------------------------------------


def session_across_nodes(stack: MultiNodeStack, data: SessionData) -> Outcome:
    """Log in on node 1; use the session on node 2, on node 1, through the LB; log out."""
    from quizzes.models import Attempt

    one, two = stack.node_url("web1"), stack.node_url("web2")
    browser = requests.Session()
    browser.get(one + LOGIN, timeout=TIMEOUT)
    reply = browser.post(
        one + LOGIN,
        {
            "username": data.email,
            "password": data.password,
            "csrfmiddlewaretoken": browser.cookies.get("csrftoken", ""),
        },
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    steps: list[tuple[str, object, object]] = [
        ("log in on web1", reply.status_code, 302)
    ]

    def csrf() -> str:
        return browser.cookies.get("csrftoken", "")

    def step(label, want, call):
        try:
            got = call().status_code
        except requests.RequestException as error:
            got = type(error).__name__
        steps.append((label, got, want))

    quiz = f"/quizzes/{data.quiz_id}/"
    step(
        "quiz page on web2", 200, lambda: browser.get(two + quiz, allow_redirects=False)
    )
    step(
        "start the quiz on web2",
        302,
        lambda: browser.post(
            two + quiz + "start/",
            {"csrfmiddlewaretoken": csrf()},
            allow_redirects=False,
            timeout=TIMEOUT,
        ),
    )
    attempt = Attempt.objects.filter(student__email=data.email).order_by("pk").last()
    pk = attempt.pk if attempt else 0
    page = f"/quizzes/attempts/{pk}/"
    step("attempt page on web1", 200, lambda: browser.get(one + page, timeout=TIMEOUT))
    sent = browser.get(f"{two}/api/v1/attempts/{pk}/", timeout=TIMEOUT)
    steps.append(("attempt API (session) on web2", sent.status_code, 200))
    answers = {}
    if sent.status_code == 200:
        question = sent.json()["questions"][0]
        right = next(
            c for c in question["choices"] if c["text"] == "Cooperate on asylum"
        )
        answers = {str(question["id"]): {"choice": right["id"]}}
    step(
        "autosave (API, session + CSRF) on web1",
        200,
        lambda: browser.put(
            f"{one}/api/v1/attempts/{pk}/responses/",
            json={"answers": answers},
            headers={"X-CSRFToken": csrf()},
            timeout=TIMEOUT,
        ),
    )
    step(
        "submit on web2",
        302,
        lambda: browser.post(
            two + page + "submit/",
            {"csrfmiddlewaretoken": csrf()},
            allow_redirects=False,
            timeout=TIMEOUT,
        ),
    )
    served = Counter()
    for _ in range(6):
        reply = browser.get(stack.lb_url + page + "result/", timeout=TIMEOUT)
        served[f"{reply.status_code} from {reply.headers.get('X-Served-By', '?')}"] += 1
    # The session row lives in PostgreSQL and is read through the shared Redis cache.
    cache = redis.Redis.from_url(stack.cache_url)
    key = browser.cookies.get("sessionid", "")
    cached = bool(key) and any(cache.scan_iter(match=f"*{key}*", count=1000))
    cache.close()
    step(
        "log out on web2",
        302,
        lambda: browser.post(
            two + "/accounts/logout/",
            {"csrfmiddlewaretoken": csrf()},
            allow_redirects=False,
            timeout=TIMEOUT,
        ),
    )
    step(
        "quiz page on web1 after logging out on web2 (to the log-in page)",
        302,
        lambda: browser.get(one + quiz, allow_redirects=False, timeout=TIMEOUT),
    )
    held = all(got == want for _, got, want in steps)
    through_lb = {f"200 from {name}" for name in WEB_NODES}
    held &= set(served) == through_lb and cached
    lines = [
        f"{label}: {got}{'' if got == want else f'  <-- want {want}'}"
        for label, got, want in steps
    ]
    lines.append(
        "result page 6 times through HAProxy: "
        + ", ".join(f"{n}x {what}" for what, n in sorted(served.items()))
    )
    lines.append(
        f"session in the shared Redis cache (cached_db): {'yes' if cached else 'NO'}"
    )
    return Outcome(
        "a student's session on whichever node answers", held, lines, {"served": served}
    )


def redeliver_unacked(stack: MultiNodeStack, broker) -> int:
    """Send again the grading messages a killed node never acknowledged, as Redis would
    after the visibility timeout (an hour); returns how many."""
    sent = 0
    for raw in broker.hvals("unacked"):
        message = json.loads(raw)[0]
        if message["headers"].get("task") != "quizzes.tasks.grade_attempt_task":
            continue
        body = message["body"]
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args, kwargs, _ = json.loads(body)
        send_task(stack, "quizzes.tasks.grade_attempt_task", args=args, kwargs=kwargs)
        sent += 1
    return sent


# --- 500 submits over both nodes, a worker node killed and a web node stopped ------------


def _submit(
    client: requests.Session,
    base: str,
    pk: int,
    token: str,
    retried: list,
    tries: int = 6,
):
    """Submit until a final answer; a 502/503/504 or a dropped connection is retried
    (submit is idempotent) and noted in `retried`. Returns (status, node, tries)."""
    last: object = None
    for n in range(1, tries + 1):
        try:
            reply = client.post(
                f"{base}/api/v1/attempts/{pk}/submit/",
                data=b"{}",
                headers={
                    "Authorization": f"Token {token}",
                    "Content-Type": "application/json",
                },
                timeout=30,
            )
        except requests.RequestException as error:
            # The innermost cause says what happened: refused, reset, closed.
            cause = error
            while cause.__context__ is not None and cause.__context__ is not cause:
                cause = cause.__context__
            last = f"{type(error).__name__} ({type(cause).__name__})"
        else:
            if reply.status_code not in RETRYABLE:
                return reply.status_code, reply.headers.get("X-Served-By", "?"), n
            last = reply.status_code
        retried.append(str(last))  # list.append is atomic across threads
        time.sleep(0.2 * 2 ** (n - 1))
    return last, "-", tries


def burst_with_faults(
    stack: MultiNodeStack,
    data: BurstData,
    *,
    clients: int = 24,
    kill_worker: str = "w2",
    stop_web: str = "web2",
    sweep_every: int = 3,
    stale_after: int = 10,
    grading_timeout: float = 120,
) -> Outcome:
    """Submit every attempt through HAProxy; a quarter in, SIGKILL a worker node; half
    way, stop a web node; then wait for grading and count."""
    from quizzes.models import Attempt, Response

    counter = redis.Redis.from_url(stack.counter_url)
    counter.delete(GRADED_KEY, *counter.keys(f"{SCORING_KEY}:*"))
    broker = redis.Redis.from_url(stack.broker_url)
    schedule(sweep_every=sweep_every, stale_after=stale_after)
    logs = {n: stack.processes[n].log for n in ("w1", "w2", "lb")}
    offsets = {n: log_size(path) for n, path in logs.items()}
    stack.start_beat("beat1")

    total = len(data.attempts)
    pending = list(reversed(data.attempts))
    results: dict[int, tuple] = {}
    lock = threading.Lock()
    answered = threading.Semaphore(0)
    faults: list[str] = []
    retried: list[str] = []

    def client() -> None:
        session = requests.Session()
        while True:
            with lock:
                if not pending:
                    return
                pk, token = pending.pop()
            outcome = _submit(session, stack.lb_url, pk, token, retried)
            with lock:
                results[pk] = outcome
            answered.release()

    def wait_answered(count: int) -> None:
        for _ in range(count):
            answered.acquire()

    def saboteur() -> None:
        wait_answered(total // 4)
        unacked = broker.hlen("unacked")
        stack.kill_node(kill_worker)
        faults.append(
            f"{kill_worker} ({stack.worker_name(kill_worker)}) killed with SIGKILL after "
            f"{len(results)} answers, {unacked} grading messages unacknowledged"
        )
        wait_answered(total // 4)
        began = time.monotonic()
        faults.append(f"{stop_web} told to stop (SIGTERM) after {len(results)} answers")
        stack.stop_node(stop_web)
        faults.append(f"{stop_web} gone {time.monotonic() - began:.1f} s later")

    began = time.monotonic()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    fault_thread = threading.Thread(target=saboteur, daemon=True)
    fault_thread.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    answered_in = time.monotonic() - began
    fault_thread.join(60)

    ids = [pk for pk, _ in data.attempts]
    attempts = Attempt.objects.filter(pk__in=ids)
    deadline = time.monotonic() + grading_timeout
    while attempts.exclude(state=Attempt.State.GRADED).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    graded_in = time.monotonic() - began
    stack.stop_node("beat1")
    redelivered = redeliver_unacked(stack, broker)
    if redelivered:
        time.sleep(3)

    accepted = [pk for pk, (status, _, _) in results.items() if status in (200, 202)]
    failed = {pk: r for pk, r in results.items() if r[0] not in (200, 202)}
    served = Counter(
        node for status, node, _ in results.values() if status in (200, 202)
    )
    client_retries = sum(tries - 1 for _, _, tries in results.values())
    graded = attempts.filter(state=Attempt.State.GRADED).count()
    right = attempts.filter(state=Attempt.State.GRADED, score=data.max_score).count()
    lost = attempts.filter(pk__in=accepted).exclude(state=Attempt.State.GRADED).count()
    counts = {int(k): int(v) for k, v in counter.hgetall(GRADED_KEY).items()}
    twice = {pk: n for pk, n in counts.items() if n > 1}
    # Graded but never counted: the killed node committed them and died before its count.
    uncounted = set(ids) - set(counts)
    killed_scoring = {
        int(pk)
        for pk in counter.smembers(f"{SCORING_KEY}:{stack.worker_name(kill_worker)}")
    }
    unexplained = uncounted - killed_scoring
    students = attempts.values("student_id")
    extra_attempts = Attempt.objects.filter(student_id__in=students).count() - total
    extra_responses = (
        Response.objects.filter(attempt_id__in=ids).count()
        - total * data.question_count
    )
    duplicated = sum(n - 1 for n in twice.values()) + extra_attempts + extra_responses
    requeued = sum(
        int(n)
        for name in ("w1", "w2")
        for n in re.findall(r"re-queued (\d+)", log_since(logs[name], offsets[name]))
    )
    # HAProxy's log line: .../srv_conn/retries, "+" when sent to another node.
    resent = re.findall(
        r" \d+/\d+/\d+/\d+/(\+?)(\d+) \d+/\d+ \"POST /api/v1/attempts/\d+/submit/",
        log_since(logs["lb"], offsets["lb"]),
    )
    lb_retried = sum(1 for _, n in resent if int(n) > 0)
    lb_redispatched = sum(1 for plus, _ in resent if plus)
    counter.close()
    broker.close()

    held = (
        len(accepted) == total
        and not failed
        and graded == total
        and right == total
        and lost == 0
        and duplicated == 0
        and not unexplained
        and set(served) == set(WEB_NODES)
        and len(faults) == 3
    )
    lines = [
        f"{total} submits from {clients} clients through HAProxy to "
        f"{', '.join(WEB_NODES)}; worker nodes {stack.worker_name('w1')}, "
        f"{stack.worker_name('w2')}; beat on one node (sweep every {sweep_every} s, "
        f"re-queues after {stale_after} s)",
        *faults,
        f"answered: {len(accepted)} accepted (2xx) in {answered_in:.1f} s; served by "
        + ", ".join(f"{node} {n}" for node, n in sorted(served.items()))
        + f"; HAProxy retried {lb_retried} ({lb_redispatched} on the other node); "
        f"{client_retries} client retries"
        + (
            f" ({', '.join(f'{n}x {why}' for why, n in Counter(retried).items())})"
            if retried
            else ""
        )
        + f"; {len(failed)} failed"
        + (f", e.g. {next(iter(failed.values()))}" if failed else ""),
        f"grading: {graded}/{total} graded ({right} full marks) {graded_in:.1f} s after "
        f"the first submit; {len(counts)} attempts counted graded by the workers, "
        f"{len(twice)} of them more than once, {len(uncounted)} not counted "
        f"({len(uncounted) - len(unexplained)} of them committed by the killed node "
        f"before its count, {len(unexplained)} unexplained); the sweep re-queued "
        f"{requeued}; the "
        f"killed node's {redelivered} unacknowledged grading messages, delivered again "
        "(as after Redis' visibility timeout), graded nothing again",
        f"attempts {total}, graded {graded}, lost {lost}, duplicated {duplicated} "
        f"(extra gradings {sum(n - 1 for n in twice.values())}, extra attempts "
        f"{extra_attempts}, extra responses {extra_responses})",
    ]
    facts = {
        "attempts": total,
        "accepted": len(accepted),
        "graded": graded,
        "lost": lost,
        "duplicated": duplicated,
        "served": dict(served),
        "requeued": requeued,
        "client_retries": client_retries,
        "redelivered": redelivered,
        "lb_retried": lb_retried,
    }
    return Outcome(
        "500 submits over two web nodes, a worker node killed, a web node stopped",
        held,
        lines,
        facts,
    )
