"""Responses exports read as words: full question text, every kind's answer, a BOM option."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from django.urls import reverse

from analytics import exports
from analytics.models import ExportJob
from analytics.readable import QuestionText, answer_text, justification_text
from quizzes.models import Question
from tests.accounts.factories import UserFactory
from tests.helpers.factories import graded_attempt, taught_cohort
from tests.quizzes.factories import make_quiz_with_every_kind

pytestmark = pytest.mark.django_db

LONG = (
    "Which of the following policies best balances the security concerns of a "
    "receiving state against the human rights of people seeking asylum at its border?"
)


@pytest.fixture(autouse=True)
def exports_root(settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path / "exports"
    return settings.EXPORTS_ROOT


def _answers(quiz) -> dict[Question, dict]:
    by_kind = {q.kind: q for q in quiz.questions.all()}
    choice = by_kind["single_choice"].choices.order_by("position", "id")
    multiple = by_kind["multiple_response"].choices.order_by("position", "id")
    true_false = by_kind["true_false"].choices.get(text="True")
    items = [i["id"] for i in by_kind["ordering"].data["items"]]
    return {
        by_kind["single_choice"]: {"choice": choice[0].id},
        by_kind["true_false"]: {"choice": true_false.id},
        by_kind["multiple_response"]: {"choices": [multiple[0].id, multiple[2].id]},
        by_kind["short_answer"]: {"text": "the state"},
        by_kind["numeric"]: {"value": 1951.375},
        by_kind["ordering"]: {"order": list(reversed(items))},
        by_kind["matching"]: {"matches": {"m1": "Ottawa", "m2": "Lagos"}},
        by_kind["tradeoff_allocation"]: {
            "allocation": [40, 60],
            "justification": "Safety first, but rights bind.",
        },
        by_kind["tradeoff_position"]: {"position": 55},
        by_kind["essay"]: {"text": "Both sides have a case."},
    }


def _export(quiz) -> tuple[ExportJob, list[list[str]]]:
    student = UserFactory(first_name="Zoë", last_name="Ångström")
    _cohort, instructor = taught_cohort(quiz.course, students=[student])
    graded_attempt(quiz, student, _answers(quiz))
    job = ExportJob.objects.create(
        kind=ExportJob.Kind.QUIZ_RESPONSES, quiz=quiz, requested_by=instructor
    )
    exports.run_export(job_id=job.pk)
    job.refresh_from_db()
    text = exports.export_path(job.file_name).read_text(encoding="utf-8")
    return job, list(csv.reader(io.StringIO(text)))


def test_every_kind_of_answer_is_written_in_words():
    quiz = make_quiz_with_every_kind()
    quiz.questions.filter(kind="single_choice").update(prompt=LONG)
    _job, rows = _export(quiz)
    header = rows[0]
    by_kind = {row[header.index("Kind")]: row for row in rows[1:]}
    answer = {kind: row[header.index("Answer")] for kind, row in by_kind.items()}
    ordering = quiz.questions.get(kind="ordering").data["items"]
    assert answer == {
        "single_choice": quiz.questions.get(kind="single_choice")
        .choices.order_by("position", "id")[0]
        .text,
        "true_false": "True",
        "multiple_response": "Remittances; Moon phases",
        "short_answer": "the state",
        "numeric": "1951.375",
        "ordering": "; ".join(
            f"{n}. {item['text']}" for n, item in enumerate(reversed(ordering), 1)
        ),
        "matching": "Canada → Ottawa; Kenya → Lagos",
        "tradeoff_allocation": "Security: 40; Human rights: 60",
        "tradeoff_position": "55 (0 = Sovereignty, 100 = Cooperation)",
        "essay": "Both sides have a case.",
    }
    justification = header.index("Justification")
    assert by_kind["tradeoff_allocation"][justification] == (
        "Safety first, but rights bind."
    )
    assert by_kind["essay"][justification] == ""
    # The whole question text, never cut at 80 characters.
    assert by_kind["single_choice"][header.index("Question text")] == LONG


def test_an_unknown_answer_shape_is_kept_as_stored():
    question = QuestionText("matching", {"pairs": []})
    assert answer_text({"odd": 1}, question) == '{"odd": 1}'
    assert answer_text(None, question) == ""
    assert answer_text({"justification": "Only this."}, question) == ""
    assert justification_text({"justification": "Only this."}) == "Only this."


def test_the_download_offers_a_utf8_bom_for_spreadsheet_programs(client):
    quiz = make_quiz_with_every_kind()
    job, _rows = _export(quiz)
    client.force_login(job.requested_by)
    url = reverse("reports:export-download", kwargs={"pk": job.pk})
    on_disk = exports.export_path(job.file_name).read_bytes()

    plain = b"".join(client.get(url).streaming_content)
    with_bom = client.get(url + "?bom=1")
    body = b"".join(with_bom.streaming_content)

    assert not on_disk.startswith(codecs.BOM_UTF8)
    assert plain == on_disk
    assert body == codecs.BOM_UTF8 + on_disk
    assert with_bom["Content-Disposition"].startswith("attachment;")
    assert with_bom["Content-Type"] == "text/csv; charset=utf-8"
    assert "Ångström" in body.decode("utf-8-sig")
    # Excel's reading: the BOM says UTF-8, so the first cell is the plain header.
    first = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert first[0] == "Last name"


def test_the_export_page_offers_both_downloads(client):
    quiz = make_quiz_with_every_kind()
    job, _rows = _export(quiz)
    client.force_login(job.requested_by)
    html = client.get(
        reverse("reports:export-detail", kwargs={"pk": job.pk})
    ).content.decode()
    url = reverse("reports:export-download", kwargs={"pk": job.pk})
    assert f'href="{url}"' in html
    assert f'href="{url}?bom=1"' in html
