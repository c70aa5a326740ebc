"""Schedule the weekly reports (Monday 06:00 UTC) and a retry sweep; both editable in admin."""

from django.db import migrations

WEEKLY_NAME = "Weekly progress reports"
WEEKLY_TASK = "progress.tasks.build_and_send_weekly_reports"
SWEEP_NAME = "Retry progress report e-mails"
SWEEP_TASK = "progress.tasks.send_progress_reports"


def create_schedules(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    monday_six, _ = crontab_model.objects.get_or_create(
        minute="0",
        hour="6",
        day_of_week="1",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    task_model.objects.get_or_create(
        name=WEEKLY_NAME,
        defaults={
            "task": WEEKLY_TASK,
            "crontab": monday_six,
            "description": "Build and send last week's progress reports and digests.",
        },
    )
    # Reports left pending after a transient SMTP error, or by a crashed run, go out here.
    every_ten, _ = interval_model.objects.get_or_create(every=10, period="minutes")
    task_model.objects.get_or_create(
        name=SWEEP_NAME,
        defaults={
            "task": SWEEP_TASK,
            "interval": every_ten,
            "description": "Send progress reports that are due for another try.",
        },
    )


def remove_schedules(apps, schema_editor):
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    task_model.objects.filter(name__in=[WEEKLY_NAME, SWEEP_NAME]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
