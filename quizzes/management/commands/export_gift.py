"""Export a quiz's questions as Moodle GIFT: `manage.py export_gift --quiz SLUG`."""

from .export_questions import Command as ExportQuestions


class Command(ExportQuestions):
    help = "Alias of export_questions --format gift."
    default_format = "gift"
