"""The admin's "preview as a student" shows each kind of question as the take page does."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from quizzes.models import Question
from tests.accounts.factories import StaffFactory
from tests.quizzes.factories import make_quiz_with_every_kind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each kind must offer the student: (role of the widget, how many at least).
WIDGETS = {
    Question.Kind.SINGLE_CHOICE: ("radio", 2),
    Question.Kind.TRUE_FALSE: ("radio", 2),
    Question.Kind.MULTIPLE_RESPONSE: ("checkbox", 2),
    Question.Kind.SHORT_ANSWER: ("textbox", 1),
    Question.Kind.NUMERIC: ("spinbutton", 1),
    Question.Kind.ORDERING: ("combobox", 2),
    Question.Kind.MATCHING: ("combobox", 2),
    Question.Kind.TRADEOFF_ALLOCATION: ("spinbutton", 2),
    Question.Kind.TRADEOFF_POSITION: ("slider", 1),
    Question.Kind.ESSAY: ("textbox", 1),
}


def _sign_in(context, base_url: str, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


def test_admin_preview_renders_every_kind_as_the_student_sees_it(
    chromium_browser, live_server
):
    quiz = make_quiz_with_every_kind(marker="SECRET-")
    context = chromium_browser.new_context(viewport={"width": 1100, "height": 900})
    try:
        _sign_in(context, live_server.url, StaffFactory(is_superuser=True))
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(
            live_server.url + reverse("admin:quizzes_quiz_preview", args=[quiz.pk])
        )
        questions = page.locator("fieldset.question")
        expect(questions).to_have_count(len(Question.Kind))
        body = page.locator(".student-preview__questions").inner_text()
        # Neither a Python dump of the data nor any part of the key.
        for leak in ("{'", "[{", "'values'", "SECRET-", "(credit", "Ottawa →"):
            assert leak not in body
        for question in quiz.questions.order_by("position"):
            block = page.locator(f'fieldset.question[data-kind="{question.kind}"]')
            expect(block).to_have_count(1)
            expect(block.locator(".question__prompt")).not_to_be_empty()
            role, least = WIDGETS[question.kind]
            widgets = block.get_by_role(role)
            assert widgets.count() >= least, question.kind
            # Read-only: every widget is disabled.
            for index in range(widgets.count()):
                expect(widgets.nth(index)).to_be_disabled()
            # No empty bullet: every listed choice or item has its text.
            for label in block.locator("li label").all():
                assert label.inner_text().strip(), question.kind
        allocation = page.locator('fieldset.question[data-kind="tradeoff_allocation"]')
        expect(allocation.get_by_label("Security")).to_be_visible()
        expect(allocation.get_by_label("Justification")).to_be_visible()
        # The header tells what the question is really worth: 1 point + 2 for the
        # justification.
        expect(allocation.locator(".question__points")).to_have_text("(points: 3)")
        position = page.locator('fieldset.question[data-kind="tradeoff_position"]')
        expect(position).to_contain_text("Sovereignty")
        expect(position).to_contain_text("Cooperation")
        matching = page.locator('fieldset.question[data-kind="matching"]')
        expect(matching.get_by_label("Canada")).to_be_visible()
        assert errors == []
    finally:
        context.close()


@pytest.mark.django_db
def test_the_quiz_change_page_links_to_the_preview(admin_client):
    quiz = make_quiz_with_every_kind()
    html = admin_client.get(
        reverse("admin:quizzes_quiz_change", args=[quiz.pk])
    ).content.decode()
    assert reverse("admin:quizzes_quiz_preview", args=[quiz.pk]) in html
    page = admin_client.get(reverse("admin:quizzes_quiz_preview", args=[quiz.pk]))
    assert page.status_code == 200
    # The student's own template, once per question, inside a disabled fieldset.
    assert page.content.decode().count('class="question') >= len(Question.Kind)
    assert "<fieldset disabled" in page.content.decode()
