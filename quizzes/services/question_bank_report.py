"""What an import of questions would create (dry run) or created, for pages and terminals."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from courses.models import Course

from ..models import Question, Quiz

__all__ = ["ImportReport", "ImportedQuestion"]


@dataclass(frozen=True)
class ImportedQuestion:
    """One question an import would create or has created."""

    line: int
    name: str
    kind: str
    excerpt: str
    answer_count: int
    id: int | None = None

    @property
    def kind_label(self) -> str:
        return str(Question.Kind(self.kind).label)


@dataclass
class ImportReport:
    """What an import would create (dry run) or created."""

    course: Course
    quiz_slug: str
    quiz_title: str
    quiz_created: bool
    dry_run: bool
    questions: list[ImportedQuestion] = field(default_factory=list)
    quiz: Quiz | None = None

    def summary(self) -> str:
        """Return one sentence saying what happened or would happen."""
        values = {
            "count": len(self.questions),
            "quiz": self.quiz_title,
            "slug": self.quiz_slug,
        }
        if self.dry_run:
            if self.quiz_created:
                text = _(
                    "Would create the quiz “%(quiz)s” (%(slug)s) with %(count)d questions."
                )
            else:
                text = _(
                    "Would add %(count)d questions to the quiz “%(quiz)s” (%(slug)s)."
                )
        elif self.quiz_created:
            text = _("Created the quiz “%(quiz)s” (%(slug)s) with %(count)d questions.")
        else:
            text = _("Added %(count)d questions to the quiz “%(quiz)s” (%(slug)s).")
        return text % values

    def lines(self) -> list[str]:
        """Return the summary and one line per question, for a terminal."""
        rows = [self.summary()]
        for item in self.questions:
            label = f"{item.name}: {item.excerpt}" if item.name else item.excerpt
            rows.append(
                f"  line {item.line:>4}  {item.kind:<17}  "
                + _("%(n)2d answers") % {"n": item.answer_count}
                + f"  {label}"
            )
        return rows
