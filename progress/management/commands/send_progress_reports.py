"""Build and send the weekly progress reports by hand, or list what would be sent."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from progress import reports, services
from progress.models import ProgressReport


class Command(BaseCommand):
    help = (
        "Build the outbox for a week (last complete week by default) and send what is "
        "due. --dry-run lists recipient, kind and subject and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="ISO week, e.g. 2026-W48.")
        parser.add_argument(
            "--kind", choices=[choice.value for choice in ProgressReport.Kind]
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, period=None, kind=None, dry_run=False, **options):
        try:
            monday = (
                reports.parse_period(period)
                if period
                else reports.last_complete_week(timezone.now())
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        kinds = (kind,) if kind else services.KINDS
        label = f"{monday:%G-W%V}"
        if dry_run:
            count = 0
            for one_kind in kinds:
                for drafts in services.iter_drafts(period=monday, kind=one_kind):
                    for draft in drafts:
                        count += 1
                        self.stdout.write(
                            f"{draft.email}\t{draft.kind}\t{draft.subject}"
                        )
            self.stdout.write(f"Dry run for {label}: {count} report(s) would be sent.")
            return
        created = services.build_reports(period=monday, kinds=kinds)
        result = services.send_due_reports()
        self.stdout.write(
            f"{label}: {created} report(s) built; sent {result.sent}, "
            f"{result.retrying} to retry, {result.failed} failed."
        )
