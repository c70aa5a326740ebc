"""Build student reports from the facts: pure, no ORM."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from practice import mastery as shares_of
from practice.paths import practice_path
from quizzes import coursework

from .content import (
    DueItem,
    Mastery,
    Passage,
    QuizResult,
    StudentReport,
)
from .facts import QuestionInfo, QuizInfo, ResponseRow, StudentFacts
from .periods import Week

REVIEW_PASSAGES = 3
HARDEST_QUESTIONS = 3


def absolute(site_url: str, path: str) -> str:
    """Join the site's base URL and a site-relative path."""
    return site_url.rstrip("/") + path if path else ""


def latest_responses(responses: list[ResponseRow]) -> dict[int, ResponseRow]:
    """Each question's most recent scored answer: what the student knows now."""
    latest: dict[int, ResponseRow] = {}
    for row in sorted(responses, key=lambda r: r.submitted_at):
        latest[row.question_id] = row
    return latest


def _scored(rows) -> list[shares_of.Scored]:
    return [
        shares_of.Scored(r.question_id, r.score, r.max_score, r.submitted_at)
        for r in rows
    ]


def _course_of(
    tradeoff_id: int, rows: list[ResponseRow], questions: dict[int, QuestionInfo]
) -> str:
    """The course of the latest answer touching the tradeoff."""
    slug = ""
    for row in sorted(rows, key=lambda r: r.submitted_at):
        question = questions.get(row.question_id)
        if question and tradeoff_id in question.tradeoff_ids and question.course_slug:
            slug = question.course_slug
    return slug


def mastery_by_tradeoff(
    latest: dict[int, ResponseRow],
    questions: dict[int, QuestionInfo],
    tradeoff_names: dict[int, str],
    *,
    practice: dict[int, ResponseRow] | None = None,
    site_url: str = "",
) -> list[Mastery]:
    """Share of credit earned on the questions touching each tradeoff, by name; from
    practice apart (practice.mastery.shares, the arithmetic the course page uses).

    Only questions at apply level or above count, rubric scores of justifications
    included: recall of the essay measures reading, not mastery of a tradeoff.
    """
    from_quizzes = shares_of.shares(_scored(latest.values()), questions)
    practised = list((practice or {}).values())
    from_practice = shares_of.shares(_scored(practised), questions)
    items = []
    for t in set(from_quizzes) | set(from_practice):
        if t not in tradeoff_names:
            continue
        quiz = from_quizzes.get(t) or shares_of.Share(Decimal(0), Decimal(0))
        done = from_practice.get(t) or shares_of.Share(Decimal(0), Decimal(0))
        slug = _course_of(t, practised, questions) or _course_of(
            t, list(latest.values()), questions
        )
        items.append(
            Mastery(
                tradeoff_names[t],
                quiz.earned,
                quiz.possible,
                practice_earned=done.earned,
                practice_possible=done.possible,
                practice_answers=done.answers,
                practice_url=absolute(site_url, practice_path(slug, t))
                if slug and site_url
                else "",
            )
        )
    return sorted(items, key=lambda m: (m.percent, m.tradeoff))


def passages_to_review(
    latest: dict[int, ResponseRow],
    questions: dict[int, QuestionInfo],
    site_url: str,
    limit: int = REVIEW_PASSAGES,
) -> list[Passage]:
    """The passages behind the most credit lost on missed questions, worst first."""
    lost: dict[str, Decimal] = defaultdict(Decimal)
    missed: dict[str, int] = defaultdict(int)
    info: dict[str, QuestionInfo] = {}
    for row in latest.values():
        question = questions.get(row.question_id)
        if question is None or not question.passage_url or row.score >= row.max_score:
            continue
        lost[question.passage_url] += row.max_score - row.score
        missed[question.passage_url] += 1
        info.setdefault(question.passage_url, question)
    ranked = sorted(lost, key=lambda url: (-lost[url], -missed[url], url))[:limit]
    return [
        Passage(
            url=absolute(site_url, url),
            lesson_title=info[url].lesson_title,
            paragraph=info[url].paragraph,
            questions_missed=missed[url],
        )
        for url in ranked
    ]


def _as_of(
    override: coursework.OverrideRow | None, moment
) -> coursework.OverrideRow | None:
    return override if override is not None and override.set_at < moment else None


def quiz_results(
    quizzes: dict[int, QuizInfo],
    attempts: list[coursework.AttemptRow],
    week: Week,
    overrides: dict[int, coursework.OverrideRow] | None = None,
) -> list[QuizResult]:
    """Each quiz's grade at the week's end, beside the grade it had when the week began.

    `overrides` are by quiz id; one set after a moment does not count at that moment.
    """
    overrides = overrides or {}
    by_quiz: dict[int, list[coursework.AttemptRow]] = defaultdict(list)
    for attempt in attempts:
        if attempt.submitted_at and attempt.submitted_at < week.end:
            by_quiz[attempt.quiz_id].append(attempt)
    results = []
    for quiz_id, mine in by_quiz.items():
        quiz = quizzes[quiz_id]
        override = overrides.get(quiz_id)
        grade = coursework.assignment_grade(
            quiz.grading_method, mine, _as_of(override, week.end)
        )
        if grade is None:
            continue
        before = [a for a in mine if a.submitted_at < week.start]
        results.append(
            QuizResult(
                quiz.title,
                grade,
                coursework.assignment_grade(
                    quiz.grading_method, before, _as_of(override, week.start)
                ),
            )
        )
    return sorted(results, key=lambda r: r.title)


def work_due(facts: StudentFacts, week: Week) -> tuple[list[DueItem], list[DueItem]]:
    """Assignments due in the week after the report, and those overdue when it ends."""
    horizon = week.end + timedelta(days=7)
    tries: dict[int, list[coursework.AttemptRow]] = defaultdict(list)
    for attempt in facts.attempts:
        tries[attempt.quiz_id].append(attempt)
    due_soon, overdue = [], []
    for assignment in facts.assignments:
        cell = coursework.cell_for(
            assignment=assignment,
            student_id=facts.user_id,
            extensions=facts.extensions.get(assignment.id, []),
            # What the student had finished when the week ended, not what came later.
            attempts=[
                a
                for a in tries[assignment.quiz_id]
                if a.submitted_at is None or a.submitted_at < week.end
            ],
            now=week.end,
            override=_as_of(facts.overrides.get(assignment.id), week.end),
        )
        item = DueItem(assignment.title, cell.due_at, cell.extended)
        if cell.status == coursework.WorkStatus.MISSING:
            overdue.append(item)
        elif cell.status == coursework.WorkStatus.DUE and cell.due_at < horizon:
            due_soon.append(item)
    return (
        sorted(due_soon, key=lambda i: i.due_at),
        sorted(overdue, key=lambda i: i.due_at),
    )


def build_student_report(
    facts: StudentFacts,
    *,
    week: Week,
    questions: dict[int, QuestionInfo],
    tradeoff_names: dict[int, str],
    site_url: str,
) -> StudentReport:
    """One student's week: lessons, quiz grades, mastery, what to review, what is due."""
    latest = latest_responses([r for r in facts.responses if r.submitted_at < week.end])
    due_soon, overdue = work_due(facts, week)
    return StudentReport(
        name=facts.name,
        week=week,
        lessons_this_week=sorted(facts.lessons_this_week),
        lessons_total=facts.lessons_total,
        quizzes=quiz_results(
            facts.quizzes,
            facts.attempts,
            week,
            {
                a.quiz_id: facts.overrides[a.id]
                for a in facts.assignments
                if a.id in facts.overrides
            },
        ),
        mastery=mastery_by_tradeoff(
            latest,
            questions,
            tradeoff_names,
            practice=latest_responses(
                [r for r in facts.practice if r.submitted_at < week.end]
            ),
            site_url=site_url,
        ),
        review=passages_to_review(
            latest_responses(
                [
                    r
                    for r in facts.responses
                    if r.submitted_at < week.end and r.reviewable
                ]
            ),
            questions,
            site_url,
        ),
        due_soon=due_soon,
        overdue=overdue,
    )
