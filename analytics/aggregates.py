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

__all__ = ["QuizSums", "chosen_attempts", "quiz_sums"]

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
# as quiz_matrix's AttemptScores do; r is the mark on the rest of the test.
_SUMS_SQL = """
WITH picked AS ({picked}),
marks AS MATERIALIZED (
    SELECT p.id AS attempt_id, q.id AS question_id, COALESCE(r.score, 0) AS x
    FROM picked p
    CROSS JOIN unnest(%s::bigint[]) AS q(id)
    LEFT JOIN quizzes_response r ON r.attempt_id = p.id AND r.question_id = q.id
),
totals AS MATERIALIZED (
    SELECT p.id AS attempt_id, COALESCE(SUM(m.x), 0) AS total
    FROM picked p LEFT JOIN marks m ON m.attempt_id = p.id
    GROUP BY p.id
),
joined AS MATERIALIZED (
    SELECT m.question_id, m.x, t.total - m.x AS r
    FROM marks m JOIN totals t USING (attempt_id)
),
sorted_x AS (
    SELECT question_id, x,
           row_number() OVER (PARTITION BY question_id ORDER BY x) AS rank
    FROM joined
),
sorted_r AS (
    SELECT question_id, r,
           row_number() OVER (PARTITION BY question_id ORDER BY r) AS rank
    FROM joined
),
paired AS (
    SELECT question_id, SUM(sorted_x.x * sorted_r.r) AS sorted_xr
    FROM sorted_x JOIN sorted_r USING (question_id, rank)
    GROUP BY question_id
)
SELECT j.question_id, COUNT(*), SUM(j.x), SUM(j.x * j.x), SUM(j.r), SUM(j.r * j.r),
       SUM(j.x * j.r), MAX(p.sorted_xr), NULL::float8
FROM joined j JOIN paired p USING (question_id)
GROUP BY j.question_id
UNION ALL
SELECT NULL, COUNT(*), SUM(total), SUM(total ^ 2), SUM(total ^ 3), SUM(total ^ 4),
       NULL, NULL,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY total::float8)
FROM totals
"""


def _sums(chosen: QuerySet, question_ids: list[int]):
    picked, params = chosen.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_SUMS_SQL.format(picked=picked), [*params, question_ids])
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
    totals, sums = _sums(chosen, [q.id for q in questions])
    choice_counts, answers = _tally_answers(chosen, questions)
    return QuizSums(
        questions=questions,
        max_marks=max_marks,
        totals=totals,
        sums=sums,
        choice_counts=choice_counts,
        answers=answers,
    )
