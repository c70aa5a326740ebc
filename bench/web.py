"""The HTTP figures: quiz page, quiz API and submit, each bracketed by two B0 runs.

Imported by bench.runner after django.setup(); not a module to run on its own."""

from __future__ import annotations

from django.conf import settings
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
)
from django.utils.crypto import get_random_string

from bench.common import (
    CONNECTIONS,
    HTTP_SECONDS,
    SUBMIT_SECONDS,
    WARM_SECONDS,
    Figure,
    fetch,
    load_average,
    log,
    pause_worker,
    write_attempts,
    wrk,
)
from quizzes.models import Attempt


def http_figures(stack_, seeded, var) -> list[Figure]:
    """Quiz page, quiz API and submit, each between two B0 runs (worker paused)."""
    token = f"Authorization: Token {seeded.reader_token}"
    # A signed-in browser sends its CSRF cookie with the session's: without it every page
    # would mint a new CSRF secret and set a cookie, which only a first visit does.
    csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    cookie = (
        f"Cookie: {settings.SESSION_COOKIE_NAME}={seeded.reader_session}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}"
    )
    targets = {
        "b0": ("/bench/b0/", token),
        "page": (f"/quizzes/{seeded.quiz_id}/", cookie),
        "api": (f"/api/v1/quizzes/{seeded.quiz_id}/", token),
    }
    for name, (path, header) in targets.items():
        key, value = header.split(": ", 1)
        status, body = fetch(stack_, path, {key: value})
        if status != 200:
            raise RuntimeError(f"{name} {path} answered {status}: {body[:300]!r}")
        wrk(stack_, path, "get.lua", [header], WARM_SECONDS)
    warm = seeded.submit_attempts[:200]
    rest = seeded.submit_attempts[200:]
    wrk(stack_, "/", "submit.lua", [str(write_attempts(var / "warm.txt", warm))], 2)

    # Submits only queue grading here; the drain figure measures grading on its own.
    pause_worker()

    def b0() -> dict:
        result = wrk(
            stack_, targets["b0"][0], "get.lua", [targets["b0"][1]], HTTP_SECONDS
        )
        log(
            f"B0: {result['rps']:.0f} req/s, p95 {result['p95_ms']:.1f} ms, "
            f"CPU {result['cpu_ms']:.1f} ms/request (load average {load_average()})"
        )
        return result

    def between(measure) -> tuple[dict, dict]:
        before = b0()
        result = measure()
        after = b0()
        mean = {
            key: (before[key] + after[key]) / 2 for key in ("rps", "p95_ms", "cpu_ms")
        }
        return result, mean

    def cpu_note(result: dict, base: dict) -> str:
        return (
            f"CPU per request (web + DB) {result['cpu_ms']:.1f} ms vs B0's "
            f"{base['cpu_ms']:.1f} ms: ratio {base['cpu_ms'] / result['cpu_ms']:.2f}"
        )

    figures = []
    for name, label in (("page", "quiz page (HTML) GET"), ("api", "quiz API GET")):
        path, header = targets[name]
        result, base = between(
            lambda path=path, header=header: wrk(
                stack_, path, "get.lua", [header], HTTP_SECONDS
            )
        )
        log(
            f"{name}: {result['rps']:.0f} req/s, p95 {result['p95_ms']:.1f} ms, "
            f"CPU {result['cpu_ms']:.1f} ms/request"
        )
        ratio = result["rps"] / base["rps"]
        figures.append(
            Figure(
                f"{label} {path}",
                f"{result['rps']:.0f} req/s (p95 {result['p95_ms']:.1f} ms)",
                f"B0 {base['rps']:.0f} req/s (p95 {base['p95_ms']:.1f} ms)",
                ratio,
                ">= 0.40",
                ratio >= 0.4 and "errors" not in result,
                "; ".join(filter(None, [cpu_note(result, base), result.get("errors")])),
            )
        )

    ids = [pk for pk, _ in rest]
    left = Attempt.objects.filter(pk__in=ids, state=Attempt.State.IN_PROGRESS)
    before = left.count()
    submit, base = between(
        lambda: wrk(
            stack_,
            "/",
            "submit.lua",
            [str(write_attempts(var / "submit.txt", rest))],
            SUBMIT_SECONDS,
        )
    )
    recorded = before - left.count()
    log(
        f"submit: {submit['rps']:.0f} req/s, p95 {submit['p95_ms']:.1f} ms; "
        f"{submit['requests']} answered, {recorded} attempts submitted"
    )
    ratio = submit["rps"] / base["rps"]
    p95_ratio = submit["p95_ms"] / base["p95_ms"]
    note = f"p95 {p95_ratio:.1f} x B0's (goal <= 4); {cpu_note(submit, base)}"
    # wrk divides by its whole duration even when the script stops early, so a run that
    # used up the attempts measured the supply, not the server.
    if submit["requests"] >= len(rest) - CONNECTIONS:
        note += "; ran out of fresh attempts: the rate is a floor"
    if "errors" in submit:
        note += "; " + submit["errors"]
    figures.append(
        Figure(
            f"attempt submit, {seeded.question_count} questions",
            f"{submit['rps']:.0f} req/s (p95 {submit['p95_ms']:.1f} ms)",
            f"B0 {base['rps']:.0f} req/s (p95 {base['p95_ms']:.1f} ms)",
            ratio,
            ">= 0.25 and p95 <= 4 x B0",
            ratio >= 0.25 and p95_ratio <= 4 and "errors" not in submit,
            note,
        )
    )
    return figures
