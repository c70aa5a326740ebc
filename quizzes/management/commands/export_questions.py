"""Export a quiz's questions: `manage.py export_questions --quiz SLUG --format moodlexml`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes import services
from quizzes.models import Quiz


class Command(BaseCommand):
    help = (
        "Write a quiz's questions as GIFT or Moodle XML. Questions the format cannot "
        "express (tradeoff kinds; ordering in GIFT) are skipped with a warning on stderr."
    )
    default_format: str | None = None

    def add_arguments(self, parser):
        parser.add_argument("--quiz", required=True, help="Slug of the quiz.")
        parser.add_argument(
            "--course",
            help="Slug of the course, when several have a quiz of that slug.",
        )
        parser.add_argument(
            "--format",
            choices=services.FORMATS,
            required=self.default_format is None,
            default=self.default_format,
        )
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="File to write; standard output by default.",
        )

    def handle(self, *args, **options):
        quizzes = Quiz.objects.filter(slug=options["quiz"]).select_related("course")
        if options["course"]:
            quizzes = quizzes.filter(course__slug=options["course"])
        found = list(quizzes[:2])
        if not found:
            raise CommandError(f"No quiz with the slug “{options['quiz']}”.")
        if len(found) > 1:
            courses = ", ".join(sorted(quizzes.values_list("course__slug", flat=True)))
            raise CommandError(
                f"Several courses have a quiz “{options['quiz']}” ({courses}): "
                "give --course."
            )
        text, warnings = services.export_questions(quiz=found[0], fmt=options["format"])
        for warning in warnings:
            self.stderr.write(f"warning: {warning}")
        if options["output"]:
            try:
                options["output"].write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{options['output']}: cannot write: {exc}") from exc
        else:
            self.stdout.write(text, ending="")
