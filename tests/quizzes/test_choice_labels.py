"""The models' get_FOO_display() answer what Django's own would, for every choice."""

import pytest

from quizzes.models import Attempt, Quiz

CASES = [
    (Quiz, "grading_method", Quiz.GradingMethod),
    (Quiz, "review_immediately", Quiz.ReviewLevel),
    (Quiz, "review_while_open", Quiz.ReviewLevel),
    (Quiz, "review_after_close", Quiz.ReviewLevel),
    (Quiz, "access", Quiz.Access),
    (Attempt, "state", Attempt.State),
]


@pytest.mark.parametrize(("model", "name", "choices"), CASES)
def test_display_matches_djangos_for_every_choice_and_an_unknown_value(
    model, name, choices
):
    field = model._meta.get_field(name)
    for value in [*choices.values, "not-a-choice"]:
        instance = model(**{name: value})
        ours = getattr(instance, f"get_{name}_display")()
        assert ours == model._get_FIELD_display(instance, field)
        assert type(ours) is str
