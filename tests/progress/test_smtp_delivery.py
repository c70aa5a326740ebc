"""Reports travel through Django's SMTP backend to a real SMTP server, with the right numbers."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from progress import mail, services
from progress.models import ProgressReport
from quizzes.models import Quiz

from .factories import PERIOD, at, seed_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    return seed_cohort()


@pytest.fixture
def delivered(seeded, smtp_settings, smtp_server):
    services.build_reports(period=PERIOD)
    result = services.send_due_reports()
    return seeded, smtp_server.handler, result


def _parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_one_message_per_recipient_with_text_and_html_parts(delivered):
    seeded, handler, result = delivered
    assert result.sent == 3 and result.failed == 0 and result.retrying == 0
    assert handler.per_recipient() == {
        "ada@example.org": 1,
        "ben@example.org": 1,
        seeded.instructor.email: 1,
    }
    for _, message in handler.messages:
        assert message.get_content_type() == "multipart/alternative"
        types = [part.get_content_type() for part in message.iter_parts()]
        assert types == ["text/plain", "text/html"]
    assert set(ProgressReport.objects.values_list("state", flat=True)) == {"sent"}


def test_opted_out_student_gets_no_row_and_no_mail(delivered):
    seeded, handler, _ = delivered
    assert not ProgressReport.objects.filter(user=seeded.cleo).exists()
    assert handler.to("cleo@example.org") == []


def test_student_report_carries_the_seeded_numbers(delivered, site_url):
    seeded, handler, _ = delivered
    [message] = handler.to("ada@example.org")
    assert message["Subject"] == "Your week in Tradeoffs: 16 Nov – 22 Nov 2026"
    text, html = _parts(message)
    assert "1 lesson completed this week, 2 in all." in text
    assert "Labour" in text  # the lesson she completed this week
    assert "Borders check: 75.0% (+25.0 since last week)" in text
    assert "Security ↔ Human rights: 67%" in text
    assert "Labour demand ↔ Job fears: 50%" in text
    lesson = seeded.lessons[0]
    passage = f"{site_url}/courses/{seeded.course.slug}/lessons/{lesson.slug}/#p2"
    assert passage in text
    assert f'href="{passage}"' in html
    assert "Labour markets: Wed 25 Nov, 12:00 UTC" in text  # due next week
    assert "OVERDUE" in text and "Remittance flows" in text
    # The mastery bar: table cells sized by percentage, coloured inline.
    assert re.search(r'<td width="67%"[^>]*bgcolor="#2f6f4f"', html)
    assert re.search(r'<td width="33%"[^>]*bgcolor="#e3e8e5"', html)
    assert "<strong>75.0%</strong>" in html


def test_instructor_digest_carries_the_cohort_numbers(delivered):
    seeded, handler, _ = delivered
    [message] = handler.to(seeded.instructor.email)
    text, html = _parts(message)
    assert "== Autumn (Global migration) ==" in text
    # Ada has 2 of 3 lessons by the week's end, Ben and Cleo none: 2 / 9.
    assert (
        "Students: 3. Lesson completion: 22% (1 completed this week; 3 in the course)."
        in text
    )
    assert "Borders check, due Thu 19 Nov, 12:00 UTC: 75.0%, 1 / 1 / 1" in text
    assert (
        "Remittance flows, due Fri 20 Nov, 12:00 UTC: no grades yet, 0 / 0 / 3" in text
    )
    assert (
        "Ben Okri <ben@example.org>; missing: Remittance flows; late: Borders check"
        in text
    )
    assert "Who decides?: 1 of 1 missed" in text
    assert "1 answer waiting in the grading queue." in text
    assert 'width="22%"' in html


def test_unsubscribe_link_confirms_on_get_and_turns_reports_off_on_post(
    delivered, client, site_url
):
    seeded, handler, _ = delivered
    [message] = handler.to("ada@example.org")
    text, html = _parts(message)
    link = re.search(rf"{re.escape(site_url)}(/progress/unsubscribe/[^/\s]+/)", text)
    assert link, text
    path = link.group(1)
    assert message["List-Unsubscribe"].strip() == f"<{site_url}{path}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f'href="{site_url}{path}"' in html

    page = client.get(path)
    assert page.status_code == 200
    assert b"Yes, unsubscribe me" in page.content
    assert User.objects.get(pk=seeded.ada.pk).progress_emails is True

    done = client.post(path)
    assert done.status_code == 200
    assert User.objects.get(pk=seeded.ada.pk).progress_emails is False


def test_unsubscribed_student_gets_nothing_the_next_week(
    delivered, smtp_server, client
):
    seeded, handler, _ = delivered
    [message] = handler.to("ada@example.org")
    path = re.search(r"(/progress/unsubscribe/[^/\s>]+/)", message["List-Unsubscribe"])
    client.post(path.group(1))
    next_week = PERIOD.replace(day=PERIOD.day + 7)
    services.build_reports(period=next_week)
    services.send_due_reports()
    assert not ProgressReport.objects.filter(user=seeded.ada, period=next_week).exists()
    assert len(handler.to("ada@example.org")) == 1
    assert len(handler.to("ben@example.org")) == 2


def test_a_tampered_unsubscribe_token_is_refused(seeded, client):
    response = client.get(
        reverse("progress:unsubscribe", kwargs={"token": "MQ:forged:signature"})
    )
    assert response.status_code == 404
    assert User.objects.get(pk=seeded.ada.pk).progress_emails is True


def test_unsubscribing_before_the_send_cancels_the_pending_report(
    seeded, smtp_settings, smtp_server, client
):
    services.build_reports(period=PERIOD)
    row = ProgressReport.objects.get(user=seeded.ada)
    path = reverse(
        "progress:unsubscribe", kwargs={"token": mail.unsubscribe_token(seeded.ada.pk)}
    )
    client.post(path)
    result = services.send_due_reports()
    assert result.sent == 2
    assert smtp_server.handler.to("ada@example.org") == []
    row.refresh_from_db()
    assert row.state == ProgressReport.State.FAILED
    assert "unsubscribed" in row.last_error


def test_each_try_of_a_report_carries_the_same_message_id(delivered):
    seeded, handler, _ = delivered
    [message] = handler.to("ada@example.org")
    row = ProgressReport.objects.get(user=seeded.ada)
    assert message["Message-ID"] == f"<progress-report-{row.pk}@tradeoffs.local>"


def test_the_unsubscribe_link_is_the_same_in_body_and_header_whenever_sent(seeded):
    first = mail.unsubscribe_url(seeded.ada.pk)
    assert mail.unsubscribe_url(seeded.ada.pk) == first
    assert (
        mail.user_id_from_token(mail.unsubscribe_token(seeded.ada.pk)) == seeded.ada.pk
    )
    assert first != mail.unsubscribe_url(seeded.ben.pk)


def test_a_token_signed_for_another_purpose_does_not_unsubscribe(seeded, client):
    from django.core import signing

    token = signing.Signer(salt="accounts.password-reset").sign(str(seeded.ada.pk))
    response = client.post(reverse("progress:unsubscribe", kwargs={"token": token}))
    assert response.status_code == 404
    assert User.objects.get(pk=seeded.ada.pk).progress_emails is True


def test_one_click_unsubscribe_posts_without_a_csrf_token(seeded):
    from django.test import Client

    mail_client = Client(enforce_csrf_checks=True)
    token = mail.unsubscribe_token(seeded.ben.pk)
    response = mail_client.post(
        reverse("progress:unsubscribe", kwargs={"token": token}),
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200
    assert User.objects.get(pk=seeded.ben.pk).progress_emails is False


def _ada_report(smtp_server):
    services.build_reports(period=PERIOD)
    services.send_due_reports()
    [message] = smtp_server.handler.to("ada@example.org")
    return _parts(message)


def test_a_quiz_whose_review_is_hidden_names_no_passage_to_review(
    seeded, smtp_settings, smtp_server, site_url
):
    # Score only while the quiz is open, which it still is when the week ends.
    Quiz.objects.filter(pk=seeded.quiz.pk).update(
        review_immediately=Quiz.ReviewLevel.SCORE,
        review_while_open=Quiz.ReviewLevel.SCORE,
        review_after_close=Quiz.ReviewLevel.ANSWERS,
        closes_at=at(30),
    )
    text, html = _ada_report(smtp_server)
    lesson = seeded.lessons[0]
    passage = f"/courses/{seeded.course.slug}/lessons/{lesson.slug}/#p2"
    assert passage not in text and passage not in html
    # The score is no secret: the result page shows it too.
    assert "Borders check: 75.0%" in text


def test_the_passages_come_back_once_the_quiz_has_closed(
    seeded, smtp_settings, smtp_server, site_url
):
    Quiz.objects.filter(pk=seeded.quiz.pk).update(
        review_immediately=Quiz.ReviewLevel.SCORE,
        review_while_open=Quiz.ReviewLevel.SCORE,
        review_after_close=Quiz.ReviewLevel.FEEDBACK,
        closes_at=at(21),  # before the reported week ends
    )
    text, _html = _ada_report(smtp_server)
    lesson = seeded.lessons[0]
    assert f"{site_url}/courses/{seeded.course.slug}/lessons/{lesson.slug}/#p2" in text
