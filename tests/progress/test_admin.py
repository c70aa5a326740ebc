"""The outbox in the admin: filters, resend, read-only bodies, preview of anyone's report."""

import pytest
from django.urls import reverse

from progress import services
from progress.models import ProgressReport
from tests.accounts.factories import StaffFactory

from .factories import PERIOD, seed_cohort

pytestmark = pytest.mark.django_db
State = ProgressReport.State
CHANGELIST = "admin:progress_progressreport_changelist"


@pytest.fixture
def seeded():
    seeded = seed_cohort()
    services.build_reports(period=PERIOD)
    return seeded


@pytest.fixture
def admin_client(client):
    client.force_login(StaffFactory())
    return client


def test_outbox_filters_by_state_kind_and_period(admin_client, seeded):
    ProgressReport.objects.filter(user=seeded.ben).update(
        state=State.FAILED, last_error="550 no such user"
    )
    url = reverse(CHANGELIST)
    failed = admin_client.get(url, {"state__exact": "failed"})
    assert failed.status_code == 200
    assert list(failed.context["cl"].result_list.values_list("user", flat=True)) == [
        seeded.ben.pk
    ]
    instructors = admin_client.get(url, {"kind__exact": "instructor"})
    assert [r.user for r in instructors.context["cl"].result_list] == [
        seeded.instructor
    ]
    week = admin_client.get(url, {"period": PERIOD.isoformat()})
    assert week.context["cl"].result_count == 3
    assert b"Preview a report" in week.content


def test_resend_action_queues_failed_rows_only(admin_client, seeded):
    ProgressReport.objects.filter(user=seeded.ben).update(
        state=State.FAILED, attempts=6, last_error="550 no such user"
    )
    ProgressReport.objects.filter(user=seeded.ada).update(
        state=State.SENT, sent_at=seeded.cohort.created_at
    )
    response = admin_client.post(
        reverse(CHANGELIST),
        {
            "action": "resend",
            "_selected_action": list(
                ProgressReport.objects.values_list("pk", flat=True)
            ),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert b"1 failed report(s) queued again." in response.content
    ben = ProgressReport.objects.get(user=seeded.ben)
    assert (ben.state, ben.attempts) == (State.PENDING, 0)
    assert ProgressReport.objects.get(user=seeded.ada).state == State.SENT


def test_change_page_shows_the_bodies_read_only(admin_client, seeded):
    row = ProgressReport.objects.get(user=seeded.ada)
    page = admin_client.get(
        reverse("admin:progress_progressreport_change", args=[row.pk])
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert "Borders check: 75.0% (+25.0 since last week)" in content
    message_url = reverse("admin:progress_progressreport_message", args=[row.pk])
    assert f'<iframe sandbox="" src="{message_url}"' in content
    assert 'name="subject"' not in content  # no editable inputs for the bodies
    assert 'name="text_body"' not in content


def test_preview_renders_any_users_report_without_storing_it(admin_client, seeded):
    url = reverse("admin:progress_progressreport_preview")
    before = ProgressReport.objects.count()
    page = admin_client.get(
        url, {"email": "ada@example.org", "period": "2026-W46", "kind": "student"}
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert "Your week in Tradeoffs: 9 Nov – 15 Nov 2026" in content
    message = admin_client.get(page.context["message_url"])
    # In W46 Ada had one attempt (50%) and one lesson.
    assert "<strong>50.0%</strong>" in message.content.decode()
    assert ProgressReport.objects.count() == before


def test_preview_explains_a_bad_week(admin_client, seeded):
    page = admin_client.get(
        reverse("admin:progress_progressreport_preview"),
        {"email": "ada@example.org", "period": "week 47", "kind": "student"},
    )
    assert page.status_code == 200
    assert "is not an ISO week like 2026-W48" in page.content.decode()


def test_preview_is_for_staff_only(client, seeded):
    client.force_login(seeded.instructor)
    page = client.get(reverse("admin:progress_progressreport_preview"))
    assert page.status_code == 302
    assert "/admin/login/" in page["Location"]


def test_preview_renders_an_instructor_digest(admin_client, seeded):
    page = admin_client.get(
        reverse("admin:progress_progressreport_preview"),
        {"email": seeded.instructor.email, "period": "2026-W47", "kind": "instructor"},
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert "Your cohorts this week: 16 Nov – 22 Nov 2026" in content
    message = admin_client.get(page.context["message_url"]).content.decode()
    assert "Autumn" in message and "Ben Okri" in message


def test_a_message_page_lets_its_inline_styles_apply_and_nothing_else(
    admin_client, seeded
):
    row = ProgressReport.objects.get(user=seeded.ada)
    page = admin_client.get(
        reverse("admin:progress_progressreport_message", args=[row.pk])
    )
    assert page.status_code == 200
    assert page.content.decode() == row.html_body
    policy = page["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "frame-ancestors 'self'" in policy
    assert page["X-Frame-Options"] == "SAMEORIGIN"


def test_message_pages_are_for_staff_only(client, seeded):
    row = ProgressReport.objects.get(user=seeded.ada)
    client.force_login(seeded.instructor)
    page = client.get(reverse("admin:progress_progressreport_message", args=[row.pk]))
    assert page.status_code == 302
    preview = client.get(
        reverse("admin:progress_progressreport_preview_message"),
        {"email": "ada@example.org", "period": "2026-W46", "kind": "student"},
    )
    assert preview.status_code == 302


def test_a_preview_message_with_a_bad_week_is_a_404(admin_client, seeded):
    page = admin_client.get(
        reverse("admin:progress_progressreport_preview_message"),
        {"email": "ada@example.org", "period": "week 47", "kind": "student"},
    )
    assert page.status_code == 404
