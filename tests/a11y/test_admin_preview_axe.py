"""The admin's student preview passes axe on the markup it shares with the take page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.factories import StaffFactory
from tests.quizzes.factories import make_quiz_with_every_kind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = ("serious", "critical")


def _axe(page, axe_js, selector: str) -> list[str]:
    page.add_script_tag(path=str(axe_js))
    results = page.evaluate(
        "async (sel) => await axe.run(document.querySelector(sel))", selector
    )
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v.get("impact") in SERIOUS
    ]


def test_the_student_preview_of_every_kind_has_no_serious_violations(
    new_context, axe_source
):
    quiz = make_quiz_with_every_kind()
    context = new_context(StaffFactory(is_superuser=True), bypass_csp=True)
    page = context.new_page()
    page.goto(reverse("admin:quizzes_quiz_preview", args=[quiz.pk]))
    page.locator("fieldset.question").first.wait_for()
    assert _axe(page, axe_source, ".student-preview") == []
