"""The label tables the quiz page reads say what Django's get_FOO_display says."""

from __future__ import annotations

import pytest
from django.utils import translation

from quizzes.models import Attempt, Quiz


@pytest.mark.parametrize("language", ["en", "de"])
def test_attempt_state_and_grading_method_labels_match_get_display(language):
    with translation.override(language):
        for state in [*Attempt.State.values, "unknown"]:
            attempt = Attempt(state=state)
            assert str(attempt.state_label) == str(attempt.get_state_display())
        for method in [*Quiz.GradingMethod.values, "unknown"]:
            quiz = Quiz(grading_method=method)
            assert str(quiz.grading_method_label) == str(
                quiz.get_grading_method_display()
            )
