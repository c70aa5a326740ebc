"""The class's spread of positions and allocations on tradeoff items, for the review.

A student's position earns nothing and loses nothing (scoring 2); once the review shows
the answers, it is shown back beside where the class stood. The spread counts finished
attempts' answers and is hidden below MIN_ANSWERS, so no single answer can be read off.
"""

from __future__ import annotations

from collections import defaultdict

from .models import Attempt, Question, Response

MIN_ANSWERS = 3
BUCKETS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))


def spread_of(kind: str, values: list, names: list[str]) -> dict | None:
    """The spread of positions (counts per fifth of the scale) or allocations (the mean
    share of each value); None below MIN_ANSWERS. Pure."""
    if len(values) < MIN_ANSWERS:
        return None
    if kind == Question.Kind.TRADEOFF_POSITION:
        counts = [
            sum(1 for v in values if low <= float(v) <= high + 0.999)
            for low, high in BUCKETS
        ]
        return {
            "answers": len(values),
            "buckets": [
                {"low": low, "high": high, "count": count, "share": count / len(values)}
                for (low, high), count in zip(BUCKETS, counts, strict=True)
            ],
        }
    means = [
        round(sum(float(v[i]) for v in values) / len(values), 1)
        for i in range(len(names))
    ]
    return {
        "answers": len(values),
        "means": [{"value": n, "mean": m} for n, m in zip(names, means, strict=True)],
    }


def class_spreads(quiz_id: int, questions: list[Question]) -> dict[int, dict | None]:
    """The spread of each tradeoff question given, from the quiz's finished attempts:
    one query, whether or not the quiz has tradeoff questions."""
    kinds = (Question.Kind.TRADEOFF_POSITION, Question.Kind.TRADEOFF_ALLOCATION)
    wanted = {q.id: q for q in questions if q.kind in kinds}
    found: dict[int, list] = defaultdict(list)
    rows = (
        Response.objects.filter(
            question__quiz_id=quiz_id, question__kind__in=kinds, answer__isnull=False
        )
        .exclude(attempt__state=Attempt.State.IN_PROGRESS)
        .values_list("question_id", "answer")
    )
    for question_id, answer in rows:
        if question_id not in wanted:
            continue
        field = (
            "position"
            if wanted[question_id].kind == Question.Kind.TRADEOFF_POSITION
            else "allocation"
        )
        if isinstance(answer, dict) and answer.get(field) is not None:
            found[question_id].append(answer[field])
    return {
        question_id: spread_of(
            question.kind, found[question_id], (question.data or {}).get("values", [])
        )
        for question_id, question in wanted.items()
    }
