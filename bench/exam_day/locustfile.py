"""The exam-day load (locust): each user is one student sitting the final.

Run by `bench.exam_day` against 127.0.0.1 only, with EXAM_SESSIONS (a JSON list of
session keys), EXAM_QUIZ_ID, EXAM_AUTOSAVE_SECONDS and EXAM_SAVES. A student starts the
attempt, reads the page, autosaves the whole form every EXAM_AUTOSAVE_SECONDS (what the
page's htmx posts), then submits and stops. Once every one of the EXAM_USERS students
has stopped, locust quits (its `-t` only bounds a run whose students are stuck).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import secrets

import gevent
from locust import HttpUser, task
from locust.exception import StopUser

from bench.exam_day.form import answers_from_page

SESSIONS = itertools.cycle(json.loads(os.environ["EXAM_SESSIONS"]))
QUIZ = int(os.environ["EXAM_QUIZ_ID"])
EVERY = float(os.environ.get("EXAM_AUTOSAVE_SECONDS", "20"))
SAVES = int(os.environ.get("EXAM_SAVES", "3"))
USERS = int(os.environ.get("EXAM_USERS", "0"))
ATTEMPT = re.compile(r"/quizzes/attempts/(\d+)/")
_stopped = 0


class ExamTaker(HttpUser):
    # The pace is set by the autosave interval itself (see take_the_exam).
    wait_time = staticmethod(lambda: 0)

    def on_start(self) -> None:
        assert self.host.startswith("http://127.0.0.1:"), "loopback only"
        # Production cookies are Secure and the load runs over plain HTTP on loopback,
        # so the client sets its own: the session, and a CSRF secret it also posts.
        self.client.cookies.set("sessionid", next(SESSIONS))
        self.csrf = secrets.token_hex(16)
        self.client.cookies.set("csrftoken", self.csrf)
        self.client.get(f"/quizzes/{QUIZ}/", name="quiz intro")
        with self.client.post(
            f"/quizzes/{QUIZ}/start/",
            {"csrfmiddlewaretoken": self.csrf},
            name="start",
            allow_redirects=False,
            catch_response=True,
        ) as started:
            match = ATTEMPT.search(started.headers.get("Location", ""))
            if started.status_code != 302 or not match:
                started.failure(f"no attempt started ({started.status_code})")
                raise StopUser()
        self.attempt = match.group(1)

    @task
    def take_the_exam(self) -> None:
        page = self.client.get(f"/quizzes/attempts/{self.attempt}/", name="take page")
        form = answers_from_page(page.text)
        for _ in range(SAVES):
            self._sleep(EVERY)
            self.client.post(
                f"/quizzes/attempts/{self.attempt}/autosave/",
                form,
                headers={"HX-Request": "true"},
                name="autosave",
            )
        self.client.post(
            f"/quizzes/attempts/{self.attempt}/submit/",
            {"csrfmiddlewaretoken": self.csrf},
            name="submit",
            allow_redirects=False,
        )
        raise StopUser()

    def on_stop(self) -> None:
        # Called for a student who submitted and for one whose start failed alike.
        global _stopped
        _stopped += 1
        if USERS and _stopped >= USERS:
            # Not from this user's greenlet, which quit() stops.
            gevent.spawn_later(0.5, self.environment.runner.quit)

    def _sleep(self, seconds: float) -> None:
        gevent.sleep(seconds)
