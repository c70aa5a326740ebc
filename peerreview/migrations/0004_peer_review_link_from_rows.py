"""The header's peer-review link moves from a cache key per user to a column of the user
(accounts 0003): whoever has reviews to write or answers under review keeps the link."""

from django.db import migrations


def flag_users_with_peer_work(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    ReviewAssignment = apps.get_model("peerreview", "ReviewAssignment")
    Submission = apps.get_model("peerreview", "Submission")
    User.objects.filter(pk__in=ReviewAssignment.objects.values("reviewer_id")).update(
        peer_review_link=True
    )
    User.objects.filter(pk__in=Submission.objects.values("author_id")).update(
        peer_review_link=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_peer_review_link"),
        ("peerreview", "0003_waiting_attempt"),
    ]

    operations = [
        migrations.RunPython(flag_users_with_peer_work, migrations.RunPython.noop),
    ]
