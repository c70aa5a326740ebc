"""A quiz's statistics inputs added up by PostgreSQL, and its answers tallied in chunks.

`quiz_matrix` (selectors) reads every mark of every chosen attempt into Python; this
reads the sums `analytics.moments` needs (one statement, whatever the attempt count)
and streams the answers the distractor counts need through a server-side cursor, so a
refresh holds a few numbers per question, not a row per attempt. Positions and
allocation shares of tradeoff questions are still kept (one float per answer): their
median needs them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from quizzes.models import Attempt, Question, Response

from . import statistics as qstats
from .moments import QuestionSums, TotalSums
from .selectors import CHOICE_KINDS, SCALE_KINDS, AnswerColumns, _add_answer

__all__ = ["QuizSums", "chosen_attempts", "quiz_sums", "sums_statement"]

# Answers read per round trip of the server-side cursor.
CHUNK_SIZE = 2_000

_ORDER = {
    "first": ("student_id", "number"),
    "last": ("student_id", "-number"),
    # Ties on the highest total go to the earlier attempt (statistics.select_attempts).
    "highest": ("student_id", Coalesce("score", 0).desc(), "number"),
}


def chosen_attempts(*, quiz_id: int, which: str) -> QuerySet:
    """The graded attempts statistics use, picked among all finished ones.

    As `quiz_matrix`: "first" is the student's real first attempt, which is left out
    (not replaced) while it is not fully graded.
    """
    finished = Attempt.objects.finished().filter(quiz_id=quiz_id)
    if which != "all":
        finished = Attempt.objects.filter(
            pk__in=finished.order_by(*_ORDER[which]).distinct("student_id").values("pk")
        )
    return finished.filter(state=Attempt.State.GRADED)


@dataclass
class QuizSums:
    """What the statistics need for one quiz, with no row per attempt."""

    questions: list[Question]
    max_marks: dict[int, float]
    totals: TotalSums
    sums: dict[int, QuestionSums]
    choice_counts: dict[int, dict[int, int]] = field(default_factory=dict)
    answers: AnswerColumns = field(default_factory=AnswerColumns)


# Every chosen attempt gets a mark for every question (0 where it has no response row),
# as quiz_matrix's AttemptScores do; r is the mark on the rest of the test. An attempt of
# a quiz without questions keeps one row (question NULL, x 0), so it still counts.
#
# No step joins or looks up rows per row of the quiz (docs/decisions/0005): with stale
# table statistics the planner believes a freshly graded quiz has one attempt and pairs
# sets in nested loops, which is quadratic (a rank join of 30,000 marks ran 75 s at 1,000
# attempts; a per-mark lookup took the question's index and filtered 45 million rows at
# 3,000). So each step is a scan, a sort or a grouping: the marks are the quiz's
# responses grouped with a zero per (chosen attempt, question), kept where a chosen
# attempt is in the group; the rest of test is a window over the attempt's marks; the
# sorted marks and sorted rests are paired by zipping two sorted arrays per question
# (multi-argument unnest) instead of joining on the rank.
_SUMS_SQL = """
WITH picked AS ({picked}),
tagged AS (
    SELECT p.id AS attempt_id, q.id AS question_id, 0::numeric AS x, 1 AS chosen
    FROM picked p
    LEFT JOIN unnest(%s::bigint[]) AS q(id) ON true
    UNION ALL
    SELECT r.attempt_id, r.question_id, COALESCE(r.score, 0), 0
    FROM quizzes_response r
    WHERE r.question_id = ANY(%s::bigint[])
),
marks AS MATERIALIZED (
    SELECT attempt_id, question_id, SUM(x) AS x
    FROM tagged
    GROUP BY attempt_id, question_id
    HAVING MAX(chosen) = 1
),
totals AS (
    SELECT attempt_id, SUM(x) AS total FROM marks GROUP BY attempt_id
),
joined AS (
    SELECT question_id, x, SUM(x) OVER (PARTITION BY attempt_id) - x AS r
    FROM marks
    WHERE question_id IS NOT NULL
),
by_question AS (
    SELECT question_id, COUNT(*) AS n, SUM(x) AS sx, SUM(x * x) AS sxx, SUM(r) AS sr,
           SUM(r * r) AS srr, SUM(x * r) AS sxr,
           array_agg(x ORDER BY x) AS xs, array_agg(r ORDER BY r) AS rs
    FROM joined
    GROUP BY question_id
)
SELECT question_id, n, sx, sxx, sr, srr, sxr,
       (SELECT SUM(a * b) FROM unnest(xs, rs) AS paired(a, b)), NULL::float8
FROM by_question
UNION ALL
SELECT NULL, COUNT(*), SUM(total), SUM(total ^ 2), SUM(total ^ 3), SUM(total ^ 4),
       NULL, NULL,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY total::float8)
FROM totals
"""


def _picked(*, quiz_id: int, which: str) -> tuple[str, list]:
    """SQL for the ids of `chosen_attempts`, with no join of the quiz's attempts to itself.

    `chosen_attempts` keeps the attempts whose id is among each student's picked one
    (a semi-join the planner may run as a nested loop); here the picked attempt's state
    is read in the same pass and the ungraded ones dropped. No ORDER BY on the result
    (Attempt.Meta.ordering would join the course, lesson and student to sort it).
    """
    if which == "all":
        query = chosen_attempts(quiz_id=quiz_id, which=which).values("id").order_by()
        return query.query.sql_with_params()
    picked = (
        Attempt.objects.finished()
        .filter(quiz_id=quiz_id)
        .order_by(*_ORDER[which])
        .distinct("student_id")
        .values("id", "state")
    )
    sql, params = picked.query.sql_with_params()
    return (
        f"SELECT each.id FROM ({sql}) AS each WHERE each.state = %s",
        [*params, Attempt.State.GRADED],
    )


def sums_statement(*, quiz_id: int, which: str, question_ids: list[int]):
    """The statement adding up the sums, and its parameters (tests EXPLAIN it)."""
    picked, params = _picked(quiz_id=quiz_id, which=which)
    return _SUMS_SQL.format(picked=picked), [*params, question_ids, question_ids]


def _sums(*, quiz_id: int, which: str, question_ids: list[int]):
    with connection.cursor() as cursor:
        cursor.execute(
            *sums_statement(quiz_id=quiz_id, which=which, question_ids=question_ids)
        )
        rows = cursor.fetchall()
    sums: dict[int, QuestionSums] = {}
    totals = TotalSums(n=0)
    for qid, n, a, b, c, d, e, f, median in rows:
        if qid is None:
            totals = TotalSums(
                n=n, s1=a or 0, s2=b or 0, s3=c or 0, s4=d or 0, median=median
            )
        else:
            sums[qid] = QuestionSums(x=a, xx=b, r=c, rr=d, xr=e, sorted_xr=f)
    empty = QuestionSums(x=0, xx=0, r=0, rr=0, xr=0, sorted_xr=0)
    return totals, {qid: sums.get(qid, empty) for qid in question_ids}


def _tally_answers(chosen: QuerySet, questions: list[Question]):
    """Count picks per choice chunk by chunk; keep positions and allocation shares."""
    by_id = {q.id: q for q in questions}
    counts: dict[int, Counter] = {
        q.id: Counter() for q in questions if q.kind in CHOICE_KINDS
    }
    columns = AnswerColumns(
        positions={
            q.id: [] for q in questions if q.kind == Question.Kind.TRADEOFF_POSITION
        },
        allocations={
            q.id: [[] for _ in (q.data or {}).get("values", [])]
            for q in questions
            if q.kind == Question.Kind.TRADEOFF_ALLOCATION
        },
    )
    wanted = [q.id for q in questions if q.kind in CHOICE_KINDS | SCALE_KINDS]
    if not wanted:
        return {}, columns
    rows = (
        Response.objects.filter(
            attempt_id__in=chosen.values("id"), question_id__in=wanted
        )
        .values_list("question_id", "answer")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    chunk = AnswerColumns(choices={qid: [] for qid in counts})
    for index, (question_id, answer) in enumerate(rows, start=1):
        question = by_id[question_id]
        _add_answer(
            chunk if question.kind in CHOICE_KINDS else columns, question, answer
        )
        if index % CHUNK_SIZE == 0:
            _merge(counts, chunk)
    _merge(counts, chunk)
    return {qid: dict(counted) for qid, counted in counts.items()}, columns


def _merge(counts: dict[int, Counter], chunk: AnswerColumns) -> None:
    for qid, picks in chunk.choices.items():
        counts[qid].update(qstats.choice_counts(picks))
        picks.clear()


def quiz_sums(*, quiz, which: str, max_marks: dict[int, float]) -> QuizSums:
    """The sums and tallies of a quiz whose questions (with choices) are prefetched."""
    questions = list(quiz.questions.all())
    chosen = chosen_attempts(quiz_id=quiz.pk, which=which)
    totals, sums = _sums(
        quiz_id=quiz.pk, which=which, question_ids=[q.id for q in questions]
    )
    choice_counts, answers = _tally_answers(chosen, questions)
    return QuizSums(
        questions=questions,
        max_marks=max_marks,
        totals=totals,
        sums=sums,
        choice_counts=choice_counts,
        answers=answers,
    )
