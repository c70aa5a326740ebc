"""Work out the rules a student takes a quiz under: quiz, assignment and extensions
combined; and what a finished attempt may show the student now.

Pure: plain values in, plain values out. The most lenient active extension wins on each
axis (due date, extra time, extra attempts); an expired extension no longer applies.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class Rules:
    """What limits an attempt: when it opens and closes, how many, how long."""

    opens_at: datetime | None = None
    due_at: datetime | None = None  # soft: submitting after it is late, not refused
    closes_at: datetime | None = None  # hard: no attempt starts or is saved after it
    attempts_allowed: int | None = None  # None = unlimited
    time_limit_minutes: int | None = None  # None = untimed
    # The quiz is assigned to cohorts "assigned only" and this student is in none.
    outside_assignment: bool = False


@dataclass(frozen=True)
class ExtensionTerms:
    due_at: datetime | None = None
    extra_minutes: int = 0
    extra_attempts: int = 0
    expires_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at > now


def combine(
    quiz: Rules,
    assignment: Rules | None,
    extensions: list[ExtensionTerms],
    now: datetime,
) -> Rules:
    """Return the rules in force: the assignment overrides the quiz, extensions add to it."""
    rules = quiz
    if assignment is not None:
        rules = replace(
            rules,
            opens_at=assignment.opens_at or quiz.opens_at,
            due_at=assignment.due_at,
            attempts_allowed=assignment.attempts_allowed or quiz.attempts_allowed,
            time_limit_minutes=assignment.time_limit_minutes or quiz.time_limit_minutes,
        )
    active = [ext for ext in extensions if ext.active(now)]
    if not active:
        return rules
    due_dates = [ext.due_at for ext in active if ext.due_at]
    extra_minutes = max(ext.extra_minutes for ext in active)
    extra_attempts = max(ext.extra_attempts for ext in active)
    due_at = rules.due_at
    closes_at = rules.closes_at
    if due_dates:
        latest = max(due_dates)
        due_at = max(latest, due_at) if due_at else latest
        # A later due date granted to one student must also keep the quiz open for them.
        if closes_at is not None and latest > closes_at:
            closes_at = latest
    return replace(
        rules,
        due_at=due_at,
        closes_at=closes_at,
        attempts_allowed=(
            rules.attempts_allowed + extra_attempts
            if rules.attempts_allowed is not None
            else None
        ),
        time_limit_minutes=(
            rules.time_limit_minutes + extra_minutes
            if rules.time_limit_minutes is not None
            else None
        ),
    )


def strictest(assignments: list[Rules]) -> Rules | None:
    """The terms every assignment imposes at once: the latest opening, the earliest due
    date, the fewest attempts, the shortest time. Students outside the assignments of a
    quiz open to all take it under these, so a second account gains nothing."""
    if not assignments:
        return None

    def least(values):
        known = [v for v in values if v is not None]
        return min(known) if known else None

    return Rules(
        opens_at=max((a.opens_at for a in assignments if a.opens_at), default=None),
        due_at=least(a.due_at for a in assignments),
        attempts_allowed=least(a.attempts_allowed for a in assignments),
        time_limit_minutes=least(a.time_limit_minutes for a in assignments),
    )


def attempt_deadline(rules: Rules, started_at: datetime) -> datetime | None:
    """The moment an attempt started now must end: its time limit or the close date."""
    candidates = []
    if rules.time_limit_minutes:
        candidates.append(started_at + timedelta(minutes=rules.time_limit_minutes))
    if rules.closes_at:
        candidates.append(rules.closes_at)
    return min(candidates) if candidates else None


def combine_grades(method: str, percents: list[tuple[int, Decimal]]) -> Decimal | None:
    """Combine graded attempts, given as (attempt number, percent), by the grading method."""
    if not percents:
        return None
    ordered = sorted(percents)
    if method == "first":
        return ordered[0][1]
    if method == "last":
        return ordered[-1][1]
    if method == "average":
        total = sum((p for _, p in ordered), Decimal(0))
        return (total / len(ordered)).quantize(Decimal("0.1"))
    return max(p for _, p in ordered)


# Review levels (Quiz.ReviewLevel's values), from least to most shown.
NOTHING, SCORE, FEEDBACK, ANSWERS = "nothing", "score", "feedback", "answers"
# Moodle's "immediately after the attempt": the first two minutes after submitting.
IMMEDIATE_REVIEW = timedelta(minutes=2)


@dataclass(frozen=True)
class ReviewLevels:
    """The level a quiz shows at each of Moodle's review times."""

    immediately: str = FEEDBACK
    while_open: str = FEEDBACK
    after_close: str = ANSWERS


@dataclass(frozen=True)
class Review:
    """What a finished attempt may show its student now."""

    level: str
    closed_for_student: bool  # past the close date, or no attempt left

    @property
    def feedback(self) -> bool:
        """Per-question marks, feedback and the lesson passage."""
        return self.level in (FEEDBACK, ANSWERS)

    @property
    def key(self) -> bool:
        """The right answers and the explanations."""
        return self.level == ANSWERS


def closed_for_student(
    rules: Rules, *, attempts_used: int, in_progress: bool, now: datetime
) -> bool:
    """Whether the quiz is over for this student: it has closed (the hard date, never
    the soft due date), or they have used their last attempt."""
    if rules.closes_at is not None and now >= rules.closes_at:
        return True
    return (
        rules.attempts_allowed is not None
        and attempts_used >= rules.attempts_allowed
        and not in_progress
    )


def review_for(
    levels: ReviewLevels,
    rules: Rules,
    *,
    finished: bool,
    submitted_at: datetime | None,
    attempts_used: int,
    in_progress: bool,
    now: datetime,
) -> Review:
    """What one finished attempt may show now: the one decision the result page, the
    API and the progress e-mail all take."""
    closed = closed_for_student(
        rules, attempts_used=attempts_used, in_progress=in_progress, now=now
    )
    if not finished:
        return Review(NOTHING, closed)
    if closed:
        return Review(levels.after_close, closed)
    if submitted_at is not None and now - submitted_at < IMMEDIATE_REVIEW:
        return Review(levels.immediately, closed)
    return Review(levels.while_open, closed)
