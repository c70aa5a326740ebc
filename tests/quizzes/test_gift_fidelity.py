"""GIFT without loss: inner whitespace, text formats everywhere, [id:] and [tag:]."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from courses.models import Course, Tradeoff
from quizzes import gift, services
from quizzes.gift import parse
from quizzes.models import Question

GIFT_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "gift"


def test_prompt_keeps_inner_indentation_and_trims_only_the_ends():
    # A blank line ends a question in GIFT; \n writes one inside a text.
    text = "[markdown]  Read:\\n\n    indented code\n      deeper\nThen answer. {T}"

    [question] = parse(text)

    assert question.prompt == "Read:\n\n    indented code\n      deeper\nThen answer."


def test_pre_block_keeps_its_layout():
    text = "[html]<pre>\nif x:\n    y()\n</pre> {}"

    [question] = parse(text)

    assert question.prompt == "<pre>\nif x:\n    y()\n</pre>"


def test_general_feedback_and_true_false_feedback_keep_their_formats():
    [question] = parse("[html]<p>Wet?</p>{T#[plain]no#[markdown]*yes*####[moodle]see}")

    assert (question.general_feedback, question.general_feedback_format) == (
        "see",
        "moodle",
    )
    assert [(c["feedback"], c["feedback_format"]) for c in question.choices] == [
        ("*yes*", "markdown"),
        ("no", "plain"),
    ]


def test_short_answer_and_numeric_feedback_keep_their_formats():
    short, number = parse(
        "Capital? {=Paris#[html]<b>yes</b>}\n\nYear? {#1822#[markdown]*yes*}"
    )

    assert short.data["answers"][0]["feedback_format"] == "html"
    assert number.data["answers"][0]["feedback_format"] == "markdown"


def test_matching_prompts_keep_their_formats():
    [question] = parse("[html]Match {=[markdown]*a* -> 1 =b -> 2}")

    assert [p["prompt_format"] for p in question.data["pairs"]] == ["markdown", "html"]


def test_id_and_tags_are_read_from_the_comment_lines():
    text = (
        "// [id:MIG-1] [tag:remittances-brain-drain]\n"
        "// [tag:econ\\]omics] a comment\n"
        "::Q::Pick {=a ~b}\n\n"
        "No comment {T}\n"
    )

    first, second = parse(text)

    assert first.idnumber == "MIG-1"
    assert first.tags == ["remittances-brain-drain", "econ]omics"]
    assert (second.idnumber, second.tags) == ("", [])


def test_export_writes_id_and_tags_as_moodle_does_and_reads_them_back():
    [question] = parse("// [id:A]1] [tag:x]\n::Q::Pick {=a ~b}")
    question.idnumber = "A]1"

    text, warnings = gift.export([question])

    assert text.startswith("// [id:A\\]1] [tag:x]\n::Q::")
    [again] = parse(text)
    assert (again.idnumber, again.tags) == ("A]1", ["x"])
    assert warnings == []


def test_export_writes_a_format_only_where_it_differs_from_the_prompts():
    [question] = parse("[html]<p>Pick</p> {=[plain]a<b #[markdown]*yes* ~b}")

    text, _warnings = gift.export([question])

    assert "=[plain]a<b#[markdown]*yes*" in text
    assert "~b\n" in text
    assert parse(text)[0].to_dict() | {"line": 0} == question.to_dict() | {"line": 0}


@pytest.mark.parametrize(
    "name", ["moodle-examples.gift", "moodle-fixture-questions.gift"]
)
def test_moodles_files_survive_export_and_reparse_unchanged(name):
    questions = parse((GIFT_DIR / name).read_text(encoding="utf-8"))

    text, _warnings = gift.export(questions)

    again = parse(text)
    assert [q.to_dict() | {"line": 0} for q in again] == [
        q.to_dict() | {"line": 0} for q in questions
    ]


@pytest.mark.django_db
def test_import_stores_formats_idnumber_and_tags_and_export_gives_them_back(tmp_path):
    Course.objects.create(slug="migration", title="Global migration")
    tradeoff = Tradeoff.objects.create(
        slug="security-rights", left_value="Security", right_value="Rights"
    )
    source = tmp_path / "bank.gift"
    source.write_text(
        "$CATEGORY: $course$/top/Borders\n\n"
        "// [id:B-1] [tag:security-rights] [tag:borders]\n"
        "::Walls::[html]<p>Do walls stop migration?</p>"
        "{~[plain]Always#[markdown]*No*. =Rarely####[moodle]See section 2.}\n",
        encoding="utf-8",
    )

    call_command(
        "import_questions", str(source), "--course", "migration", stdout=StringIO()
    )

    question = Question.objects.get(name="Walls")
    assert (question.idnumber, question.prompt_format) == ("B-1", "html")
    assert question.explanation_format == "moodle"
    assert list(question.tradeoffs.all()) == [tradeoff]
    choice = question.choices.get(text="Always")
    assert (choice.text_format, choice.feedback_format) == ("plain", "markdown")

    text, _warnings = services.export_quiz_gift(quiz=question.quiz)

    assert "// [id:B-1] [tag:borders] [tag:security-rights]\n::Walls::[html]" in text
    assert "~[plain]Always#[markdown]*No*." in text
    assert "####[moodle]See section 2." in text


def test_equals_in_a_choice_question_is_full_credit_and_the_rest_is_text():
    # Moodle reads no weight after '=' among choices: '=%50%a' is the answer "%50%a".
    [question] = parse("Pick {=%50%a ~b}")

    assert question.kind == "single_choice"
    assert [(c["text"], c["credit"]) for c in question.choices] == [
        ("%50%a", 1.0),
        ("b", 0.0),
    ]
