"""Import a GIFT or Moodle XML file into a quiz: `manage.py import_questions FILE --course SLUG`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.models import Course
from quizzes import services


class Command(BaseCommand):
    help = (
        "Import the questions of a Moodle XML or GIFT file into a quiz of a course, all "
        "or nothing. The quiz is created (unpublished) when its slug is new."
    )
    default_format: str | None = None

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The GIFT or Moodle XML file.")
        parser.add_argument("--course", required=True, help="Slug of the course.")
        parser.add_argument(
            "--quiz",
            help="Slug of the quiz; defaults to one made from the file's category.",
        )
        parser.add_argument(
            "--format",
            choices=services.FORMATS,
            help="gift or moodlexml; by default .xml files are Moodle XML, others GIFT.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be created and save nothing.",
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        fmt = (
            options["format"]
            or self.default_format
            or services.format_from_name(path.name)
        )
        try:
            content = path.read_bytes()
            if fmt == "gift":
                content = content.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read the file: {exc}") from exc
        course = Course.objects.filter(slug=options["course"]).first()
        if course is None:
            raise CommandError(f"No course with the slug “{options['course']}”.")
        try:
            report = services.import_questions(
                course=course,
                quiz=options["quiz"],
                text=content,
                fmt=fmt,
                dry_run=options["dry_run"],
            )
        except services.FORMAT_ERRORS as exc:
            # FILE:LINE: message, the form editors and CI annotations understand.
            self.stderr.write(f"{path}:{exc.line}: {exc.message}")
            sys.exit(1)
        except services.QuestionImportError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
