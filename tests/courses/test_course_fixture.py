"""The migration course fixture matches the essay, renders correctly and loads idempotently."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.text import slugify

from courses.models import Course, Lesson, Tradeoff
from courses.rendering import render_lesson_body

REPO_ROOT = Path(__file__).resolve().parents[2]
ESSAY = REPO_ROOT.parent / "shared" / "essay.txt"
FIXTURE = REPO_ROOT / "fixtures" / "migration_course.json"
BUILD_SCRIPT = REPO_ROOT / "fixtures" / "build_course.py"

EXPECTED_TRADEOFFS = {
    1: ("security-human-rights", "Security", "Human rights"),
    2: (
        "labour-demand-job-competition",
        "Labour demand",
        "Protecting local wages and jobs",
    ),
    3: ("remittances-brain-drain", "Remittances", "Brain drain"),
    4: ("sovereignty-cooperation", "National sovereignty", "Multilateral cooperation"),
    5: ("humanitarian-duty-burden-sharing", "Humanitarian duty", "Fair burden sharing"),
    6: ("cultural-exchange-social-tension", "Cultural exchange", "Social cohesion"),
    7: (
        "regional-integration-unequal-flows",
        "Regional integration",
        "Unequal burdens",
    ),
}
EXPECTED_SLUGS = [
    "introduction",
    "economic-impact-on-bilateral-relations",
    "political-and-diplomatic-effects",
    "security-concerns",
    "humanitarian-and-refugee-issues",
    "cultural-exchange-and-soft-power",
    "impact-on-development-and-global-inequality",
    "role-of-international-organizations",
    "migration-and-regional-cooperation",
    "challenges-and-controversies",
    "future-prospects",
    "conclusion",
]


def essay_sections() -> list[tuple[str, list[str]]]:
    """Split the essay independently of build_course.py: headings are short, unpunctuated lines."""
    sections: list[tuple[str, list[str]]] = [("Introduction", [])]
    for line in ESSAY.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if len(line) < 60 and line[-1] not in '.?!:;"”':
            sections.append((line, []))
        else:
            sections[-1][1].append(line)
    return sections


def database_snapshot() -> dict:
    """Every row the course fixture touches, as plain values."""
    return {
        "courses": list(Course.objects.order_by("pk").values()),
        "tradeoffs": list(Tradeoff.objects.order_by("pk").values()),
        "lessons": list(Lesson.objects.order_by("pk").values()),
        "links": list(
            Lesson.tradeoffs.through.objects.order_by(
                "lesson_id", "tradeoff_id"
            ).values_list("lesson_id", "tradeoff_id")
        ),
    }


@pytest.fixture
def loaded_course():
    call_command("loaddata", str(FIXTURE), verbosity=0)
    return Course.objects.get(pk=1)


def test_essay_splits_into_twelve_sections_from_introduction_to_conclusion():
    titles = [title for title, _ in essay_sections()]

    assert len(titles) == 12
    assert titles[0] == "Introduction"
    assert titles[-1] == "Conclusion"
    assert [slugify(title) for title in titles] == EXPECTED_SLUGS


@pytest.mark.django_db
def test_fixture_loads_published_course(loaded_course):
    assert loaded_course.slug == "global-migration"
    assert loaded_course.title == "Global migration and international relations"
    assert loaded_course.is_published
    assert 2 <= loaded_course.summary.count(". ") + 1 <= 3


@pytest.mark.django_db
def test_fixture_loads_lessons_in_essay_order_with_verbatim_bodies(loaded_course):
    lessons = list(loaded_course.lessons.order_by("position"))
    sections = essay_sections()

    assert [(lesson.pk, lesson.position) for lesson in lessons] == [
        (n, n) for n in range(1, 13)
    ]
    assert [lesson.title for lesson in lessons] == [title for title, _ in sections]
    assert [lesson.slug for lesson in lessons] == EXPECTED_SLUGS
    for lesson, (_, paragraphs) in zip(lessons, sections, strict=True):
        assert lesson.body == "\n\n".join(paragraphs)
        assert lesson.published
        assert 1 <= lesson.estimated_minutes <= 60


@pytest.mark.django_db
def test_fixture_lessons_carry_rendered_bodies_with_paragraph_anchors(loaded_course):
    sections = essay_sections()

    for lesson, (_, paragraphs) in zip(
        loaded_course.lessons.order_by("position"), sections, strict=True
    ):
        assert (lesson.body_html, lesson.paragraph_count) == render_lesson_body(
            lesson.body
        )
        assert lesson.paragraph_count == len(paragraphs)
        for number, paragraph in enumerate(paragraphs, start=1):
            anchor = f'<p id="p{number}" class="lesson-paragraph">'
            assert anchor in lesson.body_html
            # The anchor sits on the paragraph it names, so review links land on the passage.
            start = lesson.body_html.index(anchor) + len(anchor)
            assert lesson.body_html[start:].startswith(paragraph[:40])
        assert f'id="p{lesson.paragraph_count + 1}"' not in lesson.body_html


@pytest.mark.django_db
def test_fixture_lessons_have_objectives_and_tradeoffs(loaded_course):
    for lesson in loaded_course.lessons.prefetch_related("tradeoffs"):
        lesson.full_clean()
        assert 2 <= len(lesson.objectives) <= 4, lesson.title
        assert len(set(lesson.objectives)) == len(lesson.objectives), lesson.title
        assert 1 <= lesson.tradeoffs.count() <= 3, lesson.title


@pytest.mark.django_db
def test_fixture_tradeoffs_keep_agreed_pks_and_are_all_taught(loaded_course):
    tradeoffs = {
        tradeoff.pk: tradeoff
        for tradeoff in Tradeoff.objects.prefetch_related("lessons")
    }

    assert {
        pk: (t.slug, t.left_value, t.right_value) for pk, t in tradeoffs.items()
    } == EXPECTED_TRADEOFFS
    for tradeoff in tradeoffs.values():
        assert tradeoff.description.strip(), tradeoff.slug
        assert tradeoff.lessons.exists(), f"{tradeoff.slug} is linked to no lesson"


@pytest.mark.django_db
def test_load_course_twice_leaves_the_same_rows():
    first_output = StringIO()
    call_command("load_course", stdout=first_output)
    after_first = database_snapshot()

    call_command("load_course", stdout=StringIO())

    assert database_snapshot() == after_first
    assert Course.objects.count() == 1
    assert Lesson.objects.count() == 12
    assert (
        "Loaded migration_course.json: 1 courses.course, 12 courses.lesson, 7 courses.tradeoff"
        in (first_output.getvalue())
    )


@pytest.mark.django_db
def test_load_course_restores_a_lesson_edited_in_the_database():
    call_command("load_course", stdout=StringIO())
    lesson = Lesson.objects.get(pk=4)
    lesson.tradeoffs.clear()
    Lesson.objects.filter(pk=4).update(title="Edited")

    call_command("load_course", stdout=StringIO())

    lesson.refresh_from_db()
    assert lesson.title == "Security Concerns"
    assert sorted(lesson.tradeoffs.values_list("pk", flat=True)) == [1, 4]


@pytest.mark.django_db
def test_load_course_rejects_a_broken_fixture_clearly(tmp_path):
    (tmp_path / "migration_course.json").write_text('[{"model": "courses.course",')

    with pytest.raises(CommandError, match="not a readable JSON fixture"):
        call_command("load_course", fixtures_dir=tmp_path, stdout=StringIO())


@pytest.mark.django_db
def test_load_course_rejects_a_fixture_with_bad_rows_and_loads_nothing(tmp_path):
    records = json.loads(FIXTURE.read_text(encoding="utf-8"))
    (tmp_path / "migration_course.json").write_text(json.dumps(records))
    # A quiz file pointing at a model that does not exist must roll back the course too.
    (tmp_path / "migration_quizzes.json").write_text(
        json.dumps([{"model": "quizzes.nosuchmodel", "pk": 1, "fields": {}}])
    )

    with pytest.raises(CommandError, match="Could not load"):
        call_command("load_course", fixtures_dir=tmp_path, stdout=StringIO())
    assert not Course.objects.exists()


def test_load_course_exits_non_zero_when_the_fixture_is_missing(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "load_course", "--fixtures-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "Course fixture not found" in result.stderr


def test_fixture_on_disk_is_what_build_course_produces(tmp_path):
    output = tmp_path / "migration_course.json"

    subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), str(ESSAY), "--output", str(output)],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )

    assert output.read_bytes() == FIXTURE.read_bytes(), (
        "fixtures/migration_course.json is out of step: run fixtures/build_course.py"
    )
