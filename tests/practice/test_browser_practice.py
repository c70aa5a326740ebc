"""In Chromium: from the course page a student practises today's set, sees the feedback
after each answer, and a double click on "Check my answer" reviews the card once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from practice.models import PracticeItem, ReviewLog
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.practice.conftest import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(chromium_browser, base: str, user):
    page = chromium_browser.new_context(base_url=base).new_page()
    page.set_default_timeout(15000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def test_a_student_practises_a_set_with_feedback_after_each_answer(
    live_server, chromium_browser, artifacts_dir
):
    setup = build(6)
    page = _log_in(chromium_browser, live_server.url, setup.student)
    page.goto(setup.course.get_absolute_url())
    mastery = page.get_by_test_id("mastery")
    expect(mastery).to_contain_text("Security ↔ Human rights")
    page.get_by_test_id("practice-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice")
    page.get_by_test_id("start-practice").click()
    expect(page.get_by_test_id("practice-progress")).to_contain_text("0 of")

    total = PracticeItem.objects.filter(practice_set__student=setup.student).count()
    assert 5 <= total <= 6
    for number in range(1, total + 1):
        right = number % 2 == 1
        option = "Cooperate on asylum" if right else "Close every border"
        page.get_by_label(option).check()
        button = page.get_by_test_id("check-answer")
        if number == 1:
            button.dblclick()  # a double click: one review, not two
        else:
            button.click()
        feedback = page.get_by_test_id("feedback")
        expect(feedback).to_contain_text(f"Feedback on question {number}")
        expect(feedback).to_contain_text("fb-sc-right" if right else "fb-sc-wrong-a")
        expect(feedback).to_contain_text("Right." if right else "Not right this time.")
        # The answer of this question, never another's feedback.
        expect(feedback).to_contain_text("The answer")
        if number == 1:
            page.screenshot(
                path=artifacts_dir / "practice-feedback.png", full_page=True
            )
        expect(page.get_by_test_id("practice-progress")).to_contain_text(
            f"{number} of {total} answered"
        )
    expect(page.get_by_test_id("practice-done")).to_contain_text("Done for today")
    assert ReviewLog.objects.filter(card__student=setup.student).count() == total

    page.goto(setup.course.get_absolute_url())
    expect(page.get_by_test_id("mastery")).to_contain_text("(practice,")
