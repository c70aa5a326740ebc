"""The GIFT parser and exporter, on Moodle's own files and on broken ones; no database."""

from pathlib import Path

import pytest

from quizzes import gift
from quizzes.gift import BLANK, GiftError, parse
from quizzes.models import Question

GIFT_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "gift"
EXAMPLES = GIFT_DIR / "moodle-examples.gift"
FIXTURE = GIFT_DIR / "moodle-fixture-questions.gift"


def choice(text, credit=0.0, feedback=""):
    return {"text": text, "credit": credit, "feedback": feedback}


def true_false(correct, wrong_feedback="", right_feedback=""):
    """The two choices Moodle's {TRUE#wrong#right} / {FALSE#wrong#right} stand for."""
    return [
        choice(
            "True",
            1.0 if correct else 0.0,
            right_feedback if correct else wrong_feedback,
        ),
        choice(
            "False",
            0.0 if correct else 1.0,
            wrong_feedback if correct else right_feedback,
        ),
    ]


def accepted(*answers, feedback_wrong=""):
    return {
        "answers": [{"text": t, "credit": c, "feedback": f} for t, c, f in answers],
        "feedback_wrong": feedback_wrong,
    }


def number(value, tolerance=0, credit=1.0, feedback=""):
    return {
        "value": value,
        "tolerance": tolerance,
        "credit": credit,
        "feedback": feedback,
    }


def span(low, high, credit=1.0, feedback=""):
    return {"min": low, "max": high, "credit": credit, "feedback": feedback}


def numeric(*answers, feedback_wrong=""):
    return {"answers": list(answers), "feedback_wrong": feedback_wrong}


def matching(*pairs, distractors=()):
    return {
        "pairs": [
            {"id": f"m{n}", "prompt": p, "answer": a}
            for n, (p, a) in enumerate(pairs, 1)
        ],
        "distractors": list(distractors),
    }


def q(line, kind, prompt, *, name="", choices=(), data=None, fmt="moodle", general=""):
    return {
        "name": name,
        "prompt": prompt,
        "prompt_format": fmt,
        "kind": kind,
        "points": 1.0,
        "general_feedback": general,
        "category": "",
        "choices": list(choices),
        "data": {} if data is None else data,
        "line": line,
    }


GRANT = "Who's buried in Grant's tomb?"
GRANT_MC = [choice("Grant"), choice("Jefferson"), choice("no one", 1.0)]
ENTOMBED = f"Grant is {BLANK} in Grant's tomb."
ENTOMBED_MC = [choice("buried"), choice("entombed", 1.0), choice("living")]
BURIED = "Grant is buried in Grant's tomb."
NO_ONE = accepted(("no one", 1.0, ""), ("nobody", 1.0, ""))
BORN = "When was Ulysses S. Grant born?"
THANKSGIVING_MC = [choice("second"), choice("third"), choice("fourth", 1.0)]
JESUS_SA = accepted(
    ("Nazareth", 1.0, "Yes! That's right!"),
    ("Nazereth", 0.75, "Right, but misspelled."),
    ("Bethlehem", 0.25, "He was born here, but not raised here."),
)
TWO_PEOPLE = "What two people are entombed in Grant's tomb?"
PI = f"What is the value of pi (to 3 decimal places)? {BLANK}."

EXPECTED_EXAMPLES = [
    # Examples from the class description.
    q(8, "single_choice", GRANT, choices=GRANT_MC),
    q(10, "single_choice", ENTOMBED, choices=ENTOMBED_MC),
    q(12, "true_false", BURIED, choices=true_false(False)),
    q(14, "short_answer", GRANT, data=NO_ONE),
    q(16, "numeric", BORN, data=numeric(number(1822, 1))),
    # Multiple choice.
    q(25, "single_choice", GRANT, choices=GRANT_MC),
    q(27, "single_choice", ENTOMBED, choices=ENTOMBED_MC),
    q(
        29,
        "single_choice",
        f"The American holiday of Thanksgiving is celebrated on the {BLANK} Thursday of November.",
        choices=THANKSGIVING_MC,
    ),
    q(
        35,
        "single_choice",
        "Japanese characters originally came from what country?",
        choices=[
            choice("India"),
            choice("China", 1.0),
            choice("Korea"),
            choice("Egypt"),
        ],
    ),
    # Short answer.
    q(43, "short_answer", GRANT, data=NO_ONE),
    q(
        45,
        "short_answer",
        f"Two plus two equals {BLANK}.",
        data=accepted(("four", 1.0, ""), ("4", 1.0, "")),
    ),
    # True-false.
    q(49, "true_false", BURIED, choices=true_false(False)),
    q(51, "true_false", "The sun rises in the east.", choices=true_false(True)),
    # Matching.
    q(
        55,
        "matching",
        "Matching Question.",
        data=matching(
            ("subquestion1", "subanswer1"),
            ("subquestion2", "subanswer2"),
            ("subquestion3", "subanswer3"),
        ),
    ),
    q(
        61,
        "matching",
        "Match the following countries with their corresponding capitals.",
        data=matching(
            ("Canada", "Ottawa"),
            ("Italy", "Rome"),
            ("Japan", "Tokyo"),
            ("India", "New Delhi"),
        ),
    ),
    # Numerical.
    q(70, "numeric", BORN, data=numeric(number(1822))),
    q(72, "numeric", PI, data=numeric(number(3.1415, 0.0005))),
    q(74, "numeric", PI, data=numeric(span(3.141, 3.142))),
    q(76, "numeric", BORN, data=numeric(number(1822, 0), number(1822, 2, 0.5))),
    # Line comments.
    q(85, "numeric", "What's 2 plus 2?", data=numeric(number(4))),
    # Question names.
    q(
        90,
        "short_answer",
        "Japanese characters originally\ncame from what country?",
        name="Kanji Origins",
        data=accepted(("China", 1.0, "")),
    ),
    q(
        93,
        "single_choice",
        f"The American holiday of Thanksgiving is\ncelebrated on the {BLANK} Thursday of November.",
        name="Thanksgiving Date",
        choices=THANKSGIVING_MC,
    ),
    # Feedback.
    q(
        98,
        "single_choice",
        "What's the answer to this multiple-choice question?",
        choices=[
            choice("wrong answer", 0.0, "feedback comment on the wrong answer"),
            choice(
                "another wrong answer", 0.0, "feedback comment on this wrong answer"
            ),
            choice("right answer", 1.0, "Very good!"),
        ],
    ),
    q(
        103,
        "short_answer",
        GRANT,
        data=accepted(
            ("no one", 1.0, "excellent answer!"), ("nobody", 1.0, "excellent answer!")
        ),
    ),
    # Text format.
    q(
        108,
        "short_answer",
        "Who's buried in **Grant's tomb**?",
        fmt="markdown",
        data=accepted(
            ("no one", 1.0, "excellent answer!"), ("nobody", 1.0, "excellent answer!")
        ),
    ),
    # Percentage weights.
    q(
        113,
        "true_false",
        BURIED,
        choices=true_false(False, wrong_feedback="No one is buried in Grant's tomb."),
    ),
    q(
        115,
        "single_choice",
        "Difficult question.",
        choices=[
            choice("wrong answer"),
            choice("half credit answer", 0.5),
            choice("full credit answer", 1.0),
        ],
    ),
    q(
        117,
        "single_choice",
        f"Jesus Christ was from {BLANK}.",
        name="Jesus' hometown",
        choices=[
            choice(
                "Jerusalem", 0.0, "This was an important city, but the wrong answer."
            ),
            choice("Bethlehem", 0.25, "He was born here, but not raised here."),
            choice("Galilee", 0.5, "You need to be more specific."),
            choice("Nazareth", 1.0, "Yes! That's right!"),
        ],
    ),
    q(
        123,
        "short_answer",
        "Jesus Christ was from",
        name="Jesus' hometown",
        data=JESUS_SA,
    ),
    # Multiple answers.
    q(
        130,
        "multiple_response",
        TWO_PEOPLE,
        choices=[
            choice("No one"),
            choice("Grant", 0.5),
            choice("Grant's wife", 0.5),
            choice("Grant's father"),
        ],
    ),
    q(
        136,
        "multiple_response",
        TWO_PEOPLE,
        choices=[
            choice("No one", -0.5),
            choice("Grant", 0.5),
            choice("Grant's wife", 0.5),
            choice("Grant's father", -0.5),
        ],
    ),
    # Special characters.
    q(
        143,
        "single_choice",
        "Which answer equals 5?",
        choices=[choice("= 2 + 2"), choice("= 2 + 3", 1.0), choice("= 2 + 4")],
    ),
    q(
        148,
        "single_choice",
        "Which of the following is NOT a control character for the GIFT import format?",
        name="GIFT Control Characters",
        choices=[
            choice("~", 0.0, "~ is a control character."),
            choice("=", 0.0, "= is a control character."),
            choice("#", 0.0, "# is a control character."),
            choice("{", 0.0, "{ is a control character."),
            choice("}", 0.0, "} is a control character."),
            choice(
                "\\",
                1.0,
                # Moodle trims only the ends: the continuation lines keep their indent.
                "Correct! \\ (backslash) is not a control character. BUT,\n"
                "              it is used to escape the control characters. So, to specify\n"
                "              a literal backslash, you must escape it with a backslash\n"
                "              (as shown in this example).",
            ),
        ],
    ),
    # Examples from gift/format.php.
    q(167, "single_choice", GRANT, choices=GRANT_MC),
    q(169, "single_choice", ENTOMBED, choices=ENTOMBED_MC),
    q(171, "true_false", BURIED, choices=true_false(False)),
    q(173, "short_answer", GRANT, data=NO_ONE),
    q(175, "numeric", BORN, data=numeric(number(1822, 5))),
    q(
        177,
        "matching",
        "Match the following countries with their corresponding\ncapitals.",
        data=matching(("Canada", "Ottawa"), ("Italy", "Rome"), ("Japan", "Tokyo")),
    ),
    # More complicated examples.
    q(
        184,
        "single_choice",
        ENTOMBED,
        name="Grant's Tomb",
        choices=[
            choice("buried", 0.0, "No one is buried there."),
            choice("entombed", 1.0, "Right answer!"),
            choice("living", 0.0, "We hope not!"),
        ],
    ),
    q(
        190,
        "single_choice",
        "Difficult multiple choice question.",
        choices=[
            choice("wrong answer", 0.0, "comment on wrong answer"),
            choice("half credit answer", 0.5, "comment on answer"),
            choice("full credit answer", 1.0, "well done!"),
        ],
    ),
    q(
        195,
        "short_answer",
        f"Jesus Christ was from {BLANK}.",
        name="Jesus' hometown (Short answer ex.)",
        data=JESUS_SA,
    ),
    q(
        202,
        "numeric",
        BORN,
        name="Numerical example",
        data=numeric(
            number(1822, 0, 1.0, "Correct! 100% credit"),
            number(
                1822,
                2,
                0.5,
                "He was born in 1822.\n                  "
                "You get 50% credit for being close.",
            ),
        ),
    ),
]

SPECTRUM = "What's between orange and green in the spectrum?"

EXPECTED_FIXTURE = [
    q(2, "essay", "How are you?", name="Q8", data={"rubric": "", "min_words": 0}),
    q(
        5,
        "matching",
        "Match the <b>activity</b> to the description.",
        name="Moodle activities",
        fmt="html",
        data=matching(
            ("An activity supporting asynchronous discussions.", "Forum"),
            (
                "A teacher asks a question and specifies a choice of multiple responses.",
                "Choice",
            ),
            ("A bank of record entries which participants can add to.", "Database"),
            ("A collection of web pages that anyone can add to or edit.", "Wiki"),
            distractors=["Chat"],
        ),
    ),
    q(
        14,
        "single_choice",
        SPECTRUM,
        name="Q2",
        choices=[
            choice("yellow", 1.0, "right; good!"),
            choice("red", 0.0, "wrong, it's yellow"),
            choice("blue", 0.0, "wrong, it's yellow"),
        ],
    ),
    q(
        22,
        "multiple_response",
        SPECTRUM,
        name="colours",
        choices=[
            choice("yellow", 0.5, "right; good!"),
            choice("red", -1.0, "wrong"),
            choice("off-beige", 0.5, "right; good!"),
            choice("blue", -1.0, "wrong"),
        ],
    ),
    # The file's stray `";` after the braces makes these missing-word questions, as in
    # Moodle, which imports that text after the blank.
    q(
        31,
        "numeric",
        f'What is a number from 1 to 5? {BLANK}";',
        name="Q5",
        data=numeric(number(3, 2), feedback_wrong="Completely wrong"),
    ),
    q(
        34,
        "short_answer",
        "Which is the best animal?",
        name="Shortanswer",
        data=accepted(
            ("Frog", 1.0, "Good!"),
            ("Cat", 0.5, "What is it with Moodlers and cats?"),
            feedback_wrong="Completely wrong",
        ),
    ),
    q(
        41,
        "true_false",
        f'42 is the Absolute Answer to everything.{BLANK}";',
        name="Q1",
        general="This is, of course, a Hitchiker's Guide to the Galaxy reference.",
        choices=true_false(
            False,
            wrong_feedback="42 is the Ultimate Answer.",
            right_feedback="You gave the right answer.",
        ),
    ),
    q(46, "true_false", "TSL is blablabla.", name="2-08 TSL", choices=true_false(True)),
    q(49, "true_false", "TSL is blablabla.", name="2-08 TSL", choices=true_false(True)),
]


def without_line(questions):
    return [{k: v for k, v in q.items() if k != "line"} for q in questions]


FORMAT_KEYS = {"text_format", "feedback_format", "prompt_format"}
NEW_KEYS = {"general_feedback_format", "category_info", "idnumber", "tags", "moodle"}


def _without_formats(value):
    if isinstance(value, dict):
        return {
            k: _without_formats(v) for k, v in value.items() if k not in FORMAT_KEYS
        }
    if isinstance(value, list):
        return [_without_formats(item) for item in value]
    return value


def as_dicts(questions):
    """The questions as the tables below spell them: formats are pinned separately."""
    rows = []
    for question in questions:
        row = question.to_dict()
        for key in NEW_KEYS:
            row.pop(key)
        row["choices"] = _without_formats(row["choices"])
        row["data"] = _without_formats(row["data"])
        rows.append(row)
    return rows


# ---------------------------------------------------------------- Moodle's files


@pytest.mark.parametrize(
    ("path", "expected"),
    [(EXAMPLES, EXPECTED_EXAMPLES), (FIXTURE, EXPECTED_FIXTURE)],
    ids=["examples", "fixture"],
)
def test_moodle_file_parses_question_by_question(path, expected):
    parsed = as_dicts(parse(path.read_text(encoding="utf-8")))

    assert len(parsed) == len(expected)
    for got, want in zip(parsed, expected, strict=True):
        assert got == want, f"question at line {want['line']}"


def test_every_parsed_kind_is_a_question_kind():
    questions = parse(EXAMPLES.read_text()) + parse(FIXTURE.read_text())

    assert {q.kind for q in questions} <= set(Question.Kind.values)
    assert {q.kind for q in questions} == {
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "numeric",
        "matching",
        "essay",
    }


# ---------------------------------------------------------------- single forms


def test_true_false_feedback_goes_wrong_then_right_for_true():
    [question] = parse("Water is wet.{TRUE#Think again.#Indeed.}")

    assert _without_formats(question.choices) == [
        choice("True", 1.0, "Indeed."),
        choice("False", 0.0, "Think again."),
    ]


@pytest.mark.parametrize("word", ["T", "TRUE", "F", "FALSE"])
def test_every_true_false_spelling_is_read(word):
    [question] = parse(f"Statement.{{{word}}}")

    assert question.kind == "true_false"
    assert question.choices[0]["credit"] == (1.0 if word.startswith("T") else 0.0)


def test_category_applies_to_the_questions_after_it():
    text = (
        "$CATEGORY: $course$/top/Migration\n\nOne? {=a ~b}\n\n"
        "$CATEGORY: Other\nTwo? {T}\n"
    )

    first, second = parse(text)

    assert (first.category, first.line) == ("$course$/top/Migration", 3)
    assert (second.category, second.line) == ("Other", 6)


def test_escapes_and_newline_escape_are_read_everywhere():
    text = r"::a\:b::Price \{in \$\} \= 5\n\~ ok? {=yes\#1 #fine\\ ~no}"

    [question] = parse(text)

    assert question.name == "a:b"
    assert question.prompt == "Price {in \\$} = 5\n~ ok?"
    assert _without_formats(question.choices[0]) == choice("yes#1", 1.0, "fine\\")


def test_formats_on_answers_and_feedback_are_kept():
    [question] = parse("[plain]Pick {=[html]<b>a</b>#[markdown]*yes* ~[moodle]b#no}")

    assert question.prompt_format == "plain"
    assert [
        (c["text"], c["text_format"], c["feedback"], c["feedback_format"])
        for c in question.choices
    ] == [("<b>a</b>", "html", "*yes*", "markdown"), ("b", "moodle", "no", "plain")]


def test_one_full_answer_with_a_penalty_is_multiple_response():
    [question] = parse("Pick {=a ~%-50%b ~c}")

    assert question.kind == "multiple_response"


def test_weights_without_an_equals_sign_are_multiple_response():
    [question] = parse("Pick {~%100%a ~b}")

    assert question.kind == "multiple_response"
    assert [c["credit"] for c in question.choices] == [1.0, 0.0]


def test_fractional_weights_become_exact_fractions():
    [question] = parse("Pick three {~%33.333%a ~%33.333%b ~%33.334%c ~d}")

    assert [c["credit"] for c in question.choices] == [0.33333, 0.33333, 0.33334, 0.0]


def test_essay_with_general_feedback():
    [question] = parse("::E::Explain the tradeoff. {####Look for both sides.}")

    assert question.kind == "essay"
    assert question.general_feedback == "Look for both sides."
    assert question.data == {"rubric": "", "min_words": 0}


def test_numeric_range_with_negative_ends_and_weights():
    [question] = parse("Below zero? {#=-5..-3 =%50%-10..-1#close ~#no}")

    assert _without_formats(question.data) == numeric(
        span(-5, -3), span(-10, -1, 0.5, "close"), feedback_wrong="no"
    )


# ---------------------------------------------------------------- refusals


def refused(text):
    with pytest.raises(GiftError) as caught:
        parse(text)
    return caught.value


def test_unclosed_brace_is_refused_at_its_line():
    error = refused("One? {=a ~b}\n\n// two\nTwo? {\n  ~a\n  =b\n\nThree? {=c ~d}\n")

    assert error.line == 4
    assert "unclosed brace" in str(error)
    assert str(error).startswith("line 4: ")


def test_weight_over_100_percent_is_refused_at_the_answer_line():
    error = refused("One? {=a ~b}\n\nTwo? {\n  ~a\n  ~%150%b\n  =c\n}\n")

    assert error.line == 5
    assert "150%" in error.message
    assert "-100% to 100%" in error.message


def test_weight_under_minus_100_percent_is_refused():
    assert refused("Two? {=a ~%-150%b}").line == 1


def test_empty_answer_list_is_refused_at_the_brace():
    error = refused("One? {=a ~b}\n\nTwo? {\n~\n}\n")

    assert error.line == 3
    assert "empty answer list" in error.message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("One? {=a ~b}\nTwo? {=c ~d}", 2, "blank line before the next question"),
        ("One? {=a ~b} then }", 1, "blank line before the next question"),
        ("One? {=a ~b}\n::Two:: text", 2, "blank line before the next question"),
        ("\n[foo]One? {=a ~b}", 2, "unknown text format [foo]"),
        ("One? {=a\n~[htm]b}", 2, "unknown text format [htm]"),
        ("One? {=}", 1, "empty answer list"),
        ("One? {#}", 1, "empty answer list"),
        ("One? {~a ~b}", 1, "right answer"),
        ("One? {=a}\n\n::Name Two? {=b}", 3, "'::'"),
        ("Just text", 1, "answer block"),
        ("One } {=a}", 1, "unexpected '}'"),
        ("One {=a {~b}", 1, "unexpected '{'"),
        ("One? {#abc}", 1, "expected a number"),
        ("One? {#5..3}", 1, "low end"),
        ("One? {yes =a}", 1, "'='"),
        ("One? {true}", 1, "T or F"),
        ("One? {=a -> b}", 1, "two 'prompt -> answer' pairs"),
        ("One? {=a -> b =c}", 1, "'prompt -> answer'"),
        ("One? {~% 50%a =b}", 1, "malformed answer weight"),
    ],
)
def test_broken_question_is_refused_with_its_line(text, line, words):
    error = refused(text)

    assert error.line == line
    assert words in error.message


# ---------------------------------------------------------------- export


def sample_questions():
    """One question of every kind GIFT can express, with everything GIFT carries."""
    base = {"points": 1.0, "category": "Unit 1", "line": 0, "prompt_format": "moodle"}
    return [
        {
            **base,
            "name": "Borders: {what} & #1",
            "prompt": "Which policy ~ trades security = rights?\nPick one.",
            "kind": "single_choice",
            "general_feedback": "Both values matter.",
            "choices": [
                choice("Closed borders", 0.0, "Costs rights."),
                choice("Managed migration", 1.0, "Balances both."),
                choice("%50 quotas", 0.5, "Partly."),
                choice("[Open] borders\\", 0.0, ""),
            ],
            "data": {},
        },
        {
            **base,
            "name": "",
            "prompt": "Which are remittance effects?",
            "kind": "multiple_response",
            "general_feedback": "",
            "choices": [
                choice("Income for families", 0.5, "Yes."),
                choice("Investment at home", 0.5, ""),
                choice("Brain gain", -0.5, "No: brain drain."),
                choice("Nothing", -1.0, ""),
            ],
            "data": {},
        },
        {
            **base,
            "name": "TF",
            "prompt": "Sovereignty rules out cooperation.",
            "kind": "true_false",
            "general_feedback": "See section 4.",
            "choices": true_false(False, "States cooperate.", "Right."),
            "data": {},
        },
        {
            **base,
            "category": "Unit 2",
            "name": "TF right only",
            "prompt": "Remittances exceed aid.",
            "kind": "true_false",
            "general_feedback": "",
            "choices": true_false(True, "", "Yes, by far."),
            "data": {},
        },
        {
            **base,
            "category": "Unit 2",
            "name": "Blank",
            "prompt": f"People who leave are called {BLANK} by the home country.",
            "kind": "short_answer",
            "general_feedback": "",
            "choices": [],
            "data": accepted(
                ("emigrants", 1.0, "Yes."),
                ("emig*", 0.5, "Spelling?"),
                ("migrants", 0.25, ""),
                feedback_wrong="No: emigrants.",
            ),
        },
        {
            **base,
            "category": "Unit 2",
            "name": "Year",
            "prompt": "In what year was the Refugee Convention signed?",
            "kind": "numeric",
            "general_feedback": "Geneva, 1951.",
            "choices": [],
            "data": numeric(
                number(1951, 0, 1.0, "Exactly."),
                number(1951, 2, 0.5, ""),
                span(1940.5, 1960.25, 0.25, "Right decade or so."),
                feedback_wrong="Look it up.",
            ),
        },
        {
            **base,
            "category": "Unit 2",
            "name": "Capitals",
            "prompt": "Match the country to its capital.",
            "prompt_format": "html",
            "kind": "matching",
            "general_feedback": "",
            "choices": [],
            "data": matching(
                ("Canada", "Ottawa"), ("<i>Italy</i>", "Rome"), distractors=["Paris"]
            ),
        },
        {
            **base,
            "category": "Unit 2",
            "name": "Essay",
            "prompt": "Argue both sides of burden sharing.",
            "prompt_format": "markdown",
            "kind": "essay",
            "general_feedback": "Two sides, evidence.",
            "choices": [],
            "data": {"rubric": "", "min_words": 0},
        },
    ]


def test_round_trip_keeps_every_expressible_kind():
    questions = sample_questions()

    text, warnings = gift.export(questions)

    assert warnings == []
    assert without_line(as_dicts(parse(text))) == without_line(questions)


@pytest.mark.parametrize("path", [EXAMPLES, FIXTURE], ids=["examples", "fixture"])
def test_round_trip_of_moodle_files(path):
    questions = as_dicts(parse(path.read_text()))

    text, warnings = gift.export(questions)

    assert warnings == []
    assert without_line(as_dicts(parse(text))) == without_line(questions)


def test_export_writes_moodle_style_gift():
    text, _warnings = gift.export(sample_questions()[:1])

    assert text == (
        "$CATEGORY: Unit 1\n\n"
        "::Borders\\: \\{what\\} & \\#1::Which policy \\~ trades security \\= rights?"
        "\\nPick one. {\n"
        "\t~Closed borders#Costs rights.\n"
        "\t=Managed migration#Balances both.\n"
        "\t~%50%%50 quotas#Partly.\n"
        "\t~[moodle][Open] borders\\\\\n"
        "\t####Both values matter.\n"
        "}\n"
    )


def test_export_skips_ordering_and_tradeoff_questions_with_a_warning_each():
    kept = sample_questions()[2]
    skipped = [
        {**kept, "name": "Order", "kind": "ordering", "choices": [], "data": {}},
        {
            **kept,
            "name": "",
            "prompt": "Split 100 points.",
            "kind": "tradeoff_allocation",
        },
        {**kept, "name": "Scale", "kind": "tradeoff_position"},
    ]

    text, warnings = gift.export([skipped[0], kept, *skipped[1:]])

    assert [q.name for q in parse(text)] == ["TF"]
    assert len(warnings) == 3
    assert "“Order”" in warnings[0] and "ordering" in warnings[0]
    assert "“Split 100 points.”" in warnings[1]
    assert "“Scale”" in warnings[2]


def test_export_warns_about_what_gift_cannot_carry():
    essay = {
        **sample_questions()[-1],
        "points": 3,
        "data": {"rubric": "R", "min_words": 50},
    }

    text, warnings = gift.export([essay])

    assert len(warnings) == 2
    assert any("rubric" in warning for warning in warnings)
    assert any("3 points" in warning for warning in warnings)
    assert parse(text)[0].kind == "essay"


def test_round_trip_keeps_texts_that_look_like_gift_syntax():
    base = sample_questions()[2]
    questions = [
        {**base, "name": "", "prompt": "[Note] this looks like a format tag."},
        {**base, "name": "", "prompt": "// this looks like a comment"},
        {**base, "name": "", "prompt": f"The answer ends the sentence: {BLANK}"},
        {**base, "name": "", "prompt": f"{BLANK} starts the sentence."},
        {**base, "name": "::odd::", "prompt": "$CATEGORY: not one\\n{}#=~"},
        {
            **sample_questions()[1],
            "choices": [
                choice("%1 of people", 1 / 3),
                choice("[b] two", 1 / 3),
                choice("three", 1 / 3),
                choice("none"),
            ],
        },
        {
            **sample_questions()[5],
            "data": numeric(number(1e-07, 2.5e-08), span(-1.5, 1e20, 0.5)),
        },
    ]

    text, warnings = gift.export(questions)

    assert warnings == []
    assert without_line(as_dicts(parse(text))) == without_line(questions)
