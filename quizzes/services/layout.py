"""Deal an attempt's layout: the questions drawn from pools, and the order of questions,
choices, ordering items and matching options this student sees."""

from __future__ import annotations

import random

from .. import pools
from ..models import Question, Quiz

__all__: list[str] = []


def deal_layout(
    quiz: Quiz, questions: list[Question], seed: int, seen: set[int] = frozenset()
) -> dict:
    """Draw one question per pool (quizzes.pools) and fix the order this student sees
    questions, choices, items and options in."""
    rng = random.Random(seed)
    question_ids, skipped = pools.draw([(q.id, q.pool) for q in questions], seen, rng)
    questions = [q for q in questions if q.id in set(question_ids)]
    if quiz.shuffle_questions:
        rng.shuffle(question_ids)
    choices: dict[str, list[int]] = {}
    items: dict[str, list[str]] = {}
    options: dict[str, list[str]] = {}
    for question in questions:
        data = question.data or {}
        if question.is_choice_kind:
            ids = [c.id for c in question.choices.all()]
            if quiz.shuffle_choices and question.kind != Question.Kind.TRUE_FALSE:
                rng.shuffle(ids)
            choices[str(question.id)] = ids
        elif question.kind == Question.Kind.ORDERING:
            # Always shuffled, and uniformly: authoring order is the key. Ruling the
            # key's own order out would tell a test-wise student something about it.
            ids = [item["id"] for item in data.get("items", [])]
            rng.shuffle(ids)
            items[str(question.id)] = ids
        elif question.kind == Question.Kind.MATCHING:
            texts = [pair["answer"] for pair in data.get("pairs", [])]
            texts += list(data.get("distractors", []))
            texts = sorted(set(texts))
            rng.shuffle(texts)
            options[str(question.id)] = texts
    return {
        "seed": seed,
        "questions": question_ids,
        "skipped": skipped,
        "choices": choices,
        "items": items,
        "options": options,
    }
