"""Import a Moodle GIFT file: the `import_questions` command, GIFT unless told otherwise."""

from .import_questions import Command as ImportQuestions


class Command(ImportQuestions):
    help = "Alias of import_questions that reads GIFT unless --format says otherwise."
    default_format = "gift"
