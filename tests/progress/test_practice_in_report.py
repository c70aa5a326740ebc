"""The weekly e-mail shows mastery from practice apart, labelled, with "practise this"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from practice import services as practice_services
from practice.handles import handles_for
from progress import services
from progress.models import ProgressReport
from tests.practice.conftest import build, right_choice
from tests.progress.conftest import SITE

pytestmark = pytest.mark.django_db


def _this_monday():
    today = timezone.now().date()
    return today - timedelta(days=today.weekday())


def test_the_weekly_email_labels_practice_and_links_to_practise_the_tradeoff():
    setup = build()
    practice_set, _ = practice_services.start_set(
        student=setup.student, course=setup.course, focus=setup.security
    )
    for item in practice_set.items.select_related("question"):
        handles = handles_for(practice_set, [item.question])
        practice_services.answer_item(
            practice_set=practice_set,
            position=item.position,
            answer={
                "choice": handles.of(item.question_id, right_choice(item.question).pk)
            },
        )
    draft = services.compose_report(
        user=setup.student, period=_this_monday(), kind=ProgressReport.Kind.STUDENT
    )
    link = f"{SITE}/practice/courses/{setup.course.slug}/?tradeoff={setup.security.pk}"
    text = draft.text_body
    line = next(line for line in text.splitlines() if "Security ↔ Human rights" in line)
    # Every security question was missed in the quiz, and then got right in practice.
    assert "0%" in line
    assert "practice, not graded: 100% on 3 questions" in line
    assert f"Practise this: {link}" in text
    assert "Practice (not graded): 100% on 3 questions." in draft.html_body
    assert f'href="{link}"' in draft.html_body


def test_a_student_who_never_practised_gets_the_link_but_no_practice_figure():
    setup = build()
    draft = services.compose_report(
        user=setup.student, period=_this_monday(), kind=ProgressReport.Kind.STUDENT
    )
    assert "practice, not graded" not in draft.text_body
    assert f"/practice/courses/{setup.course.slug}/?tradeoff=" in draft.text_body


def test_practice_adds_one_query_per_batch_whatever_the_number_of_answers():
    from tests.helpers.queries import count_queries

    def report_queries(n_questions):
        setup = build(n_questions)
        practice_set, _ = practice_services.start_set(
            student=setup.student, course=setup.course
        )
        for item in practice_set.items.select_related("question"):
            handles = handles_for(practice_set, [item.question])
            practice_services.answer_item(
                practice_set=practice_set,
                position=item.position,
                answer={
                    "choice": handles.of(
                        item.question_id, right_choice(item.question).pk
                    )
                },
            )
        return count_queries(
            lambda: services.compose_report(
                user=setup.student,
                period=_this_monday(),
                kind=ProgressReport.Kind.STUDENT,
            )
        )

    assert report_queries(2) == report_queries(12)
