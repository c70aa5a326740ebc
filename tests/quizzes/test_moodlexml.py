"""Moodle XML read and written as plain data, against a file written to MoodleDocs."""

from pathlib import Path

import pytest

from quizzes import moodlexml
from quizzes.moodlexml import MoodleXmlError

FILES = Path(__file__).resolve().parent / "moodlexml_files"
EVERY_KIND = (FILES / "every_kind.xml").read_bytes()


def parsed(data=EVERY_KIND):
    questions, files = moodlexml.parse(data, media_prefix="/media/")
    return {q.name: q for q in questions}, files


def wrap(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{body}\n</quiz>\n'


def question_xml(qtype: str, inner: str = "") -> str:
    return (
        f'  <question type="{qtype}">\n'
        "    <name><text>Q</text></name>\n"
        '    <questiontext format="html"><text>Q?</text></questiontext>\n'
        f"{inner}\n  </question>"
    )


def refused(data) -> MoodleXmlError:
    with pytest.raises(MoodleXmlError) as caught:
        moodlexml.parse(data)
    return caught.value


def test_every_shared_kind_is_read_with_its_moodle_line():
    questions, _files = moodlexml.parse(EVERY_KIND)

    assert [(q.line, q.kind) for q in questions] == [
        (15, "single_choice"),
        (67, "multiple_response"),
        (93, "true_false"),
        (111, "short_answer"),
        (134, "numeric"),
        (164, "matching"),
        (190, "essay"),
        (215, "ordering"),
    ]


def test_category_path_and_info_reach_every_question_after_it():
    questions, _files = moodlexml.parse(EVERY_KIND)

    assert {q.category for q in questions} == {"$course$/top/Migration basics"}
    assert questions[0].category_info == "Questions on the essay's first sections."


def test_header_fields_name_points_idnumber_tags_general_feedback():
    by_name, _files = parsed()
    q = by_name["Remittances"]

    assert (q.points, q.idnumber) == (2.0, "REM-1")
    assert q.tags == ["remittances-brain-drain", "economics"]
    assert (q.general_feedback, q.general_feedback_format) == (
        "See *section 3*.",
        "markdown",
    )


def test_text_formats_are_kept_on_prompt_choices_and_feedback():
    by_name, _files = parsed()
    q = by_name["Remittances"]

    assert q.prompt_format == "html"
    assert [(c["text_format"], c["feedback_format"]) for c in q.choices] == [
        ("html", "html"),
        ("plain", "moodle"),
    ]
    pairs = by_name["Pairs"].data["pairs"]
    assert [p["prompt_format"] for p in pairs] == ["html", "markdown"]


def test_embedded_image_becomes_a_media_file_the_prompt_points_at():
    by_name, files = parsed()

    [image] = files
    assert (image.name, image.content) == ("chart one.png", b"\x89PNG\r\n\x1a\n")
    assert f'src="/media/question-media/{image.digest}/chart%20one.png"' in (
        by_name["Remittances"].prompt
    )


def test_combined_feedback_hints_and_penalty_are_kept_for_export():
    by_name, _files = parsed()
    moodle = by_name["Remittances"].moodle

    assert moodle["options"]["penalty"] == "0.3333333"
    assert moodle["texts"]["correctfeedback"] == {
        "text": "Your answer is correct.",
        "format": "html",
    }
    assert moodle["hints"] == [
        {
            "text": "Think of households.",
            "format": "html",
            "shownumcorrect": True,
            "clearwrong": True,
        }
    ]


def test_thirds_add_up_to_one_and_penalties_stay():
    by_name, _files = parsed()

    credits = [c["credit"] for c in by_name["Three thirds"].choices]
    assert credits == [0.33334, 0.33333, 0.33333, -1.0]


def test_true_false_reads_the_right_answer_and_both_feedbacks():
    by_name, _files = parsed()

    assert [
        (c["text"], c["credit"], c["feedback"]) for c in by_name["Borders"].choices
    ] == [("True", 0.0, "No border is fully closed."), ("False", 1.0, "Right.")]


def test_short_answer_star_is_the_feedback_for_any_other_answer():
    by_name, _files = parsed()
    data = by_name["Treaty"].data

    assert [(a["text"], a["credit"]) for a in data["answers"]] == [
        ("1951 Refugee Convention", 1.0),
        ("Geneva*", 0.5),
    ]
    assert data["feedback_wrong"] == "Look at section 5."


def test_numerical_keeps_tolerances_and_units():
    by_name, _files = parsed()
    q = by_name["Share"]

    assert [(a["value"], a["tolerance"], a["credit"]) for a in q.data["answers"]] == [
        (3.6, 0.2, 1.0),
        (4, 1, 0.5),
    ]
    assert q.moodle["units"] == [{"multiplier": "1", "unit_name": "%"}]


def test_matching_subquestion_without_text_is_a_distractor():
    by_name, _files = parsed()

    assert by_name["Pairs"].data["distractors"] == ["Tourism"]


def test_essay_takes_grader_info_as_rubric_and_min_words_and_keeps_indentation():
    by_name, _files = parsed()
    q = by_name["Duty"]

    assert q.data == {
        "rubric": "Both sides, one reply to an objection.",
        "min_words": 150,
    }
    assert q.prompt.endswith("\n\n    indented code stays")


def test_ordering_items_follow_the_fraction_order():
    by_name, _files = parsed()

    assert [i["text"] for i in by_name["Stages"].data["items"]] == [
        "Departure",
        "Transit",
        "Arrival",
    ]


def test_broken_xml_is_refused_naming_the_line():
    error = refused(wrap(question_xml("truefalse", "    <answer fraction='100'>")))

    assert error.line == 7
    assert "not well-formed" in error.message


def test_unknown_kind_is_refused_by_name_and_line():
    error = refused(wrap(question_xml("essay") + "\n" + question_xml("calculated")))

    assert error.line == 8
    assert "calculated" in error.message


@pytest.mark.parametrize(
    ("qtype", "words"), [("multianswer", "Cloze"), ("description", "description")]
)
def test_cloze_and_description_are_refused_with_a_reason(qtype, words):
    error = refused(wrap(question_xml(qtype)))

    assert error.line == 3
    assert words in error.message


def test_entities_and_dtds_are_refused():
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaa">]>\n'
        "<quiz>&a;</quiz>\n"
    )

    assert "refused" in refused(bomb).message


def test_a_root_other_than_quiz_is_refused():
    assert "<quiz>" in refused("<questions/>").message


def test_a_reference_to_a_missing_file_is_refused():
    inner = (
        '    <generalfeedback format="html">'
        '<text>&lt;img src="@@PLUGINFILE@@/gone.png"&gt;</text></generalfeedback>'
    )
    error = refused(wrap(question_xml("essay", inner)))

    assert "gone.png" in error.message


def _comparable(questions):
    return [{**q.to_dict(), "line": 0} for q in questions]


def test_export_then_parse_gives_back_the_same_questions_and_files():
    questions, files = moodlexml.parse(EVERY_KIND, media_prefix="/media/")
    stored = {media.path: media.content for media in files}

    text, warnings = moodlexml.export(
        questions, media_prefix="/media/", load_media=stored.get
    )
    again, files_again = moodlexml.parse(text, media_prefix="/media/")

    assert warnings == []
    assert _comparable(again) == _comparable(questions)
    assert files_again == files


def test_export_writes_what_moodles_exporter_writes():
    questions, _files = moodlexml.parse(EVERY_KIND)

    text, _warnings = moodlexml.export(questions)

    assert '<answer fraction="33.334" format="moodle_auto_format">' in text
    assert "<text><![CDATA[<b>Remittances</b>]]></text>" in text
    assert "<defaultgrade>2.0000000</defaultgrade>" in text
    assert "<shownumcorrect/>" in text


def test_export_of_our_question_gets_moodles_defaults_and_skips_tradeoffs():
    ours = {
        "name": "Mine",
        "prompt": "Pick",
        "prompt_format": "markdown",
        "kind": "single_choice",
        "points": 1,
        "choices": [
            {"text": "a", "credit": 1.0, "feedback": ""},
            {"text": "b", "credit": 0.0, "feedback": ""},
        ],
        "data": {},
    }
    tradeoff = {"name": "T", "prompt": "Split", "kind": "tradeoff_allocation"}

    text, warnings = moodlexml.export([ours, tradeoff])

    assert (
        "<single>true</single>" in text
        and "<answernumbering>abc</answernumbering>" in text
    )
    assert '<questiontext format="markdown">' in text
    assert len(warnings) == 1 and "T" in warnings[0]


def test_a_short_file_name_is_linked_whole():
    inner = (
        '    <generalfeedback format="html">'
        '<text>&lt;img src="@@PLUGINFILE@@/a"&gt;</text>'
        '<file name="a" path="/" encoding="base64">AAAA</file></generalfeedback>'
    )
    [question], [media] = moodlexml.parse(wrap(question_xml("essay", inner)))

    assert question.general_feedback == (
        f'<img src="@@MEDIA@@/question-media/{media.digest}/a">'
    )
