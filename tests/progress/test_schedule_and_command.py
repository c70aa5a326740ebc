"""The beat schedule after migrate, the Celery tasks as functions, the management command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail as django_mail
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from progress import tasks
from progress.models import ProgressReport

from .factories import PERIOD, seed_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def migrated():
    """Apply the schedule migration afresh: flushes by transactional tests empty the table."""
    call_command("migrate", "progress", "0001", verbosity=0)
    call_command("migrate", "progress", verbosity=0)


def test_weekly_schedule_exists_after_migrate(migrated):
    task = PeriodicTask.objects.select_related("crontab").get(
        task="progress.tasks.build_and_send_weekly_reports"
    )
    assert task.enabled
    cron = task.crontab
    assert (cron.minute, cron.hour, cron.day_of_week) == ("0", "6", "1")
    assert (cron.day_of_month, cron.month_of_year) == ("*", "*")
    assert str(cron.timezone) == "UTC"


def test_retry_sweep_is_scheduled_too(migrated):
    task = PeriodicTask.objects.select_related("interval").get(
        task="progress.tasks.send_progress_reports"
    )
    assert (task.interval.every, task.interval.period) == (10, "minutes")


def test_scheduled_task_names_are_registered_celery_tasks(migrated):
    from config.celery import app

    app.loader.import_default_modules()
    names = set(
        PeriodicTask.objects.filter(task__startswith="progress.").values_list(
            "task", flat=True
        )
    )
    assert len(names) == 2
    assert names <= set(app.tasks)


def test_weekly_task_builds_and_sends_the_given_week():
    seeded = seed_cohort()
    outcome = tasks.build_and_send_weekly_reports("2026-W47")
    assert outcome["period"] == "2026-W47"
    assert outcome["created"] == 3 and outcome["sent"] == 3
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(
        ["ada@example.org", "ben@example.org", seeded.instructor.email]
    )
    again = tasks.build_and_send_weekly_reports("2026-W47")
    assert again["created"] == 0 and again["sent"] == 0
    assert len(django_mail.outbox) == 3


def test_weekly_task_defaults_to_the_last_complete_week():
    from django.utils import timezone

    from progress import reports

    seed_cohort()
    outcome = tasks.build_and_send_weekly_reports()
    expected = reports.last_complete_week(timezone.now())
    assert outcome["period"] == f"{expected:%G-W%V}"
    assert set(ProgressReport.objects.values_list("period", flat=True)) == {expected}


def test_dry_run_lists_recipients_kinds_and_subjects_and_writes_nothing():
    seeded = seed_cohort()
    out = StringIO()
    call_command(
        "send_progress_reports", "--period", "2026-W47", "--dry-run", stdout=out
    )
    lines = out.getvalue().splitlines()
    subject = "Your week in Tradeoffs: 16 Nov – 22 Nov 2026"
    assert f"ada@example.org\tstudent\t{subject}" in lines
    assert f"ben@example.org\tstudent\t{subject}" in lines
    assert (
        f"{seeded.instructor.email}\tinstructor\t"
        "Your cohorts this week: 16 Nov – 22 Nov 2026" in lines
    )
    assert not any("cleo@example.org" in line for line in lines)
    assert lines[-1] == "Dry run for 2026-W47: 3 report(s) would be sent."
    assert ProgressReport.objects.count() == 0
    assert django_mail.outbox == []


def test_dry_run_for_one_kind():
    seeded = seed_cohort()
    out = StringIO()
    call_command(
        "send_progress_reports",
        "--period",
        "2026-W47",
        "--kind",
        "instructor",
        "--dry-run",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[0].startswith(seeded.instructor.email)


def test_command_builds_and_sends_then_repeats_nothing():
    seed_cohort()
    out = StringIO()
    call_command("send_progress_reports", "--period", "2026-W47", stdout=out)
    assert "2026-W47: 3 report(s) built; sent 3" in out.getvalue()
    call_command("send_progress_reports", "--period", "2026-W47", stdout=out)
    assert "2026-W47: 0 report(s) built; sent 0" in out.getvalue()
    assert len(django_mail.outbox) == 3
    assert set(ProgressReport.objects.values_list("period", flat=True)) == {PERIOD}
    assert PERIOD + timedelta(days=7) not in set(
        ProgressReport.objects.values_list("period", flat=True)
    )


def test_command_refuses_a_malformed_week():
    with pytest.raises(CommandError, match="ISO week"):
        call_command("send_progress_reports", "--period", "2026-48", "--dry-run")
