"""axe-core on the pages certainty-based marking adds to: the intro's scale, the take
page's certainty groups, the result page's calibration chart and table, and the
instructor's statistics; no violation at all, whatever its impact."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes import services
from tests.a11y.conftest import run_axe
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.courses.factories import CohortFactory
from tests.quizzes.factories import (
    QuizFactory,
    make_ordering,
    make_position,
    make_single_choice,
    make_true_false,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cbm_pages_have_no_axe_violations(new_context, axe_source):
    quiz = QuizFactory(certainty_based_marking=True)
    single = make_single_choice(quiz, position=0, points=Decimal("2"))
    true_false = make_true_false(quiz, position=1)
    ordering = make_ordering(quiz, position=2)
    make_position(quiz, position=3)
    student = UserFactory()
    instructor = InstructorFactory()
    CohortFactory(course=quiz.course, instructors=[instructor], students=[student])
    open_attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.save_responses(
        attempt=open_attempt, answers={}, certainties={single.id: 2}
    )
    finished, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    services.submit_attempt(
        attempt=finished,
        answers={
            single.id: {"choice": single.choices.get(credit=1).id},
            true_false.id: {"choice": true_false.choices.get(credit=0).id},
            ordering.id: {"order": ["a", "b", "c"]},
        },
        certainties={single.id: 3, true_false.id: 2},
    )
    services.grade_attempt(attempt_id=finished.pk)

    pages = [
        (student, reverse("quizzes:intro", args=[quiz.pk]), ".cbm-explained"),
        (student, reverse("quizzes:attempt", args=[open_attempt.pk]), ".certainty"),
        (finished.student, reverse("quizzes:result", args=[finished.pk]), "svg"),
        (
            instructor,
            reverse("reports:quiz-statistics", args=[quiz.pk]),
            ".cbm-class",
        ),
    ]
    for user, url, feature in pages:
        page = new_context(user, bypass_csp=True).new_page()
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert page.locator(feature).count() > 0, f"{feature} missing on {url}"
        violations = run_axe(page, axe_source)
        assert not violations, f"axe-core on {url}:\n" + "\n".join(
            v.describe() for v in violations
        )
