"""Shaped reads for quiz pages, the API, grading and e-mails."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import rows
from courses.models import CohortMembership

from . import coursework, grading, pools
from . import rules as quiz_rules
from .cache import cached_quiz
from .models import (
    Assignment,
    Attempt,
    Choice,
    Extension,
    GradeOverride,
    Question,
    Quiz,
    Response,
)


def questions_prefetch(through: str = "") -> Prefetch:
    """Questions in order with their choices and tradeoffs: four queries whatever the size.

    `through` reaches the quiz from another model, e.g. "quiz__" from an Attempt.
    """
    return Prefetch(
        f"{through}questions",
        queryset=Question.objects.order_by("position", "id")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "id")),
            "tradeoffs",
        )
        .select_related("lesson__course"),
    )


def questions_for_grading(*, quiz_id: int) -> list[Question]:
    """A quiz's questions with their choices and nothing else: two queries."""
    return list(
        Question.objects.filter(quiz_id=quiz_id)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
        )
    )


def question_key(question: Question) -> dict:
    """Build the grader's key for a question whose choices are prefetched."""
    return {
        "kind": question.kind,
        "points": float(question.points),
        "choices": [
            {
                "id": choice.id,
                "text": choice.text,
                "credit": float(choice.credit),
                "feedback": choice.feedback,
                "feedback_format": choice.feedback_format,
                "gains": choice.feedback_gains,
                "costs": choice.feedback_costs,
                "objection": choice.feedback_objection,
            }
            for choice in question.choices.all()
        ],
        "data": question.data or {},
    }


def checked_key(question: Question) -> grading.CheckedKey | dict:
    """question_key, checked once while it stays the same, not once per use; a key
    that fails the check comes back as the dict, to fail where it always did."""
    key = question_key(question)
    known = question.__dict__.get("_checked_key")
    if known is None or known[0] != key:
        try:
            known = (key, grading.check_key(key))
        except grading.InvalidKey:
            known = (key, key)
        question._checked_key = known
    return known[1]


def visible_quizzes(user):
    """Quizzes a user may open: published ones, or every quiz for staff."""
    qs = Quiz.objects.select_related("course", "lesson")
    if user.is_authenticated and user.is_staff:
        return qs
    return qs.published()


def quiz_for_user(*, quiz_id: int, user) -> Quiz:
    """The quiz if this user may see it (404 otherwise), with its course, lesson and
    `question_count`; from the cache, which edits keep current (quizzes.cache)."""
    quiz = cached_quiz(quiz_id)
    if quiz is None:
        raise Http404
    if user.is_authenticated and user.is_staff:
        return quiz
    if not (quiz.published and quiz.course.is_published):
        raise Http404
    return quiz


def quiz_with_questions(*, quiz_id: int) -> Quiz:
    return (
        Quiz.objects.select_related("course", "lesson")
        .prefetch_related(questions_prefetch())
        .get(pk=quiz_id)
    )


def _quiz_rules(quiz: Quiz) -> quiz_rules.Rules:
    return quiz_rules.Rules(
        opens_at=quiz.opens_at,
        closes_at=quiz.closes_at,
        attempts_allowed=quiz.attempts_allowed,
        time_limit_minutes=quiz.time_limit_minutes,
    )


# A student's assignments, extensions, attempts and overrides are read on every quiz
# page and quiz API call: as SQL, in one round trip (core.rows; why, and when to go back
# to the ORM: docs/decisions/0001). The columns are the models' own (SELECT *), so a new
# field needs no change here.


def _student_statements(student, quiz_ids: list[int]) -> dict[str, rows.Statement]:
    marks = ", ".join(["%s"] * len(quiz_ids))
    params = [*quiz_ids, student.pk]
    assignment = Assignment._meta.db_table
    return {
        # Every cohort's assignments of these quizzes (whether a quiz is assigned at all,
        # and the terms a student outside them takes it under), each marked with
        # whether the student is in its cohort: theirs are Assignment.objects.filter(
        # quiz__in=..., cohort__memberships__student=...). One statement for both.
        "assignments": (
            Assignment,
            f"SELECT a.*, m.id IS NOT NULL AS for_student FROM {assignment} a"
            f" LEFT JOIN {CohortMembership._meta.db_table} m"
            " ON m.cohort_id = a.cohort_id AND m.student_id = %s"
            f" WHERE a.quiz_id IN ({marks}) ORDER BY a.due_at",
            [student.pk, *quiz_ids],
        ),
        # The student's extensions on any assignment of these quizzes; only those of the
        # assignment in force are used.
        "extensions": (
            Extension,
            f"SELECT e.* FROM {Extension._meta.db_table} e"
            f" JOIN {assignment} a ON a.id = e.assignment_id"
            f" WHERE a.quiz_id IN ({marks}) AND e.student_id = %s"
            " ORDER BY e.created_at DESC",
            params,
        ),
        "attempts": (
            Attempt,
            f"SELECT * FROM {Attempt._meta.db_table}"
            f" WHERE quiz_id IN ({marks}) AND student_id = %s ORDER BY number",
            params,
        ),
        # Grades set by hand on any assignment of these quizzes.
        "overrides": (
            GradeOverride,
            f"SELECT o.* FROM {GradeOverride._meta.db_table} o"
            f" JOIN {assignment} a ON a.id = o.assignment_id"
            f" WHERE a.quiz_id IN ({marks}) AND o.student_id = %s",
            params,
        ),
    }


def _student_rows(student, quiz_ids: list[int], *wanted: str) -> list[list]:
    """The wanted row lists in one round trip: "assignments" (the student's own, latest
    due last), "every_assignment", "extensions", "attempts", "overrides"."""
    if not quiz_ids:
        return [[] for _ in wanted]
    statements = _student_statements(student, quiz_ids)
    names = ["assignments" if n == "every_assignment" else n for n in wanted]
    names = list(dict.fromkeys(names))
    found = dict(
        zip(names, rows.fetch_together([statements[n] for n in names]), strict=True)
    )
    every = found.get("assignments", [])
    found["every_assignment"] = every
    found["assignments"] = [a for a in every if a.for_student]
    return [found[name] for name in wanted]


def _assigned_rules(assignment: Assignment) -> quiz_rules.Rules:
    return quiz_rules.Rules(
        opens_at=assignment.opens_at,
        due_at=assignment.due_at,
        attempts_allowed=assignment.attempts_allowed,
        time_limit_minutes=assignment.time_limit_minutes,
    )


def _outsider_rules(
    quiz: Quiz, every_assignment: list[Assignment], now: datetime
) -> quiz_rules.Rules:
    """The rules for a student in none of the quiz's assigned cohorts."""
    if not every_assignment:
        return _quiz_rules(quiz)
    if quiz.access != Quiz.Access.ENROLLED:
        return replace(_quiz_rules(quiz), outside_assignment=True)
    terms = quiz_rules.strictest([_assigned_rules(a) for a in every_assignment])
    return quiz_rules.combine(_quiz_rules(quiz), terms, [], now)


def rules_from(
    quizzes: list[Quiz],
    assignments: list[Assignment],
    extensions: list[Extension],
    now: datetime,
    every_assignment: list[Assignment],
) -> dict[int, quiz_rules.Rules]:
    """Each quiz's rules for one student, from their rows and every assignment of
    the quizzes (the latest-due assignment of theirs wins)."""
    in_force: dict[int, Assignment] = {}
    # The latest-due assignment wins when a student sits in two cohorts given the same quiz.
    for assignment in assignments:
        in_force[assignment.quiz_id] = assignment
    terms: dict[int, list[quiz_rules.ExtensionTerms]] = {}
    for ext in extensions:
        terms.setdefault(ext.assignment_id, []).append(
            quiz_rules.ExtensionTerms(
                due_at=ext.due_at,
                extra_minutes=ext.extra_minutes,
                extra_attempts=ext.extra_attempts,
                expires_at=ext.expires_at,
            )
        )
    assigned_to: dict[int, list[Assignment]] = {}
    for assignment in every_assignment:
        assigned_to.setdefault(assignment.quiz_id, []).append(assignment)
    result = {}
    for quiz in quizzes:
        assignment = in_force.get(quiz.pk)
        if assignment is None:
            result[quiz.pk] = _outsider_rules(quiz, assigned_to.get(quiz.pk, []), now)
            continue
        result[quiz.pk] = quiz_rules.combine(
            _quiz_rules(quiz),
            _assigned_rules(assignment),
            terms.get(assignment.pk, []),
            now,
        )
    return result


def rules_for_quizzes(
    *, quizzes: list[Quiz], student, now: datetime | None = None
) -> dict[int, quiz_rules.Rules]:
    """The rules in force for a student on each quiz (one round trip, whatever the count)."""
    assignments, extensions, every_assignment = _student_rows(
        student,
        [q.pk for q in quizzes],
        "assignments",
        "extensions",
        "every_assignment",
    )
    return rules_from(
        quizzes, assignments, extensions, now or timezone.now(), every_assignment
    )


def rules_for(*, quiz: Quiz, student, now: datetime | None = None) -> quiz_rules.Rules:
    """The rules in force for this student on this quiz, now."""
    return rules_for_quizzes(quizzes=[quiz], student=student, now=now)[quiz.pk]


def standings_for(*, quizzes: list[Quiz], student, now: datetime | None = None) -> dict:
    """Per quiz: rules, my attempts, attempts left, grade (an override's, if an
    instructor set one), the override and the attempt in progress (one round trip,
    whatever the count)."""
    assignments, extensions, all_attempts, overrides, every_assignment = _student_rows(
        student,
        [q.pk for q in quizzes],
        "assignments",
        "extensions",
        "attempts",
        "overrides",
        "every_assignment",
    )
    rules = rules_from(
        quizzes, assignments, extensions, now or timezone.now(), every_assignment
    )
    attempts: dict[int, list[Attempt]] = {q.pk: [] for q in quizzes}
    for attempt in all_attempts:
        attempts[attempt.quiz_id].append(attempt)
    # As in _rules_from: the latest-due assignment of a quiz is the one in force.
    in_force = {a.quiz_id: a.pk for a in assignments}
    override_of = {o.assignment_id: o for o in overrides}
    standing = {}
    for quiz in quizzes:
        mine = attempts[quiz.pk]
        allowed = rules[quiz.pk].attempts_allowed
        override = override_of.get(in_force.get(quiz.pk))
        standing[quiz.pk] = {
            "rules": rules[quiz.pk],
            "attempts": mine,
            "attempts_left": None if allowed is None else max(0, allowed - len(mine)),
            "grade": coursework.assignment_grade(
                quiz.grading_method,
                [_attempt_row(a) for a in mine],
                coursework.OverrideRow.of(override) if override else None,
            ),
            "override": override,
            "best": max(
                (a.percent for a in mine if a.percent is not None), default=None
            ),
            "in_progress": next(
                (a for a in mine if a.state == Attempt.State.IN_PROGRESS), None
            ),
        }
    return standing


def _attempt_row(attempt: Attempt) -> coursework.AttemptRow:
    return coursework.AttemptRow(
        student_id=attempt.student_id,
        quiz_id=attempt.quiz_id,
        number=attempt.number,
        state=attempt.state,
        submitted_at=attempt.submitted_at,
        score=attempt.score,
        max_score=attempt.max_score,
    )


def attempts_of(*, quiz: Quiz, student) -> list[Attempt]:
    return list(Attempt.objects.filter(quiz=quiz, student=student).order_by("number"))


def grade_from_attempts(quiz: Quiz, attempts: list[Attempt]) -> Decimal | None:
    """The quiz grade (percent) by its grading method, over graded attempts."""
    return coursework.grade_of(
        quiz.grading_method, [_attempt_row(attempt) for attempt in attempts]
    )


def quiz_grade_for(*, student, quiz: Quiz) -> Decimal | None:
    """The student's grade on a quiz by the quiz's grading method (one query)."""
    return grade_from_attempts(quiz, attempts_of(quiz=quiz, student=student))


def owned_attempts(user):
    """Attempts a user may open through the student API: their own."""
    return Attempt.objects.filter(student=user).select_related(
        "quiz__course", "quiz__lesson"
    )


def attempt_row_for_owner(*, attempt_id: int, user) -> Attempt:
    """The user's own attempt with its quiz, no questions (a submit needs none); 404."""
    return get_object_or_404(owned_attempts(user), pk=attempt_id)


def attempt_for_owner(*, attempt_id: int, user) -> Attempt:
    """The user's own attempt with its quiz, questions and responses; 404 for anyone else."""
    return get_object_or_404(
        owned_attempts(user).prefetch_related(
            questions_prefetch("quiz__"),
            Prefetch(
                "responses",
                queryset=Response.objects.select_related("graded_version").order_by(
                    "question_id"
                ),
            ),
        ),
        pk=attempt_id,
    )


def ordered_questions(attempt: Attempt) -> list[Question]:
    """The attempt's questions in the order this student was dealt them."""
    questions = [
        q
        for q in attempt.quiz.questions.all()
        if pools.in_attempt(attempt.layout, q.id)
    ]
    order = (attempt.layout or {}).get("questions")
    if not order:
        return questions
    by_id = {q.id: q for q in questions}
    dealt = [by_id[qid] for qid in order if qid in by_id]
    # Questions added after the attempt started go last rather than vanish.
    dealt += [q for q in questions if q.id not in set(order)]
    return dealt
