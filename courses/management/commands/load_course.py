"""Load the migration course fixture, then its quizzes fixture when there is one."""

import json
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
COURSE_FIXTURE = "migration_course.json"
QUIZZES_FIXTURE = "migration_quizzes.json"


def count_records(path: Path) -> Counter:
    """Count a fixture's records by model label, failing clearly on a malformed file."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"{path} is not a readable JSON fixture: {exc}") from exc
    if not isinstance(records, list) or not all(
        isinstance(record, dict) and isinstance(record.get("model"), str)
        for record in records
    ):
        raise CommandError(f"{path} is not a list of records with a 'model' each.")
    return Counter(record["model"] for record in records)


class Command(BaseCommand):
    help = (
        "Load fixtures/migration_course.json and, if present, "
        "fixtures/migration_quizzes.json. Safe to run again: rows are keyed by pk."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures-dir",
            type=Path,
            default=FIXTURES_DIR,
            help="Folder holding the fixture files (default: the project's fixtures/).",
        )

    def handle(self, *args, fixtures_dir: Path, **options):
        course = fixtures_dir / COURSE_FIXTURE
        if not course.is_file():
            raise CommandError(f"Course fixture not found: {course}")
        paths = [course]
        quizzes = fixtures_dir / QUIZZES_FIXTURE
        if quizzes.is_file():
            paths.append(quizzes)

        counts = {path: count_records(path) for path in paths}
        # One loaddata call loads every file in one transaction, so a broken quizzes
        # file cannot leave a half-updated course behind, and quizzes may refer to lessons.
        try:
            call_command("loaddata", *map(str, paths), verbosity=0)
        # loaddata surfaces bad data as deserialisation, integrity or lookup errors alike.
        except Exception as exc:
            names = ", ".join(path.name for path in paths)
            raise CommandError(f"Could not load {names}: {exc}") from exc

        for path, by_model in counts.items():
            summary = ", ".join(f"{n} {label}" for label, n in sorted(by_model.items()))
            self.stdout.write(f"Loaded {path.name}: {summary or 'no records'}")
        if quizzes not in counts:
            self.stdout.write(f"No {QUIZZES_FIXTURE}; loaded the course only.")
        self.stdout.write(self.style.SUCCESS("Course loaded."))
