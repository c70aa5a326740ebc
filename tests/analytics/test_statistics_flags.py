"""Items flagged for revision on the statistics page and API: facility above 90 %,
discrimination below 20 % (Moodle's thresholds, TEACHING.md §5), with a hint."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics import flags
from tests.accounts.factories import UserFactory
from tests.helpers.factories import (
    QuizFactory,
    graded_attempt,
    single_choice,
    taught_cohort,
)


def test_facility_above_90_and_discrimination_below_20_are_flagged():
    easy = flags.flags_for({"facility": 95.0, "discrimination_index": 45.0})
    weak = flags.flags_for({"facility": 60.0, "discrimination_index": 12.0})
    both = flags.flags_for({"facility": 91.0, "discrimination_index": -3.0})
    fine = flags.flags_for({"facility": 90.0, "discrimination_index": 20.0})
    unknown = flags.flags_for({"facility": None, "discrimination_index": None})

    assert [f["code"] for f in easy] == ["too_easy"]
    assert [f["code"] for f in weak] == ["weak_discrimination"]
    assert [f["code"] for f in both] == ["too_easy", "weak_discrimination"]
    assert fine == unknown == []
    assert "almost everyone" in easy[0]["hint"].casefold()


@pytest.fixture
def cohort_taken():
    """Ten students: q1 everyone gets right; q2, q3 and q5 the stronger students get
    right; q4 every other student does, whatever their strength."""
    quiz = QuizFactory()
    q1, c1 = single_choice(quiz, position=1)
    q2, c2 = single_choice(quiz, position=2)
    q3, c3 = single_choice(quiz, position=3)
    q4, c4 = single_choice(quiz, position=4)
    q5, c5 = single_choice(quiz, position=5)
    students = [UserFactory() for _ in range(10)]
    _cohort, instructor = taught_cohort(quiz.course, students=students)
    start = timezone.now() - timedelta(days=1)
    for i, student in enumerate(students):
        strong = i < 5
        graded_attempt(
            quiz,
            student,
            {
                q1: {"choice": c1[0].id},
                q2: {"choice": c2[0 if strong else 1].id},
                q3: {"choice": c3[0 if i < 6 else 1].id},
                q4: {"choice": c4[i % 2].id},
                q5: {"choice": c5[0 if i < 4 else 1].id},
            },
            submitted_at=start + timedelta(minutes=i),
        )
    return {"quiz": quiz, "instructor": instructor, "questions": [q1, q2, q3, q4, q5]}


@pytest.mark.django_db
def test_the_statistics_page_flags_the_easy_and_the_weak_item(client, cohort_taken):
    client.force_login(cohort_taken["instructor"])
    url = reverse("reports:quiz-statistics", kwargs={"pk": cohort_taken["quiz"].pk})

    response = client.get(url)

    html = response.content.decode()
    assert "Questions to revise" in html
    rows = {q["question_id"]: q["flags"] for q in response.context["questions"]}
    q1, q2, q3, q4, _q5 = cohort_taken["questions"]
    assert [f["code"] for f in rows[q1.id]] == ["too_easy"]
    assert rows[q2.id] == rows[q3.id] == []
    assert [f["code"] for f in rows[q4.id]] == ["weak_discrimination"]
    assert not rows[q4.id][0]["tentative"]
    assert "Too easy" in html and "Weak discrimination" in html


@pytest.mark.django_db
def test_the_statistics_api_lists_the_flagged_items(api_client, cohort_taken):
    api_client.force_authenticate(cohort_taken["instructor"])
    quiz = cohort_taken["quiz"]

    body = api_client.get(reverse("api-quiz-statistics", args=[quiz.pk])).json()

    q1, _q2, _q3, q4, _q5 = cohort_taken["questions"]
    flagged = {row["question_id"]: row["flags"] for row in body["flagged"]}
    assert set(flagged) == {q1.id, q4.id}
    assert flagged[q1.id][0]["code"] == "too_easy"
    assert flagged[q4.id][0]["hint"]
