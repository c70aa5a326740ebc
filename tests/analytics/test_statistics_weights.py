"""The statistics page and API show intended and effective weight and random guess score."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analytics import moodle_weights
from analytics import services as report_services
from analytics.models import QuizStatistics
from tests.analytics.test_reports_statistics import (  # noqa: F401 (fixture)
    matrix_from_rows,
    seeded,
)

pytestmark = pytest.mark.django_db


def test_refresh_stores_the_three_moodle_figures_per_question(seeded):  # noqa: F811
    quiz = seeded["quiz"]

    report_services.refresh_quiz_statistics(quiz_id=quiz.pk, which="first")

    stored = QuizStatistics.objects.get(quiz=quiz, which="first")
    by_id = {q["question_id"]: q for q in stored.data["questions"]}
    matrix = matrix_from_rows(quiz, numbers=[1])
    max_marks = {qid: float(m) for qid, m in matrix[0].max_scores.items()}
    expected_effective = moodle_weights.effective_weights(
        {qid: [row.scores.get(qid, 0.0) for row in matrix] for qid in max_marks}
    )
    expected_intended = moodle_weights.intended_weights(max_marks)
    q1, q2, q3, q4 = seeded["questions"]
    for question in seeded["questions"]:
        entry = by_id[question.pk]
        assert entry["intended_weight"] == pytest.approx(expected_intended[question.pk])
        effective = expected_effective[question.pk]
        assert entry["effective_weight"] == (
            None if effective is None else pytest.approx(effective)
        )
    credits = [float(c.credit) for c in seeded["choices"][1]]
    assert by_id[q2.pk]["random_guess_score"] == pytest.approx(
        100 * sum(credits) / len(credits)
    )
    # The position and the allocation earn nothing by themselves: no guess score.
    assert by_id[q3.pk]["random_guess_score"] is None
    assert by_id[q4.pk]["random_guess_score"] is None


def test_statistics_page_and_api_show_the_weights(client, api_client, seeded):  # noqa: F811
    quiz = seeded["quiz"]
    client.force_login(seeded["instructor"])

    html = client.get(
        reverse("reports:quiz-statistics", kwargs={"pk": quiz.pk})
    ).content.decode()
    api_client.force_authenticate(seeded["instructor"])
    data = api_client.get(reverse("api-quiz-statistics", kwargs={"pk": quiz.pk})).data

    for text in ("Random guess score", "Intended weight", "Effective weight"):
        assert text in html
    for entry in data["data"]["questions"]:
        assert {"intended_weight", "effective_weight", "random_guess_score"} <= set(
            entry
        )
