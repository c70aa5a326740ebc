"""GIFT import and export against PostgreSQL: service, commands and admin pages."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import path, reverse

from courses.models import Course
from quizzes import gift, services
from quizzes.gift_admin import GiftImportAdminMixin
from quizzes.models import Choice, Question, Quiz

GIFT_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "gift"
EXAMPLES = GIFT_DIR / "moodle-examples.gift"
FIXTURE = GIFT_DIR / "moodle-fixture-questions.gift"

pytestmark = pytest.mark.django_db


# A private admin site, so the mixin is tested without registering on the real one.
gift_site = admin.AdminSite(name="gift_test_admin")


class QuizGiftAdmin(GiftImportAdminMixin, admin.ModelAdmin):
    pass


gift_site.register(Quiz, QuizGiftAdmin)
urlpatterns = [path("gift-admin/", gift_site.urls)]


@pytest.fixture
def course():
    return Course.objects.create(slug="migration", title="Global migration")


@pytest.fixture
def other_course():
    return Course.objects.create(slug="other", title="Other")


def rows(quiz):
    """Every question of a quiz as comparable plain values, in position order."""
    return [
        (
            q.kind,
            q.name,
            q.prompt,
            q.explanation,
            q.points,
            q.data,
            [(c.text, c.credit, c.feedback) for c in q.choices.order_by("position")],
        )
        for q in quiz.questions.order_by("position")
    ]


def counts():
    return Quiz.objects.count(), Question.objects.count(), Choice.objects.count()


def run_import(*args):
    out, err = StringIO(), StringIO()
    call_command("import_gift", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# ---------------------------------------------------------------- the command


def test_import_command_imports_moodle_examples_into_a_new_unpublished_quiz(course):
    out, _err = run_import(str(EXAMPLES), "--course", "migration", "--quiz", "grant")

    quiz = Quiz.objects.get(course=course, slug="grant")
    parsed = gift.parse(EXAMPLES.read_text())
    assert quiz.published is False
    assert quiz.title == "grant"
    assert "Created the quiz" in out and "43 questions" in out
    questions = list(quiz.questions.order_by("position"))
    assert [q.position for q in questions] == list(range(1, 44))
    assert [(q.kind, q.name, q.prompt) for q in questions] == [
        (p.kind, p.name, p.prompt) for p in parsed
    ]
    hometown = questions[27]
    assert [(c.text, c.credit, c.feedback) for c in hometown.choices.all()] == [
        (
            "Jerusalem",
            Decimal("0"),
            "This was an important city, but the wrong answer.",
        ),
        ("Bethlehem", Decimal("0.25"), "He was born here, but not raised here."),
        ("Galilee", Decimal("0.5"), "You need to be more specific."),
        ("Nazareth", Decimal("1"), "Yes! That's right!"),
    ]
    born = questions[-1]
    assert born.data["answers"][1] == {
        "value": 1822,
        "tolerance": 2,
        "credit": 0.5,
        "feedback": "He was born in 1822.\n                  "
        "You get 50% credit for being close.",
        "feedback_format": "moodle",
    }


def test_import_command_imports_the_moodle_fixture_file(course):
    run_import(str(FIXTURE), "--course", "migration", "--quiz", "fixture")

    quiz = Quiz.objects.get(slug="fixture")
    questions = list(quiz.questions.order_by("position"))
    assert [q.kind for q in questions] == [
        "essay",
        "matching",
        "single_choice",
        "multiple_response",
        "numeric",
        "short_answer",
        "true_false",
        "true_false",
        "true_false",
    ]
    essay, matching, _q2, colours, _q5, _short, q1, *_rest = questions
    rubric = services.default_essay_rubric()
    assert essay.data == {
        "rubric": rubric,
        "min_words": 0,
        # Remembered so the export leaves the made-up rubric out again.
        "moodle": {"made_rubric": rubric},
    }
    assert matching.data["distractors"] == ["Chat"]
    assert [c.credit for c in colours.choices.all()] == [
        Decimal("0.5"),
        Decimal("-1"),
        Decimal("0.5"),
        Decimal("-1"),
    ]
    assert q1.explanation.startswith("This is, of course")
    assert [(c.text, c.credit, c.feedback) for c in q1.choices.all()] == [
        ("True", Decimal("0"), "42 is the Ultimate Answer."),
        ("False", Decimal("1"), "You gave the right answer."),
    ]


def test_import_appends_after_the_existing_questions(course):
    quiz = Quiz.objects.create(course=course, slug="mix", title="Mixed", published=True)
    Question.objects.create(quiz=quiz, position=7, kind="essay", prompt="Old", data={})

    run_import(str(FIXTURE), "--course", "migration", "--quiz", "mix")

    quiz.refresh_from_db()
    assert quiz.title == "Mixed" and quiz.published is True
    positions = list(
        quiz.questions.order_by("position").values_list("position", flat=True)
    )
    assert positions == [7, *range(8, 17)]


def test_quiz_title_and_slug_come_from_the_category(course, tmp_path):
    source = tmp_path / "cat.gift"
    source.write_text("$CATEGORY: $course$/top/Remittances and brain drain\n\nQ? {T}\n")

    run_import(str(source), "--course", "migration")

    quiz = Quiz.objects.get(slug="remittances-and-brain-drain")
    assert quiz.title == "Remittances and brain drain"


def test_broken_file_exits_1_with_file_and_line_and_changes_nothing(course, tmp_path):
    quiz = Quiz.objects.create(course=course, slug="kept", title="Kept")
    Question.objects.create(quiz=quiz, position=1, kind="essay", prompt="Old", data={})
    source = tmp_path / "broken.gift"
    source.write_text("Fine? {=yes ~no}\n\nAlso fine? {T}\n\nBroken? {\n  =a\n  ~b\n")
    before = counts()

    with pytest.raises(SystemExit) as exited:
        run_import(str(source), "--course", "migration", "--quiz", "kept")

    assert exited.value.code == 1
    assert counts() == before


def test_broken_file_message_is_file_colon_line(course, tmp_path, capsys):
    source = tmp_path / "weights.gift"
    source.write_text("Fine? {=yes ~no}\n\nToo much? {\n  ~%150%a\n  =b\n}\n")
    err = StringIO()

    with pytest.raises(SystemExit):
        call_command(
            "import_gift",
            str(source),
            "--course",
            "migration",
            stdout=StringIO(),
            stderr=err,
        )

    assert err.getvalue().strip().splitlines() == [
        f"{source}:4: answer weight 150% is out of range: expected -100% to 100%"
    ]
    assert counts() == (0, 0, 0)


def test_ungradable_question_is_refused_at_its_line_and_nothing_is_saved(
    course, tmp_path
):
    # Parses, but the positive weights of a multiple-response question must add up to 1.
    source = tmp_path / "ungradable.gift"
    source.write_text("Fine? {=yes ~no}\n\n\nPick? {~%50%a ~%20%b ~c}\n")
    err = StringIO()

    with pytest.raises(SystemExit) as exited:
        call_command(
            "import_gift",
            str(source),
            "--course",
            "migration",
            "--quiz",
            "x",
            stdout=StringIO(),
            stderr=err,
        )

    assert exited.value.code == 1
    assert err.getvalue().startswith(f"{source}:4: Multiple response: ")
    assert counts() == (0, 0, 0)


def test_dry_run_prints_the_preview_and_saves_nothing(course):
    out, _err = run_import(
        str(FIXTURE), "--course", "migration", "--quiz", "new", "--dry-run"
    )

    assert counts() == (0, 0, 0)
    lines = out.splitlines()
    assert lines[0] == "Would create the quiz “new” (new) with 9 questions."
    assert len(lines) == 10
    assert (
        "line    2" in lines[1]
        and "essay" in lines[1]
        and "Q8: How are you?" in lines[1]
    )
    assert "matching" in lines[2] and " 5 answers" in lines[2]


def test_unknown_course_is_a_command_error(course):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No course"):
        run_import(str(FIXTURE), "--course", "nope", "--quiz", "q")


# ---------------------------------------------------------------- export


@pytest.mark.parametrize("path", [EXAMPLES, FIXTURE], ids=["examples", "fixture"])
def test_export_then_import_gives_the_same_questions(
    course, other_course, tmp_path, path
):
    run_import(str(path), "--course", "migration", "--quiz", "first")
    exported = tmp_path / "out.gift"
    err = StringIO()

    call_command(
        "export_gift", "--quiz", "first", "--output", str(exported), stderr=err
    )
    run_import(str(exported), "--course", "other", "--quiz", "second")

    assert err.getvalue() == ""
    first = Quiz.objects.get(slug="first")
    second = Quiz.objects.get(slug="second")
    assert rows(second) == rows(first)


def test_export_names_the_quiz_in_the_category_and_reimport_takes_its_title(
    course, other_course, tmp_path
):
    quiz = Quiz.objects.create(course=course, slug="sov", title="Sovereignty")
    question = Question.objects.create(
        quiz=quiz, kind="true_false", prompt="States cooperate.", position=1
    )
    Choice.objects.create(question=question, position=1, text="True", credit=1)
    Choice.objects.create(question=question, position=2, text="False", credit=0)
    exported = tmp_path / "sov.gift"

    call_command("export_gift", "--quiz", "sov", "--output", str(exported))
    run_import(str(exported), "--course", "other")

    assert exported.read_text().startswith("$CATEGORY: $course$/top/Sovereignty\n")
    copy = Quiz.objects.get(course=other_course)
    assert (copy.slug, copy.title) == ("sovereignty", "Sovereignty")
    assert rows(copy) == rows(quiz)


def test_export_skips_ordering_and_tradeoff_questions_with_warnings(course):
    quiz = Quiz.objects.create(course=course, slug="mixed", title="Mixed")
    question = Question.objects.create(
        quiz=quiz, position=1, kind="single_choice", name="Pick", prompt="Pick one."
    )
    Choice.objects.create(question=question, position=1, text="Right", credit=1)
    Choice.objects.create(
        question=question, position=2, text="Wrong", credit=0, feedback_costs="Costs."
    )
    Question.objects.create(
        quiz=quiz,
        position=2,
        kind="ordering",
        name="Order",
        prompt="Order them.",
        data={"items": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]},
    )
    Question.objects.create(
        quiz=quiz,
        position=3,
        kind="tradeoff_position",
        name="Scale",
        prompt="Where do you stand?",
        data={"left": "Security", "right": "Rights", "range": [40, 70], "falloff": 25},
    )
    out, err = StringIO(), StringIO()

    call_command(
        "export_gift",
        "--quiz",
        "mixed",
        "--course",
        "migration",
        stdout=out,
        stderr=err,
    )

    assert [q.name for q in gift.parse(out.getvalue())] == ["Pick"]
    warnings = err.getvalue().splitlines()
    assert len(warnings) == 3
    assert "“Pick”" in warnings[0] and "objection" in warnings[0]
    assert "“Order”" in warnings[1] and "ordering" in warnings[1]
    assert "“Scale”" in warnings[2] and "tradeoff_position" in warnings[2]


def test_export_of_a_slug_two_courses_share_asks_for_the_course(course, other_course):
    from django.core.management import CommandError

    Quiz.objects.create(course=course, slug="same", title="A")
    Quiz.objects.create(course=other_course, slug="same", title="B")

    with pytest.raises(CommandError, match="--course"):
        call_command("export_gift", "--quiz", "same", stdout=StringIO())


@pytest.mark.parametrize("size", [2, 8])
def test_export_reads_a_quiz_in_three_queries(course, django_assert_num_queries, size):
    quiz = Quiz.objects.create(course=course, slug=f"q{size}", title="Q")
    for position in range(size):
        question = Question.objects.create(
            quiz=quiz, position=position, kind="single_choice", prompt=f"Q{position}?"
        )
        Choice.objects.create(question=question, position=1, text="yes", credit=1)
        Choice.objects.create(question=question, position=2, text="no", credit=0)

    # Questions, their choices, their tags.
    with django_assert_num_queries(3):
        text, warnings = services.export_quiz_gift(quiz=quiz)

    assert len(gift.parse(text)) == size
    assert warnings == []


# ---------------------------------------------------------------- admin pages


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user(
        email="editor@example.com", password="x", is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_quiz", "view_quiz", "add_question"]
        )
    )
    client.force_login(user)
    return client


def import_url():
    return reverse("gift_test_admin:quizzes_quiz_import_gift")


def upload(client, course, content, quiz="imported"):
    return client.post(
        import_url(),
        {
            "course": course.pk,
            "quiz": quiz,
            "file": SimpleUploadedFile("bank.gift", content.encode(), "text/plain"),
        },
    )


@pytest.mark.urls(__name__)
def test_admin_upload_form_is_shown_to_staff(staff_client, course):
    response = staff_client.get(import_url())

    assert response.status_code == 200
    assert b'type="file"' in response.content
    assert "Global migration" in response.content.decode()


@pytest.mark.urls(__name__)
def test_admin_preview_lists_questions_then_confirm_imports_them(staff_client, course):
    preview = upload(staff_client, course, FIXTURE.read_text())

    assert preview.status_code == 200
    assert counts() == (0, 0, 0)
    report = preview.context["report"]
    assert [(i.line, i.kind) for i in report.questions][:3] == [
        (2, "essay"),
        (5, "matching"),
        (14, "single_choice"),
    ]
    page = preview.content.decode()
    assert "Would create the quiz" in page and "Moodle activities" in page
    payload = preview.context["confirm_form"]["payload"].value()

    done = staff_client.post(import_url(), {"payload": payload}, follow=True)

    quiz = Quiz.objects.get(slug="imported")
    assert quiz.questions.count() == 9
    assert done.redirect_chain[-1][0] == reverse(
        "gift_test_admin:quizzes_quiz_change", args=[quiz.pk]
    )
    assert "Created the quiz" in [str(m) for m in done.context["messages"]][0]


@pytest.mark.urls(__name__)
def test_admin_preview_shows_the_error_line_and_saves_nothing(staff_client, course):
    response = upload(staff_client, course, "Fine? {=a ~b}\n\nBad? {~a ~%150%b =c}\n")

    assert response.status_code == 200
    assert response.context["error"].line == 3
    assert "bank.gift, line 3: answer weight 150%" in response.content.decode()
    assert "confirm_form" not in response.context
    assert counts() == (0, 0, 0)


@pytest.mark.urls(__name__)
def test_admin_confirm_refuses_a_tampered_payload(staff_client, course):
    preview = upload(staff_client, course, FIXTURE.read_text())
    payload = preview.context["confirm_form"]["payload"].value()

    response = staff_client.post(
        import_url(), {"payload": payload[:-2] + "xx"}, follow=True
    )

    assert counts() == (0, 0, 0)
    assert "tampered" in [str(m) for m in response.context["messages"]][0]


@pytest.mark.urls(__name__)
def test_admin_confirm_refuses_another_users_payload(staff_client, course, client):
    preview = upload(staff_client, course, FIXTURE.read_text())
    payload = preview.context["confirm_form"]["payload"].value()
    other = get_user_model().objects.create_superuser(
        email="boss@example.com", password="x"
    )
    client.force_login(other)

    client.post(import_url(), {"payload": payload})

    assert counts() == (0, 0, 0)


@pytest.mark.urls(__name__)
def test_admin_import_is_for_staff_with_add_permissions_only(client, course):
    user = get_user_model().objects.create_user(email="s@example.com", password="x")
    client.force_login(user)
    assert client.get(import_url()).status_code == 302  # to the admin login

    user.is_staff = True
    user.save()
    assert client.get(import_url()).status_code == 403
