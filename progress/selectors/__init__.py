"""Batch reads for progress reports: a fixed number of queries per batch of users.

Each function takes a whole batch of users and answers for all of them at once, so
building a week's reports costs the same few queries per batch however many students
there are (a digest's cohort, which may be huge, comes in parts of a few queries each); the pure builders in the `reports` package do the rest. What lives where:

- `recipients`: who is due a report (`student_recipients`, `instructor_recipients`,
  `recipients`, `recipient_batches`).
- `rows`: reads and row shapes both batches share (`question_infos`, `passage_url`,
  graded responses, assignment and extension rows).
- `students`: `student_facts`, what each student's own report needs.
- `instructors`: `instructor_cohorts` and `cohort_parts`, each instructor's cohorts
  for their digest, their students a part at a time.
"""

from quizzes.coursework import passage_url

from .instructors import cohort_parts, instructor_cohorts
from .recipients import (
    instructor_recipients,
    recipient_batches,
    recipients,
    student_recipients,
)
from .rows import question_infos
from .students import student_facts

__all__ = [
    "cohort_parts",
    "instructor_cohorts",
    "instructor_recipients",
    "passage_url",
    "question_infos",
    "recipient_batches",
    "recipients",
    "student_facts",
    "student_recipients",
]
