"""Fixtures shared with the quiz tests: students, Chromium, artifacts."""

from tests.quizzes.conftest import *  # noqa: F403
