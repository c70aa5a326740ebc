"""The bench's quiz: a copy of the final assessment's auto-graded questions, and a right
answer to each, with its points, that the seeded attempts carry."""

from __future__ import annotations

from decimal import Decimal

from courses.models import Course
from quizzes import grading, selectors, services
from quizzes.models import Attempt, Choice, Question, Quiz

# Twelve auto-graded kinds of the final assessment: every kind with an automatic grader.
BENCH_QUIZ_KINDS = [
    "single_choice",
    "single_choice",
    "single_choice",
    "true_false",
    "true_false",
    "multiple_response",
    "multiple_response",
    "short_answer",
    "short_answer",
    "numeric",
    "ordering",
    "matching",
]


def answer_for(question: Question) -> dict:
    """A valid (and correct) answer to an auto-graded question, from its key."""
    data = question.data or {}
    choices = list(question.choices.all())
    best = max(choices, key=lambda c: c.credit) if choices else None
    kind = question.kind
    if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.TRUE_FALSE):
        return {"choice": best.id}
    if kind == Question.Kind.MULTIPLE_RESPONSE:
        return {"choices": [c.id for c in choices if c.credit > 0]}
    if kind == Question.Kind.SHORT_ANSWER:
        return {"text": data["answers"][0]["text"].replace("*", "")}
    if kind == Question.Kind.NUMERIC:
        first = data["answers"][0]
        return {"value": first["value"] if "value" in first else first["min"]}
    if kind == Question.Kind.ORDERING:
        return {"order": [item["id"] for item in data["items"]]}
    if kind == Question.Kind.MATCHING:
        return {"matches": {p["id"]: p["answer"] for p in data["pairs"]}}
    raise ValueError(f"no automatic answer for {kind}")


def _copy_question(source: Question, quiz: Quiz, position: int) -> Question:
    copy = Question.objects.create(
        quiz=quiz,
        position=position,
        kind=source.kind,
        name=source.name,
        prompt=source.prompt,
        points=source.points,
        explanation=source.explanation,
        lesson=source.lesson,
        paragraph=source.paragraph,
        data=source.data,
    )
    copy.tradeoffs.set(source.tradeoffs.all())
    Choice.objects.bulk_create(
        Choice(
            question=copy,
            position=c.position,
            text=c.text,
            credit=c.credit,
            feedback=c.feedback,
            feedback_gains=c.feedback_gains,
            feedback_costs=c.feedback_costs,
            feedback_objection=c.feedback_objection,
        )
        for c in source.choices.all()
    )
    return copy


def bench_quiz(
    course: Course, slug: str = "bench-twelve-questions", title: str = "Bench quiz"
) -> Quiz:
    """A 12-question quiz copied from the final assessment's auto-graded questions."""
    final = Quiz.objects.get(course=course, slug="final-assessment")
    pool = list(final.questions.prefetch_related("choices", "tradeoffs"))
    quiz = Quiz.objects.create(
        course=course,
        slug=slug,
        title=f"{title} (12 questions)",
        instructions=final.instructions,
        published=True,
        attempts_allowed=None,
        time_limit_minutes=None,
        review_immediately="answers",
        review_while_open="answers",
        review_after_close="answers",
    )
    for position, kind in enumerate(BENCH_QUIZ_KINDS, start=1):
        # A scenario scored on fit has no keyed option: its points need an argument.
        source = next(
            q for q in pool if q.kind == kind and (q.data or {}).get("scoring") != "fit"
        )
        pool.remove(source)
        _copy_question(source, quiz, position)
    return quiz


def quiz_max(quiz_id: int) -> Decimal:
    """The most a quiz's questions can earn together (an attempt's max_score)."""
    quiz = selectors.quiz_with_questions(quiz_id=quiz_id)
    total = sum(
        grading.max_points(selectors.question_key(q)) for q in quiz.questions.all()
    )
    return Decimal(str(round(total, 3)))


def template_and_answers(quiz: Quiz, student) -> tuple[Attempt, dict]:
    """An attempt the service started, and a right answer with its points per question.

    The service deals the layout and response rows once; every other attempt copies
    them, which is what the service would have written for each student.
    """
    template, _ = services.start_attempt(quiz=quiz, student=student)
    questions = selectors.quiz_with_questions(quiz_id=quiz.pk).questions.all()
    answers = {}
    for question in questions:
        key = selectors.question_key(question)
        answer = answer_for(question)
        grading.validate_answer(key, answer)
        answers[question.id] = (answer, Decimal(str(round(grading.max_points(key), 3))))
    return template, answers
