"""Build student reports and instructor digests from plain rows: pure, no ORM.

Call sites use the package: `reports.build_student_report(...)`. What lives where:

- `periods`: the ISO `Week` a report covers, `parse_period`, `last_complete_week`.
- `facts`: the rows the selectors hand over (`StudentFacts`, `CohortFacts`,
  `QuestionInfo`, `ResponseRow`, `QuizInfo`).
- `content`: what the templates show (`StudentReport`, `InstructorDigest`,
  `CohortDigest` and the rows inside them).
- `builders`: the pure builders of a student's report (`build_student_report` and
  the steps it is made of).
- `digests`: a cohort's digest, built whole (`build_cohort_digest`) or from tallies
  of its students a part at a time (`tally_cohort`, `DigestTally`,
  `finish_cohort_digest`).
"""

from .builders import (
    HARDEST_QUESTIONS,
    REVIEW_PASSAGES,
    absolute,
    build_student_report,
    latest_responses,
    mastery_by_tradeoff,
    passages_to_review,
    quiz_results,
    work_due,
)
from .content import (
    AssignmentSummary,
    CohortDigest,
    DueItem,
    InstructorDigest,
    Mastery,
    MissedQuestion,
    Passage,
    QuizResult,
    StudentBehind,
    StudentReport,
)
from .digests import (
    DigestTally,
    build_cohort_digest,
    finish_cohort_digest,
    hardest_questions,
    tally_cohort,
)
from .facts import CohortFacts, QuestionInfo, QuizInfo, ResponseRow, StudentFacts
from .periods import Week, last_complete_week, parse_period

__all__ = [
    "HARDEST_QUESTIONS",
    "REVIEW_PASSAGES",
    "AssignmentSummary",
    "CohortDigest",
    "CohortFacts",
    "DigestTally",
    "DueItem",
    "InstructorDigest",
    "Mastery",
    "MissedQuestion",
    "Passage",
    "QuestionInfo",
    "QuizInfo",
    "QuizResult",
    "ResponseRow",
    "StudentBehind",
    "StudentFacts",
    "StudentReport",
    "Week",
    "absolute",
    "build_cohort_digest",
    "build_student_report",
    "finish_cohort_digest",
    "hardest_questions",
    "last_complete_week",
    "latest_responses",
    "mastery_by_tradeoff",
    "parse_period",
    "passages_to_review",
    "quiz_results",
    "tally_cohort",
    "work_due",
]
