"""Moodle XML into quizzes and back: the commands, tags, ID numbers, media, all or nothing."""

import time
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from courses.models import Course, Tradeoff
from quizzes import moodlexml, services
from quizzes.models import Choice, Question, QuestionTag, Quiz

FILES = Path(__file__).resolve().parent / "moodlexml_files"
EVERY_KIND = FILES / "every_kind.xml"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def course():
    return Course.objects.create(slug="migration", title="Global migration")


def run(command, *args):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts():
    return (
        Quiz.objects.count(),
        Question.objects.count(),
        Choice.objects.count(),
        QuestionTag.objects.count(),
    )


def test_import_questions_reads_xml_by_its_extension(course):
    out, _err = run("import_questions", str(EVERY_KIND), "--course", "migration")

    quiz = Quiz.objects.get(course=course, slug="migration-basics")
    assert quiz.title == "Migration basics" and not quiz.published
    assert "Created the quiz" in out
    assert list(quiz.questions.values_list("kind", flat=True)) == [
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "numeric",
        "matching",
        "essay",
        "ordering",
    ]


def test_formats_points_idnumber_and_feedback_land_on_the_rows(course):
    run("import_questions", str(EVERY_KIND), "--course", "migration")

    question = Question.objects.get(name="Remittances")
    assert (question.prompt_format, question.explanation_format) == ("html", "markdown")
    assert (question.points, question.idnumber) == (2, "REM-1")
    assert [
        (c.text_format, c.feedback_format)
        for c in question.choices.order_by("position")
    ] == [("html", "html"), ("plain", "moodle")]


def test_tags_become_question_tags_and_a_tradeoff_slug_links_the_tradeoff(course):
    tradeoff = Tradeoff.objects.create(
        slug="remittances-brain-drain",
        left_value="Remittances",
        right_value="Brain drain",
    )

    run("import_questions", str(EVERY_KIND), "--course", "migration")

    question = Question.objects.get(name="Remittances")
    assert sorted(question.tags.values_list("name", flat=True)) == [
        "economics",
        "remittances-brain-drain",
    ]
    assert list(question.tradeoffs.all()) == [tradeoff]


def test_embedded_image_is_stored_as_media_and_the_prompt_points_at_it(
    course, media_root
):
    run("import_questions", str(EVERY_KIND), "--course", "migration")

    prompt = Question.objects.get(name="Remittances").prompt
    [stored] = list((media_root / "question-media").glob("*/chart one.png"))
    assert stored.read_bytes() == b"\x89PNG\r\n\x1a\n"
    assert f"/quizzes/question-media/{stored.parent.name}/chart%20one.png" in prompt


def test_dry_run_shows_the_preview_and_saves_nothing(course, media_root):
    out, _err = run(
        "import_questions", str(EVERY_KIND), "--course", "migration", "--dry-run"
    )

    assert "Would create the quiz “Migration basics”" in out
    assert "line   15  single_choice" in out
    assert counts() == (0, 0, 0, 0)
    assert not media_root.exists()


def test_broken_file_names_file_and_line_and_changes_nothing(course, tmp_path, capsys):
    broken = tmp_path / "broken.xml"
    text = EVERY_KIND.read_text(encoding="utf-8")
    broken.write_text(text.replace("</tags>", "", 1), encoding="utf-8")

    with pytest.raises(SystemExit) as exited:
        call_command("import_questions", str(broken), "--course", "migration")

    assert exited.value.code == 1
    assert capsys.readouterr().err.startswith(f"{broken}:65: not well-formed XML")
    assert counts() == (0, 0, 0, 0)


def test_ungradable_question_late_in_the_file_saves_nothing(course, tmp_path, capsys):
    broken = tmp_path / "late.xml"
    text = EVERY_KIND.read_text(encoding="utf-8")
    # The ordering question, last in the file, loses all but one item.
    text = text.replace(
        '<answer fraction="2" format="moodle_auto_format"><text>Transit</text></answer>',
        "",
    )
    text = text.replace(
        '<answer fraction="3" format="moodle_auto_format"><text>Arrival</text></answer>',
        "",
    )
    broken.write_text(text, encoding="utf-8")

    with pytest.raises(SystemExit):
        call_command("import_questions", str(broken), "--course", "migration")

    assert capsys.readouterr().err.startswith(f"{broken}:215: Ordering")
    assert counts() == (0, 0, 0, 0)


def test_idnumber_already_used_in_the_course_is_refused_at_its_line(course, capsys):
    run("import_questions", str(EVERY_KIND), "--course", "migration", "--quiz", "one")

    with pytest.raises(SystemExit):
        call_command(
            "import_questions",
            str(EVERY_KIND),
            "--course",
            "migration",
            "--quiz",
            "two",
        )

    err = capsys.readouterr().err
    assert ":15: the ID number “REM-1” is already used in this course" in err
    assert not Quiz.objects.filter(slug="two").exists()


def test_the_same_idnumber_in_another_course_is_fine(course):
    Course.objects.create(slug="other", title="Other")
    run("import_questions", str(EVERY_KIND), "--course", "migration")
    run("import_questions", str(EVERY_KIND), "--course", "other")

    assert Question.objects.filter(idnumber="REM-1").count() == 2


def test_export_questions_then_import_gives_back_the_same_questions(course, tmp_path):
    run("import_questions", str(EVERY_KIND), "--course", "migration")
    exported = tmp_path / "out.xml"

    _out, err = run(
        "export_questions",
        "--quiz",
        "migration-basics",
        "--format",
        "moodlexml",
        "-o",
        str(exported),
    )

    assert err == ""
    original, original_files = moodlexml.parse(
        EVERY_KIND.read_bytes(), media_prefix="/media/"
    )
    again, again_files = moodlexml.parse(exported.read_bytes(), media_prefix="/media/")
    for before, after in zip(original, again, strict=True):
        before, after = before.to_dict(), after.to_dict()
        assert sorted(before.pop("tags")) == after.pop("tags")
        assert {**after, "line": 0} == {**before, "line": 0}, before["name"]
    assert again_files == original_files


def test_gift_alias_and_format_option_still_work(course, tmp_path):
    xml_as_txt = tmp_path / "bank.txt"
    xml_as_txt.write_bytes(EVERY_KIND.read_bytes())

    run(
        "import_gift", str(xml_as_txt), "--course", "migration", "--format", "moodlexml"
    )

    assert Question.objects.count() == 8


def _big_file(size: int) -> bytes:
    questions, _files = moodlexml.parse(EVERY_KIND.read_bytes())
    many = []
    for number in range(size):
        question = questions[number % len(questions)]
        many.append({**question.to_dict(), "idnumber": "", "name": f"Q{number}"})
    image = '<img src="@@MEDIA@@/question-media/0123456789abcdef/x.png">'
    for question in many[::10]:
        question["prompt"] += image
    pixel = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    text, _warnings = moodlexml.export(many, load_media=lambda _path: pixel)
    return text.encode("utf-8")


@pytest.mark.parametrize("size", [10, 40])
def test_import_runs_a_constant_number_of_queries(
    course, django_assert_num_queries, size
):
    data = _big_file(size)

    # Savepoint, quiz lookup, get_or_create (+ savepoint), position, questions,
    # choices, tags and their links, tradeoffs, idnumbers.
    with django_assert_num_queries(14):
        services.import_questions(course=course, text=data, fmt="moodlexml")

    assert Question.objects.count() == size


def test_a_thousand_questions_with_images_import_in_seconds(course):
    data = _big_file(1000)

    started = time.perf_counter()
    report = services.import_questions(course=course, text=data, fmt="moodlexml")
    elapsed = time.perf_counter() - started

    assert len(report.questions) == 1000
    assert elapsed < 10, f"1,000 questions took {elapsed:.1f} s"
    print(f"\n1,000 Moodle XML questions with 100 images imported in {elapsed:.2f} s")


@pytest.fixture
def admin_client_(client):
    user = get_user_model().objects.create_superuser(
        email="admin@example.com", password="x"
    )
    client.force_login(user)
    return client


def test_admin_previews_a_moodle_xml_upload_then_imports_it(admin_client_, course):

    url = reverse("admin:quizzes_quiz_import_gift")
    upload = SimpleUploadedFile("bank.xml", EVERY_KIND.read_bytes(), "text/xml")

    preview = admin_client_.post(url, {"course": course.pk, "quiz": "", "file": upload})

    assert preview.status_code == 200
    report = preview.context["report"]
    assert [(i.line, i.kind) for i in report.questions][:2] == [
        (15, "single_choice"),
        (67, "multiple_response"),
    ]
    assert counts() == (0, 0, 0, 0)
    payload = preview.context["confirm_form"]["payload"].value()

    done = admin_client_.post(url, {"payload": payload})

    assert done.status_code == 302
    assert Quiz.objects.get(slug="migration-basics").questions.count() == 8


def test_admin_shows_the_line_of_a_broken_xml_file(admin_client_, course):

    broken = EVERY_KIND.read_bytes().replace(b"</tags>", b"", 1)
    upload = SimpleUploadedFile("bank.xml", broken, "text/xml")

    response = admin_client_.post(
        reverse("admin:quizzes_quiz_import_gift"),
        {"course": course.pk, "file": upload},
    )

    assert response.context["error"].line == 65
    assert "bank.xml, line 65: not well-formed XML" in response.content.decode()
    assert counts() == (0, 0, 0, 0)


def test_the_admin_form_refuses_an_idnumber_the_course_already_uses(course):
    run("import_questions", str(EVERY_KIND), "--course", "migration", "--quiz", "one")
    other = Quiz.objects.create(course=course, slug="two", title="Two")
    question = Question(
        quiz=other, kind="essay", prompt="Why?", idnumber="REM-1", data={"rubric": "r"}
    )

    with pytest.raises(ValidationError) as refused:
        question.full_clean()

    assert "idnumber" in refused.value.message_dict


def test_imported_images_are_served_to_signed_in_users_only(client, course):
    run("import_questions", str(EVERY_KIND), "--course", "migration")
    prompt = Question.objects.get(name="Remittances").prompt
    url = prompt.split('src="', 1)[1].split('"', 1)[0]

    anonymous = client.get(url)
    client.force_login(get_user_model().objects.create_user(email="s@example.com"))
    signed_in = client.get(url)
    missing = client.get(url.replace("chart%20one", "other"))

    assert anonymous.status_code == 302
    assert signed_in.status_code == 200
    assert b"".join(signed_in.streaming_content) == b"\x89PNG\r\n\x1a\n"
    assert signed_in["Content-Type"] == "image/png"
    assert "sandbox" in signed_in["Content-Security-Policy"]
    assert missing.status_code == 404
