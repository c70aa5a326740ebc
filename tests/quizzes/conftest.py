"""Fixtures of the quiz tests: students, a signed-in client, a browser page, artifacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.accounts.factories import UserFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def student(db):
    return UserFactory()


@pytest.fixture
def other_student(db):
    return UserFactory()


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def browser_page(chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
