"""The quiz bank is tested like code (TEACHING.md §5): a non-reader cannot pass it.

The measures live in fixtures/bank_audit.py, so these tests and the figures printed at
the end of `make test` share one definition.
"""

import re
from collections import Counter

import pytest

from fixtures import bank_audit
from fixtures.quiz_bank import QUIZ_MODULES
from fixtures.quiz_bank.helpers import SCENARIO_PREFIX, TRADEOFFS
from quizzes import grading

RECORDS = bank_audit.load()
BANK = bank_audit.bank(RECORDS)
QUESTIONS = [q for items in BANK.values() for q in items]
TRADEOFF_KINDS = ("tradeoff_position", "tradeoff_allocation")
FULL = {
    part: f"{text} Checked against what the essay and the data show."
    for part, text in {
        "value": "I put {value} first because people with the most at stake gain.",
        "gains": "Families and employers gain stable income and fewer risky routes.",
        "costs": "Taxpayers and neighbouring regions bear costs and slower decisions.",
        "objection": "Critics say control matters more; shared rules keep control.",
        "evidence": "Rising deaths or falling wages after adoption would change it.",
    }.items()
}


def key(question: dict) -> dict:
    return bank_audit._key(question)


def full_justification(question: dict) -> dict:
    value = grading.justification.value_names(question["data"])[0]
    return {part: text.format(value=value) for part, text in FULL.items()}


@pytest.mark.parametrize("quiz", sorted(BANK))
def test_a_test_wise_non_reader_scores_at_most_35_percent_of_a_quiz(quiz):
    score = bank_audit.test_wise_score(BANK[quiz])

    assert score <= 0.35, f"quiz {quiz}: {score:.0%}"


def test_the_longest_option_is_the_key_of_at_most_a_third_of_single_choices():
    singles = bank_audit.keyed_singles(QUESTIONS)
    longest = [q["pk"] for q in singles if bank_audit.is_key_longest(q)]

    assert len(longest) * 3 <= len(singles), longest


def test_the_shortest_option_is_the_key_of_at_most_a_third_of_single_choices():
    # Moving keys off the longest must not make "pick the shortest" a cue instead.
    singles = bank_audit.keyed_singles(QUESTIONS)
    shortest = [q["pk"] for q in singles if bank_audit.is_key_shortest(q)]

    assert len(shortest) * 3 <= len(singles), shortest


def test_absolute_words_appear_in_true_and_false_statements_alike():
    counts = bank_audit.absolute_words(QUESTIONS)
    total = counts[True] + counts[False]

    assert counts[True] and counts[False], counts
    assert max(counts.values()) * 3 <= total * 2, counts


@pytest.mark.parametrize(
    "question",
    [q for q in QUESTIONS if q["kind"] in TRADEOFF_KINDS],
    ids=lambda q: str(q["pk"]),
)
def test_a_tradeoff_item_gives_equal_automatic_credit_at_0_50_and_100(question):
    written = full_justification(question)
    if question["kind"] == "tradeoff_position":
        answers = [{"position": p} for p in (0, 50, 100)]
    else:
        n = len(question["data"]["values"])
        answers = [{"allocation": [100] + [0] * (n - 1)}]
        answers.append({"allocation": [0] * (n - 1) + [100]})
        even = [100 // n] * n
        even[0] += 100 - sum(even)
        answers.append({"allocation": even})
    scores = {
        grading.grade(key(question), {**answer, "justification": written}).auto_points
        for answer in answers
    }

    assert scores == {float(question["points"])}
    assert question["data"]["scoring"] == grading.SCORING_V2


def test_every_scenario_option_has_gains_costs_and_an_objection():
    scenarios = [q for q in QUESTIONS if q["name"].startswith(SCENARIO_PREFIX)]

    assert len(scenarios) >= 14
    for question in scenarios:
        for option in question["choices"]:
            for part in ("feedback_gains", "feedback_costs", "feedback_objection"):
                assert option[part].strip(), (question["pk"], option["pk"], part)


def test_a_scenario_is_scored_on_fit_unless_it_says_according_to_the_essay():
    scenarios = [q for q in QUESTIONS if q["name"].startswith(SCENARIO_PREFIX)]
    fit = [q for q in scenarios if bank_audit.is_fit(q)]

    assert len(fit) >= 6
    for question in scenarios:
        keyed = bool(re.search(r"according to the", question["prompt"], re.I))
        assert keyed != bank_audit.is_fit(question), question["pk"]


@pytest.mark.parametrize(
    "question",
    [q for q in QUESTIONS if bank_audit.is_fit(q)],
    ids=lambda q: str(q["pk"]),
)
def test_every_option_of_a_fit_scenario_can_earn_full_marks_and_a_misfit_less(
    question,
):
    data = question["data"]
    values = [v["name"] for v in data["values"]]
    for index, choice in enumerate(question["choices"]):
        written = grading.fit.model_justification(data, index)
        answer = {"choice": choice["pk"], "justification": written}
        assert grading.grade(key(question), answer).fraction == 1, choice["pk"]
        against = [v for v in values if v not in data["options"][index]["serves"]]
        if against:
            misfit = {
                **written,
                "value": f"I put {against[0]} first, because it matters most here.",
            }
            answer = {"choice": choice["pk"], "justification": misfit}
            assert grading.grade(key(question), answer).fraction == 0.5


def test_opposing_options_feedback_is_equally_strong_unless_keyed_to_the_essay():
    checked = [q for q in QUESTIONS if bank_audit.opposing_groups(q)]

    assert any(not bank_audit.ACCORDING.search(q["prompt"]) for q in checked)
    assert bank_audit.figures(RECORDS)["asymmetric_feedback"] == []


def test_the_symmetry_check_catches_a_lean():
    lean = {
        "kind": "single_choice",
        "prompt": "Which would you choose?",
        "data": {"scoring": "fit"},
        "choices": [
            {
                "credit": "0",
                "feedback": "The best option: " + "it protects. " * 20,
                "feedback_gains": "Safety.",
                "feedback_costs": "Money.",
                "feedback_objection": "Slow.",
            },
            {
                "credit": "0",
                "feedback": "It shares the load.",
                "feedback_gains": "Relief.",
                "feedback_costs": "",
                "feedback_objection": "Harsh.",
            },
        ],
    }

    problems = bank_audit.feedback_asymmetry(lean)

    assert len(problems) == 3, problems
    keyed = {**lean, "prompt": "According to the essay, which fits best?"}
    assert bank_audit.feedback_asymmetry(keyed) == []


def test_a_keyed_scenario_says_according_to_the_essay_and_opposing_options_match():
    for question in QUESTIONS:
        if not question["name"].startswith(SCENARIO_PREFIX) or bank_audit.is_fit(
            question
        ):
            continue
        assert re.search(r"according to the", question["prompt"], re.I), question["pk"]
        partial = Counter(
            float(c["credit"])
            for c in question["choices"]
            if 0 < float(c["credit"]) < 1
        )
        # Options that each protect one value come in pairs that earn the same: no
        # side of a tradeoff is preferred.
        assert all(n >= 2 for n in partial.values()), (question["pk"], partial)


@pytest.mark.parametrize("quiz", sorted(BANK))
def test_no_key_is_given_away_by_another_item_of_its_quiz(quiz):
    assert bank_audit.cross_item_cues(BANK[quiz]) == []


def test_at_least_40_percent_of_items_are_at_apply_or_above_with_analyse_items():
    applied, total = bank_audit.figures(RECORDS)["apply_and_above"]
    levels = {q["cognitive_level"] for q in QUESTIONS}

    assert applied * 10 >= total * 4, (applied, total)
    assert "analyse" in levels


def test_every_tradeoff_is_tested_three_times_at_apply_or_above():
    per_tradeoff = bank_audit.figures(RECORDS)["apply_per_tradeoff"]

    assert set(per_tradeoff) == set(TRADEOFFS)
    assert min(per_tradeoff.values()) >= 3, per_tradeoff


def test_pole_names_are_values_their_holders_would_sign():
    for left, right in TRADEOFFS.values():
        for pole in (left, right):
            assert "fear" not in pole.casefold(), pole


def test_every_short_answer_is_tried_on_reasonable_and_wrong_answers():
    shorts = [
        source
        for module in QUIZ_MODULES
        for source in [*module.QUESTIONS, *getattr(module, "ADDED", [])]
        if source["kind"] == "short_answer"
    ]

    assert len(shorts) >= 12
    for source in shorts:
        checks = source["checks"]
        assert len(checks["accept"]) >= 3 and len(checks["reject"]) >= 3, source
        question = {"kind": "short_answer", "points": 1, "data": source["data"]}
        for text in checks["accept"]:
            assert grading.grade(question, {"text": text}).fraction == 1, text
        for text in checks["reject"]:
            assert grading.grade(question, {"text": text}).fraction == 0, text


def test_every_quiz_has_a_pool_and_the_final_an_essay():
    for quiz, questions in BANK.items():
        slots = bank_audit.slots(questions)
        assert any(len(slot) >= 2 for slot in slots), quiz
    assert any(q["kind"] == "essay" for q in BANK[13])
