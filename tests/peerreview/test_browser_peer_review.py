"""In Chromium: three students submit; two calibrate and review their peers; the third
misses the deadline and the answers they were to review go to the instructor; scores
appear with the rubric; the instructor overrides one and the student sees the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from peerreview import services
from peerreview.models import PeerReviewSetup, ReviewAssignment, Submission
from quizzes.models import GradeAudit
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.peerreview.factories import cohort_quiz, example, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(context, base: str, user):
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def _pick(page, levels) -> None:
    for index, level in enumerate(levels):
        page.check(f"input[name=c{index}][value='{level}']")


def _calibrate_and_review(page, base: str, levels) -> None:
    page.goto(f"{base}/peer/")
    page.get_by_role("link", name="Write this review").first.click()
    # Calibration comes first: the instructor's example, then their reasons.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Calibrate before you review"
    )
    _pick(page, [2, 1])
    page.get_by_role("button", name="Compare with the instructor").click()
    expect(page.locator(".calibration-done")).to_contain_text("weight of")
    expect(page.locator(".calibration-reason").first).to_have_text(
        "Both values, each with its cost."
    )
    page.get_by_role("link", name="Go to your reviews").click()
    while page.get_by_role("link", name="Write this review").count():
        page.get_by_role("link", name="Write this review").first.click()
        expect(page.locator(".justification")).to_contain_text("lawful migrants")
        _pick(page, levels)
        page.fill("textarea[name=comment]", "The costs part names who pays.")
        page.get_by_role("button", name="Submit review").click()
        expect(page.locator("body")).to_contain_text("Your review is saved")


def test_calibrate_review_miss_the_deadline_and_override(
    live_server, chromium_browser, artifacts_dir
):
    cohort, instructor, students, quiz, question = cohort_quiz(3, k=2)
    first, second, late = students
    example(
        question,
        levels=(2, 1),
        reasons=["Both values, each with its cost.", "Replies, but only in part."],
    )
    for student in students:
        submit(quiz, question, student)
    # What the Celery task queued by grading does (the worker path has its own tests).
    services.allocate_reviews(quiz_id=quiz.pk)
    base = live_server.url

    for student, levels in ((first, [2, 1]), (second, [1, 2])):
        context = chromium_browser.new_context()
        try:
            _calibrate_and_review(_log_in(context, base, student), base, levels)
        finally:
            context.close()

    # The third student writes nothing; the deadline passes and the beat sweep runs.
    PeerReviewSetup.objects.filter(quiz=quiz).update(
        review_deadline=timezone.now() - timedelta(minutes=1)
    )
    ReviewAssignment.objects.filter(reviewer=late).update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    swept = services.sweep_deadline(quiz_id=quiz.pk)
    assert swept["expired"] == 2 and swept["to_instructor"] == 2

    # The late student's own answer was reviewed by both peers: its score shows.
    context = chromium_browser.new_context()
    page = _log_in(context, base, late)
    mine = Submission.objects.get(author=late)
    page.goto(f"{base}/peer/answers/{mine.pk}/")
    expect(page.locator(".peer-score")).to_contain_text("Weighs both values")
    expect(page.locator(".received-review")).to_have_count(2)
    context.close()

    # The instructor sees the answers left without enough reviews first, and overrides.
    context = chromium_browser.new_context()
    teacher = _log_in(context, base, instructor)
    teacher.goto(f"{base}/instructor/peer/quizzes/{quiz.pk}/")
    rows = teacher.locator(".disagreement-row")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Waiting for you")
    target = Submission.objects.get(author=first)
    teacher.goto(f"{base}/instructor/peer/answers/{target.pk}/")
    _pick(teacher, [2, 2])
    teacher.fill("input[name=reason]", "Your reply to the objection is complete.")
    teacher.get_by_role("button", name="Override").click()
    expect(teacher.locator("body")).to_contain_text("The score is overridden.")
    teacher.screenshot(path=str(artifacts_dir / "peer-review-override.png"))
    context.close()
    assert GradeAudit.objects.filter(response=target.response).count() == 1

    context = chromium_browser.new_context()
    page = _log_in(context, base, first)
    page.goto(f"{base}/peer/answers/{target.pk}/")
    expect(page.locator(".override-reason")).to_contain_text(
        "Your reply to the objection is complete."
    )
    expect(page.locator(".peer-override")).to_contain_text("Answers the objection")
    page.screenshot(path=str(artifacts_dir / "peer-review-received.png"))
    context.close()
