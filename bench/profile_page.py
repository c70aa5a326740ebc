"""Profile the quiz page and B0 in one process: round trips, cProfile, instructions.

Reproduce (the bench database and Redis database of your own):

    export BENCH_DB_NAME=bench_x BENCH_REDIS_URL=redis://127.0.0.1:6380/20
    .venv/bin/python -m bench.profile_page --seed      # once: drop, migrate, seed
    .venv/bin/python -m bench.profile_page             # round trips + cProfile
    # instructions per request: only the COUNT requests after the warm-up are counted
    # (they run inside operator.call, which callgrind switches collection on for)
    PROFILE_COUNT=20 valgrind --tool=callgrind --collect-atstart=no \\
        --toggle-collect=_operator_call --callgrind-out-file=/tmp/page.out \\
        .venv/bin/python -m bench.profile_page --only page   # or --only b0
    grep totals /tmp/page.out    # divide by PROFILE_COUNT

Requests go through Django's test client with `bench.settings`: student 0 with the
session and CSRF cookies a browser sends (the page), and the same student's API token
(B0). Prints SQL queries and Redis commands (round trips: a pipeline counts once) per
request. Not part of `make bench`.
"""

from __future__ import annotations

import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

import cProfile  # noqa: E402
import json  # noqa: E402
import operator  # noqa: E402
import pstats  # noqa: E402

import redis.connection  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from bench import seed  # noqa: E402

STATE = settings.BENCH_VAR / f"profile_page-{settings.BENCH_DB_NAME}.json"
WARM = int(os.environ.get("PROFILE_WARM", "30"))
COUNT = int(os.environ.get("PROFILE_COUNT", "20"))
REDIS_COMMANDS = []


def _count_redis() -> None:
    original = redis.connection.AbstractConnection.send_packed_command

    def send_packed_command(self, command, check_health=True):
        REDIS_COMMANDS.append(command)
        return original(self, command, check_health)

    redis.connection.AbstractConnection.send_packed_command = send_packed_command


def _requests(client, path: str, count: int) -> None:
    for _ in range(count):
        client.get(path)


def _targets(state: dict) -> dict:
    csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    page = Client(SERVER_NAME="127.0.0.1")
    page.cookies[settings.SESSION_COOKIE_NAME] = state["session"]
    page.cookies[settings.CSRF_COOKIE_NAME] = csrf
    b0 = Client(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Token {state['token']}")
    return {
        "page": (page, f"/quizzes/{state['quiz_id']}/"),
        "b0": (b0, "/bench/b0/"),
    }


def main() -> int:
    if "--seed" in sys.argv:
        seed.reset_database()
        seed.migrate()
        seeded = seed.seed()
        STATE.parent.mkdir(parents=True, exist_ok=True)
        STATE.write_text(
            json.dumps(
                {
                    "quiz_id": seeded.quiz_id,
                    "session": seeded.reader_session,
                    "token": seeded.reader_token,
                }
            )
        )
        print(f"seeded; state in {STATE}")
        return 0
    state = json.loads(STATE.read_text())
    targets = _targets(state)
    _count_redis()
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    for name, (client, path) in targets.items():
        if only and name != only:
            continue
        for _ in range(WARM):
            response = client.get(path)
            assert response.status_code == 200, (name, response.status_code)
        if only:  # under callgrind: nothing but the requests, inside operator.call
            operator.call(_requests, client, path, COUNT)
            continue
        REDIS_COMMANDS.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        print(f"{name}: {len(queries)} SQL queries, {len(REDIS_COMMANDS)} Redis trips")
        for query in queries.captured_queries:
            print(f"  SQL {query['sql'][:160]}")
        for command in REDIS_COMMANDS:
            raw = command if isinstance(command, bytes) else b"".join(command)
            print(f"  Redis {raw[:120]!r}")
        if "--profile" in sys.argv:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(COUNT):
                client.get(path)
            profile.disable()
            stats = pstats.Stats(profile)
            print(f"{name}: {stats.total_calls / COUNT:.0f} Python calls per request")
            stats.sort_stats("cumulative").print_stats(60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
