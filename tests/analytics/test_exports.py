"""CSV exports: exact content, progress, idempotent runs, owner-only download, scale."""

from __future__ import annotations

import csv
import io
import re
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import redis
from django.db import connection
from django.http import FileResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from analytics import export_rows, exports
from analytics import services as report_services
from analytics import tasks as report_tasks
from analytics.models import ExportJob
from courses.models import CohortMembership
from quizzes import services as quiz_services
from quizzes.models import Attempt, Extension, Question, Quiz, Response
from tests.accounts.factories import (
    DEFAULT_PASSWORD,
    InstructorFactory,
    StaffFactory,
    UserFactory,
)
from tests.courses.factories import CourseFactory
from tests.helpers.factories import (
    AssignmentFactory,
    QuestionFactory,
    QuizFactory,
    graded_attempt,
    many_students,
    position_question,
    single_choice,
    taught_cohort,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def exports_root(settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path / "exports"
    return settings.EXPORTS_ROOT


def read_csv(job: ExportJob) -> list[list[str]]:
    text = exports.export_path(job.file_name).read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text)))


def make_job(user, **kwargs) -> ExportJob:
    kind = (
        ExportJob.Kind.COHORT_GRADES
        if "cohort" in kwargs
        else ExportJob.Kind.QUIZ_RESPONSES
    )
    return ExportJob.objects.create(kind=kind, requested_by=user, **kwargs)


@pytest.fixture
def small_cohort():
    """Three students, two assignments: graded, late, missing, extended, unmarked."""
    course = CourseFactory()
    ada = UserFactory(first_name="Ada", last_name="Adams", email="ada@example.org")
    ben = UserFactory(first_name="Ben", last_name="Brown", email="ben@example.org")
    cy = UserFactory(first_name="Cy", last_name="Clark", email="cy@example.org")
    cohort, instructor = taught_cohort(course, students=[cy, ada, ben])
    essay_due = QuizFactory(
        course=course, title="Borders", grading_method=Quiz.GradingMethod.HIGHEST
    )
    later = QuizFactory(
        course=course, title="Remittances", grading_method=Quiz.GradingMethod.FIRST
    )
    b1, b1c = single_choice(essay_due, position=1)
    b2, b2c = single_choice(essay_due, position=2)
    r1, r1c = single_choice(later, position=1)
    due = T0 + timedelta(days=1)
    borders = AssignmentFactory(
        cohort=cohort, quiz=essay_due, opens_at=T0 - timedelta(days=5), due_at=due
    )
    AssignmentFactory(
        cohort=cohort,
        quiz=later,
        opens_at=T0 - timedelta(days=5),
        due_at=T0 + timedelta(days=30),
    )
    right, wrong = b1c[0].id, b1c[1].id
    # Ada: 50% then 100% before the due date (highest counts); 0% on the first of two
    # Remittances attempts (first counts).
    graded_attempt(
        essay_due,
        ada,
        {b1: {"choice": right}, b2: {"choice": b2c[1].id}},
        submitted_at=T0,
    )
    graded_attempt(
        essay_due,
        ada,
        {b1: {"choice": right}, b2: {"choice": b2c[0].id}},
        number=2,
        submitted_at=T0 + timedelta(hours=1),
    )
    graded_attempt(later, ada, {r1: {"choice": r1c[1].id}}, submitted_at=T0)
    graded_attempt(
        later,
        ada,
        {r1: {"choice": r1c[0].id}},
        number=2,
        submitted_at=T0 + timedelta(hours=2),
    )
    # Ben: Borders a day late, 50%; nothing on Remittances (not yet due).
    graded_attempt(
        essay_due,
        ben,
        {b1: {"choice": wrong}, b2: {"choice": b2c[0].id}},
        submitted_at=due + timedelta(days=1),
    )
    # Cy: no Borders attempt but an extension past "now"; a Remittances attempt
    # submitted and not graded yet.
    Extension.objects.create(
        assignment=borders, student=cy, due_at=T0 + timedelta(days=10), reason="ill"
    )
    Attempt.objects.create(
        quiz=later,
        student=cy,
        number=1,
        state=Attempt.State.SUBMITTED,
        submitted_at=T0,
        started_at=T0 - timedelta(minutes=3),
    )
    # Not in the cohort: must not appear.
    graded_attempt(essay_due, UserFactory(), {b1: {"choice": right}}, submitted_at=T0)
    return {
        "cohort": cohort,
        "instructor": instructor,
        "ada": ada,
        "ben": ben,
        "cy": cy,
        "quizzes": (essay_due, later),
        "due": due,
    }


def test_cohort_grades_csv_has_one_row_per_student_with_grades_and_marks(
    small_cohort,
):
    job = make_job(small_cohort["instructor"], cohort=small_cohort["cohort"])
    # "Now" is between Borders' due date and Cy's extended one.
    now = small_cohort["due"] + timedelta(days=3)

    exports.run_export(job_id=job.pk, now=now)

    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert read_csv(job) == [
        [
            "Last name",
            "First name",
            "E-mail",
            "Borders",
            "Borders status",
            "Remittances",
            "Remittances status",
        ],
        ["Adams", "Ada", "ada@example.org", "100.0", "", "0.0", ""],
        ["Brown", "Ben", "ben@example.org", "50.0", "late", "", ""],
        ["Clark", "Cy", "cy@example.org", "", "", "", "awaiting grading"],
    ]


def test_cohort_grades_marks_missing_work_once_the_due_date_passed(small_cohort):
    job = make_job(small_cohort["instructor"], cohort=small_cohort["cohort"])
    # After Cy's extension ran out too.
    now = small_cohort["due"] + timedelta(days=20)

    exports.run_export(job_id=job.pk, now=now)

    rows = read_csv(ExportJob.objects.get(pk=job.pk))
    assert rows[3][:5] == ["Clark", "Cy", "cy@example.org", "", "missing"]


def test_quiz_responses_csv_has_one_row_per_response_of_taught_students(
    small_cohort,
):
    borders = small_cohort["quizzes"][0]
    job = make_job(small_cohort["instructor"], quiz=borders)

    exports.run_export(job_id=job.pk)

    rows = read_csv(ExportJob.objects.get(pk=job.pk))
    assert rows[0] == [
        "Last name",
        "First name",
        "E-mail",
        "Attempt",
        "State",
        "Submitted at",
        "Question",
        "Question text",
        "Kind",
        "Answer",
        "Score",
        "Max score",
        "Needs grading",
        "Justification",
    ]
    q1, q2 = borders.questions.order_by("position")
    due = small_cohort["due"]
    assert [row[:7] + row[8:13] for row in rows[1:]] == [
        [
            "Adams",
            "Ada",
            "ada@example.org",
            "1",
            "Graded",
            T0.isoformat(),
            "1",
            "single_choice",
            "Right",
            "1.000",
            "1.000",
            "",
        ],
        [
            "Adams",
            "Ada",
            "ada@example.org",
            "1",
            "Graded",
            T0.isoformat(),
            "2",
            "single_choice",
            "Wrong",
            "0.000",
            "1.000",
            "",
        ],
        [
            "Adams",
            "Ada",
            "ada@example.org",
            "2",
            "Graded",
            (T0 + timedelta(hours=1)).isoformat(),
            "1",
            "single_choice",
            "Right",
            "1.000",
            "1.000",
            "",
        ],
        [
            "Adams",
            "Ada",
            "ada@example.org",
            "2",
            "Graded",
            (T0 + timedelta(hours=1)).isoformat(),
            "2",
            "single_choice",
            "Right",
            "1.000",
            "1.000",
            "",
        ],
        [
            "Brown",
            "Ben",
            "ben@example.org",
            "1",
            "Graded",
            (due + timedelta(days=1)).isoformat(),
            "1",
            "single_choice",
            "Wrong",
            "0.000",
            "1.000",
            "",
        ],
        [
            "Brown",
            "Ben",
            "ben@example.org",
            "1",
            "Graded",
            (due + timedelta(days=1)).isoformat(),
            "2",
            "single_choice",
            "Right",
            "1.000",
            "1.000",
            "",
        ],
    ]
    assert [row[7] for row in rows[1:3]] == [q1.prompt, q2.prompt]


def test_staff_quiz_responses_include_students_outside_their_cohorts(small_cohort):
    job = make_job(StaffFactory(), quiz=small_cohort["quizzes"][0])

    exports.run_export(job_id=job.pk)

    job.refresh_from_db()
    # Ada 2 attempts x 2, Ben 2, the outsider 2 (one answered, one blank).
    assert job.rows_total == job.rows_done == 8


def test_positions_are_exported_with_their_scale(small_cohort):
    quiz = QuizFactory(course=small_cohort["cohort"].course)
    question = position_question(quiz, position=1)
    graded_attempt(
        quiz,
        small_cohort["ada"],
        {question: {"position": 55}},
    )
    job = make_job(small_cohort["instructor"], quiz=quiz)

    exports.run_export(job_id=job.pk)

    row = read_csv(ExportJob.objects.get(pk=job.pk))[1]
    assert row[9] == "55 (0 = Security, 100 = Rights)"
    assert row[10:12] == ["2.000", "2.000"]


def on_each_row(monkeypatch, callback) -> None:
    """Call callback(n) as the grades export reaches its n-th student."""
    rows = exports.CohortGrades.rows

    def counted_rows(self):
        for n, row in enumerate(rows(self), start=1):
            callback(n)
            yield row

    monkeypatch.setattr(exports.CohortGrades, "rows", counted_rows)


def test_progress_is_written_every_few_seconds_and_total_is_known_from_the_start(
    small_cohort, monkeypatch
):
    students = many_students(5, prefix="progress")
    CohortMembership.objects.bulk_create(
        CohortMembership(cohort=small_cohort["cohort"], student=s) for s in students
    )
    job = make_job(small_cohort["instructor"], cohort=small_cohort["cohort"])
    seconds = [0.0]
    seen = []

    def one_second_per_row(n):
        seconds[0] += 1
        if n == 1:
            # What an instructor polling the job sees while the first rows are written.
            seen.append(
                ExportJob.objects.values_list("state", "rows_total").get(pk=job.pk)
            )

    monkeypatch.setattr(exports, "_clock", lambda: seconds[0])
    on_each_row(monkeypatch, one_second_per_row)
    with CaptureQueriesContext(connection) as ctx:
        exports.run_export(job_id=job.pk, progress_seconds=3)

    progress = [
        int(match.group(1))
        for query in ctx.captured_queries
        if (match := re.search(r'SET "rows_done" = (\d+)\s+WHERE', query["sql"]))
    ]
    assert seen == [("running", 8)]
    assert progress == [3, 6]
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total, job.percent_done) == (8, 8, 100)


def test_export_api_reports_rows_done_of_total_to_the_requester(
    api_client, small_cohort
):
    job = make_job(
        small_cohort["instructor"],
        cohort=small_cohort["cohort"],
        state=ExportJob.State.RUNNING,
        rows_done=3,
        rows_total=12,
    )
    url = reverse("api-export-detail", kwargs={"pk": job.pk})
    api_client.force_authenticate(small_cohort["instructor"])

    response = api_client.get(url)

    assert response.status_code == 200
    assert {
        k: response.data[k]
        for k in ("state", "rows_done", "rows_total", "percent_done", "download_url")
    } == {
        "state": "running",
        "rows_done": 3,
        "rows_total": 12,
        "percent_done": 25,
        "download_url": None,
    }


def test_export_api_is_404_for_anyone_else_and_401_for_anonymous(
    api_client, small_cohort
):
    job = make_job(small_cohort["instructor"], cohort=small_cohort["cohort"])
    url = reverse("api-export-detail", kwargs={"pk": job.pk})

    assert api_client.get(url).status_code == 401
    for user in (InstructorFactory(), StaffFactory(), small_cohort["ada"]):
        api_client.force_authenticate(user)
        assert api_client.get(url).status_code == 404


def test_export_api_queues_a_job_after_commit(
    api_client, small_cohort, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(small_cohort["instructor"])

    with django_capture_on_commit_callbacks() as callbacks:
        response = api_client.post(
            reverse("api-export-list"),
            {"kind": "cohort_grades", "cohort": small_cohort["cohort"].pk},
            format="json",
        )

    assert response.status_code == 202
    job = ExportJob.objects.get(pk=response.data["id"])
    assert job.requested_by == small_cohort["instructor"]
    assert len(callbacks) == 1
    # Run what would have been queued, as the worker would.
    assert report_tasks.run_export_task(job.pk) == "done"


def test_export_api_refuses_a_cohort_the_caller_does_not_teach(
    api_client, small_cohort
):
    api_client.force_authenticate(InstructorFactory())

    response = api_client.post(
        reverse("api-export-list"),
        {"kind": "cohort_grades", "cohort": small_cohort["cohort"].pk},
        format="json",
    )

    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def test_request_page_redirects_to_a_progress_page_with_a_bar(
    client, small_cohort, django_capture_on_commit_callbacks
):
    client.force_login(small_cohort["instructor"])

    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("reports:cohort-export", kwargs={"pk": small_cohort["cohort"].pk})
        )

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "reports:export-detail", kwargs={"pk": job.pk}
    )
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page
    assert "js/progress.js" in page
    assert reverse("api-export-detail", kwargs={"pk": job.pk}) in page
    # Without JavaScript a link reloads the page.
    assert "Refresh to see progress" in page


def test_students_cannot_request_exports(client, small_cohort):
    client.force_login(small_cohort["ada"])

    cohort_url = reverse(
        "reports:cohort-export", kwargs={"pk": small_cohort["cohort"].pk}
    )
    quiz_url = reverse(
        "reports:quiz-export", kwargs={"pk": small_cohort["quizzes"][0].pk}
    )

    assert client.post(cohort_url).status_code == 404
    assert client.post(quiz_url).status_code == 404
    assert client.get(reverse("reports:index")).status_code == 404


def test_only_the_requester_may_download_the_file(client, small_cohort):
    job = make_job(small_cohort["instructor"], cohort=small_cohort["cohort"])
    exports.run_export(job_id=job.pk)
    job.refresh_from_db()
    url = reverse("reports:export-download", kwargs={"pk": job.pk})

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    for other in (InstructorFactory(), StaffFactory(), small_cohort["ada"]):
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.force_login(small_cohort["instructor"])
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content)
    assert body == exports.export_path(job.file_name).read_bytes()
    assert body.startswith(b"Last name,First name,E-mail,Borders")


def test_an_unfinished_export_cannot_be_downloaded(client, small_cohort):
    job = make_job(small_cohort["instructor"], cohort=small_cohort["cohort"])
    client.force_login(small_cohort["instructor"])

    response = client.get(reverse("reports:export-download", kwargs={"pk": job.pk}))

    assert response.status_code == 404


def test_rerunning_a_done_job_does_nothing(small_cohort):
    job = make_job(small_cohort["instructor"], cohort=small_cohort["cohort"])
    exports.run_export(job_id=job.pk)
    job.refresh_from_db()
    path = exports.export_path(job.file_name)
    written = path.stat().st_mtime_ns
    finished = job.finished_at

    with CaptureQueriesContext(connection) as ctx:
        again = exports.run_export(job_id=job.pk)

    assert again.state == ExportJob.State.DONE
    assert again.finished_at == finished
    assert path.stat().st_mtime_ns == written
    # Reading the job is all it does.
    assert len(ctx.captured_queries) == 1


def test_a_job_left_running_by_a_crash_starts_over_with_a_fresh_file(
    small_cohort, exports_root
):
    job = make_job(
        small_cohort["instructor"],
        cohort=small_cohort["cohort"],
        state=ExportJob.State.RUNNING,
        rows_done=2,
        rows_total=3,
    )
    exports_root.mkdir(parents=True)
    stale = exports_root / f".export-{job.pk}-deadbeef.part"
    stale.write_text("Last name,First\nhalf a ro")

    exports.run_export(job_id=job.pk)

    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert not stale.exists()
    assert [p.name for p in exports_root.iterdir()] == [f"export-{job.pk}.csv"]
    assert len(read_csv(job)) == 4


def test_only_a_redelivery_of_the_lost_task_takes_its_running_job_over(
    small_cohort, exports_root
):
    job = make_job(
        small_cohort["instructor"],
        cohort=small_cohort["cohort"],
        state=ExportJob.State.RUNNING,
        rows_done=2,
        rows_total=3,
    )
    lost = f"{exports._claim_prefix(job.pk, 'task-1')}deadbeef.part"
    ExportJob.objects.filter(pk=job.pk).update(file_name=lost)
    exports_root.mkdir(parents=True)
    (exports_root / lost).write_text("Last name,First\nhalf a ro")

    # Another message for the same job (a duplicate) may be racing a live worker.
    duplicate = report_tasks.run_export_task.apply(args=[job.pk], task_id="task-2")

    assert duplicate.get() == "running"
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.file_name) == ("running", 2, lost)
    assert [p.name for p in exports_root.iterdir()] == [lost]

    # The same message again means its first delivery's worker was lost.
    redelivered = report_tasks.run_export_task.apply(args=[job.pk], task_id="task-1")

    assert redelivered.get() == "done"
    assert [p.name for p in exports_root.iterdir()] == [f"export-{job.pk}.csv"]
    assert len(read_csv(ExportJob.objects.get(pk=job.pk))) == 4


def test_two_workers_that_read_the_same_pending_job_write_it_once(
    small_cohort, exports_root, monkeypatch
):
    job = make_job(small_cohort["instructor"], cohort=small_cohort["cohort"])
    may_claim = exports._may_claim
    second = []

    def other_worker_claims_in_between(read_job, claim):
        # Worker "a" has read the job as pending; worker "b" claims and runs it now.
        if claim == "a" and not second:
            second.append(None)
            second[0] = exports.run_export(job_id=read_job.pk, claim="b")
        return may_claim(read_job, claim)

    monkeypatch.setattr(exports, "_may_claim", other_worker_claims_in_between)
    with CaptureQueriesContext(connection) as ctx:
        first = exports.run_export(job_id=job.pk, claim="a")

    finishes = [q for q in ctx.captured_queries if "SET \"state\" = 'done'" in q["sql"]]
    assert (first.state, second[0].state) == ("done", "done")
    assert len(finishes) == 1
    assert [p.name for p in exports_root.iterdir()] == [f"export-{job.pk}.csv"]


def test_a_run_whose_job_was_taken_over_stops_and_leaves_it_alone(
    small_cohort, exports_root, monkeypatch
):
    job = make_job(small_cohort["instructor"], cohort=small_cohort["cohort"])
    other = f"{exports._claim_prefix(job.pk, 'other')}cafe.part"

    def taken_over_after_the_first_row(n):
        if n == 1:
            ExportJob.objects.filter(pk=job.pk).update(file_name=other)

    on_each_row(monkeypatch, taken_over_after_the_first_row)
    again = exports.run_export(job_id=job.pk, progress_seconds=0)

    assert (again.state, again.file_name) == ("running", other)
    assert list(exports_root.iterdir()) == []


def test_a_failed_write_marks_the_job_failed_and_leaves_no_file(
    small_cohort, settings, tmp_path
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.EXPORTS_ROOT = blocker / "exports"
    job = make_job(small_cohort["instructor"], cohort=small_cohort["cohort"])

    with pytest.raises(OSError):
        exports.run_export(job_id=job.pk)

    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED
    assert "Not a directory" in job.error
    assert job.file_name == ""
    assert job.finished_at is not None


def grades_cohort(count: int):
    """A cohort of `count` students, each with a graded attempt on one of two quizzes."""
    course = CourseFactory()
    students = many_students(count, prefix=f"c{count}-")
    cohort, instructor = taught_cohort(course, students=students)
    quizzes = [QuizFactory(course=course), QuizFactory(course=course)]
    for quiz in quizzes:
        AssignmentFactory(cohort=cohort, quiz=quiz)
    Attempt.objects.bulk_create(
        Attempt(
            quiz=quizzes[i % 2],
            student=student,
            number=1,
            state=Attempt.State.GRADED,
            submitted_at=timezone.now(),
            score=Decimal(i % 5),
            max_score=Decimal(4),
        )
        for i, student in enumerate(students)
    )
    return cohort, instructor


def export_queries(cohort, instructor, **kwargs) -> int:
    job = make_job(instructor, cohort=cohort)
    with CaptureQueriesContext(connection) as ctx:
        exports.run_export(job_id=job.pk, **kwargs)
    assert ExportJob.objects.get(pk=job.pk).state == ExportJob.State.DONE
    return len(ctx.captured_queries)


def test_a_grades_export_is_six_queries_for_3_or_30_students():
    small, large = grades_cohort(3), grades_cohort(30)
    for cohort, _instructor in (small, large):
        for assignment in cohort.assignments.all():
            for student in cohort.students.all()[:2]:
                Extension.objects.create(
                    assignment=assignment, student=student, extra_minutes=5
                )

    # Read the job, claim it with its row count, grade overrides, assignments with
    # their extensions, the rows (a server-side cursor, or behind a pooler one page
    # of students), finish: no progress write this fast.
    assert export_queries(*small) == export_queries(*large) == 6


@pytest.fixture
def no_server_side_cursors(monkeypatch):
    """Settings as behind a transaction-mode pooler (DISABLE_SERVER_SIDE_CURSORS)."""
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)


def test_a_grades_export_of_many_students_is_still_six_queries(monkeypatch):
    if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        pytest.skip("no server-side cursor behind a transaction-mode pooler")
    monkeypatch.setattr(export_rows, "CHUNK_SIZE", 2)
    cohort, instructor = grades_cohort(7)

    # One cursor, fetched two rows at a time, however many students.
    assert export_queries(cohort, instructor) == 6


def test_a_grades_export_reads_pages_of_students_and_downloads_in_blocks(
    client, monkeypatch, no_server_side_cursors
):
    # Also run behind PgBouncer in transaction mode (tests/scaleout/test_pgbouncer.py),
    # where Django may keep no server-side cursor: the rows still come a page of
    # students at a time, each page an ordinary query (no ids read first, none
    # empty), and the download still streams.
    monkeypatch.setattr(export_rows, "CHUNK_SIZE", 2)
    monkeypatch.setattr(FileResponse, "block_size", 64)
    cohort, instructor = grades_cohort(5)
    job = make_job(instructor, cohort=cohort)

    with CaptureQueriesContext(connection) as ctx:
        exports.run_export(job_id=job.pk)
    chunk_queries = [
        q["sql"]
        for q in ctx.captured_queries
        if "LEFT OUTER JOIN" in q["sql"] and '"accounts_user"."id" IN' in q["sql"]
    ]
    client.force_login(instructor)
    response = client.get(reverse("reports:export-download", kwargs={"pk": job.pk}))
    blocks = list(response.streaming_content)

    assert len(chunk_queries) == 3  # students 1-2, 3-4, 5
    assert not any("DECLARE" in q["sql"] for q in ctx.captured_queries)
    assert response.streaming
    assert len(blocks) > 1 and max(len(block) for block in blocks) <= 64
    lines = b"".join(blocks).decode().splitlines()
    assert [line.split(",")[2] for line in lines[1:]] == [
        f"c5-{i:05d}@example.org" for i in range(5)
    ]


def test_pages_of_students_sharing_names_hold_every_student_once(
    monkeypatch, no_server_side_cursors, exports_root
):
    monkeypatch.setattr(export_rows, "CHUNK_SIZE", 2)
    cohort, instructor = grades_cohort(7)
    # Ties on last and first name: the page after a student is decided by the e-mail
    # and then the id, as the file is ordered.
    cohort.students.update(last_name="Same", first_name="Name")
    cohort.students.filter(email__endswith="00006@example.org").update(last_name="A")
    job = make_job(instructor, cohort=cohort)

    exports.run_export(job_id=job.pk)

    with open(exports_root / f"export-{job.pk}.csv", encoding="utf-8") as handle:
        emails = [row[2] for row in list(csv.reader(handle))[1:]]
    assert emails == [f"c7-{i:05d}@example.org" for i in (6, 0, 1, 2, 3, 4, 5)]


def responses_quiz(count: int):
    """A quiz of two questions answered by `count` students of a taught cohort."""
    course = CourseFactory()
    students = many_students(count, prefix=f"r{count}-")
    _cohort, instructor = taught_cohort(course, students=students)
    quiz = QuizFactory(course=course)
    q1, choices = single_choice(quiz, position=1)
    q2 = position_question(quiz, position=2)
    attempts = Attempt.objects.bulk_create(
        Attempt(
            quiz=quiz,
            student=student,
            number=1,
            state=Attempt.State.GRADED,
            submitted_at=timezone.now(),
            score=Decimal(1),
            max_score=Decimal(3),
        )
        for student in students
    )
    Response.objects.bulk_create(
        Response(attempt=attempt, question=question, answer=answer, score=Decimal(1))
        for attempt in attempts
        for question, answer in (
            (q1, {"choice": choices[0].id}),
            (q2, {"position": 50}),
        )
    )
    return quiz, instructor


def test_a_responses_export_is_five_queries_for_10_or_200_students():
    counts = []
    for size in (10, 200):
        quiz, instructor = responses_quiz(size)
        job = make_job(instructor, quiz=quiz)
        with CaptureQueriesContext(connection) as ctx:
            exports.run_export(job_id=job.pk)
        job.refresh_from_db()
        assert job.rows_done == job.rows_total == 2 * size
        counts.append(len(ctx.captured_queries))

    # Read the job, claim it with its row count, choices, the attempt ids, their
    # responses, finish.
    assert counts == [6, 6]


def export_peak(count: int) -> tuple[ExportJob, int]:
    """Run a grades export of `count` students in-process; its job and peak bytes."""
    cohort, instructor = grades_cohort(count)
    job = make_job(instructor, cohort=cohort)
    tracemalloc.start()
    try:
        exports.run_export(job_id=job.pk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    job.refresh_from_db()
    return job, peak


def test_a_1000_student_export_runs_in_flat_memory():
    job, peak = export_peak(1000)
    _bigger_job, bigger_peak = export_peak(3000)

    assert (job.state, job.rows_done, job.rows_total) == ("done", 1000, 1000)
    assert len(read_csv(job)) == 1001
    # Measured here: 0.83 MB at 1,000 students, 0.88 MB at 3,000 (Python objects only;
    # tracemalloc does not see libpq's C buffers). One 500-student chunk is the most
    # held at once, so the peak stops growing past 500 rows; keeping all 3,000 rows
    # as dicts alone measured 2.7 MB. 5 MB leaves room for allocator noise.
    assert peak < 5 * 1024 * 1024, f"peak {peak / 1024 / 1024:.2f} MB"
    assert bigger_peak < peak * 1.5, (peak, bigger_peak)


def test_the_export_task_writes_the_file_of_a_requested_job(
    small_cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = report_services.request_export(
            user=small_cohort["instructor"],
            kind=ExportJob.Kind.COHORT_GRADES,
            cohort=small_cohort["cohort"],
        )

    assert len(callbacks) == 1
    # Run the task body as the worker would; a second delivery finds the job done.
    assert report_tasks.run_export_task(job.pk) == "done"
    assert report_tasks.run_export_task(job.pk) == "done"
    assert len(read_csv(ExportJob.objects.get(pk=job.pk))) == 4


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_progress_bar_follows_the_job_and_offers_the_download(
    live_server, chromium_browser, settings, tmp_path
):

    settings.EXPORTS_ROOT = tmp_path / "browser-exports"
    course = CourseFactory()
    students = many_students(3, prefix="browser")
    cohort, instructor = taught_cohort(course, students=students)
    AssignmentFactory(cohort=cohort, quiz=QuizFactory(course=course, title="Borders"))
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    page = chromium_browser.new_context().new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", instructor.email)
        page.fill("input[name=password]", DEFAULT_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{live_server.url}{reverse('reports:index')}")
        page.get_by_role("button", name="Export grades (CSV)").click()

        expect(page.locator("progress")).to_be_visible()
        expect(page.get_by_role("link", name="Download CSV", exact=True)).to_be_hidden()
        job = ExportJob.objects.get(requested_by=instructor)
        assert job.state == ExportJob.State.PENDING
        # No worker here: run the queued task's body as one would, while the page polls.
        report_tasks.run_export_task(job.pk)

        expect(
            page.get_by_role("link", name="Download CSV", exact=True)
        ).to_be_visible()
        expect(page.locator("progress")).to_have_attribute("value", "3")
        expect(page.locator("[data-progress-text]")).to_have_text("3 / 3")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download CSV", exact=True).click()
        body = download.value.path().read_text(encoding="utf-8")
        assert body.splitlines()[0] == (
            "Last name,First name,E-mail,Borders,Borders status"
        )
        assert len(body.splitlines()) == 4
    finally:
        page.context.close()
        # The page's request queued the task in this test's Redis database.
        broker.delete("celery")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_a_requested_export(celery_worker_proc, settings):

    # The worker process keeps the test settings' folder, not this test's tmp_path.
    from config.settings import test as test_settings

    settings.EXPORTS_ROOT = test_settings.EXPORTS_ROOT
    cohort, instructor = grades_cohort(30)

    job = report_services.request_export(
        user=instructor, kind=ExportJob.Kind.COHORT_GRADES, cohort=cohort
    )

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in (ExportJob.State.DONE, ExportJob.State.FAILED):
            break
        time.sleep(0.2)
    try:
        assert (job.state, job.rows_done, job.rows_total) == ("done", 30, 30)
        assert len(read_csv(job)) == 31
    finally:
        exports.export_path(job.file_name or "missing.csv").unlink(missing_ok=True)


def test_text_a_spreadsheet_would_run_as_a_formula_is_defused(small_cohort):
    quiz = QuizFactory(course=small_cohort["cohort"].course, title="=Borders")
    question = QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.SHORT_ANSWER,
        data={"answers": [{"text": "no one", "credit": 1.0, "feedback": ""}]},
    )
    student = small_cohort["ada"]
    student.last_name = "@Adams"
    student.save(update_fields=["last_name"])
    graded_attempt(quiz, student, {question: {"text": '=HYPERLINK("http://x")'}})
    job = make_job(small_cohort["instructor"], quiz=quiz)

    exports.run_export(job_id=job.pk)

    row = read_csv(ExportJob.objects.get(pk=job.pk))[1]
    assert row[0] == "'@Adams"
    assert row[9] == '\'=HYPERLINK("http://x")'
    assert row[10] == "0.000"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+2", "'=1+2"),
        ("\tcmd", "'\tcmd"),
        ('ok;=HYPERLINK("http://x")', 'ok;\'=HYPERLINK("http://x")'),
        ("a, -2+3", "a, '-2+3"),
        ('a;"@SUM(A1)', "a;\"'@SUM(A1)"),
        ("no formula; none, here", "no formula; none, here"),
    ],
)
def test_a_formula_after_either_separator_is_defused(text, written):
    assert exports._cell(text) == written
    assert exports._cell(7) == 7


def test_a_semicolon_locale_cannot_split_an_answer_into_a_formula(small_cohort):
    quiz = QuizFactory(course=small_cohort["cohort"].course, title="Borders")
    question = QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.SHORT_ANSWER,
        data={"answers": [{"text": "no one", "credit": 1.0, "feedback": ""}]},
    )
    student = small_cohort["ada"]
    graded_attempt(quiz, student, {question: {"text": 'fine;=HYPERLINK("http://x")'}})
    job = make_job(small_cohort["instructor"], quiz=quiz)

    exports.run_export(job_id=job.pk)

    row = read_csv(ExportJob.objects.get(pk=job.pk))[1]
    assert row[9] == 'fine;\'=HYPERLINK("http://x")'
    # As a semicolon-locale spreadsheet splits the cell: no piece starts a formula.
    assert not any(piece.startswith("=") for piece in row[9].split(";"))


def test_cohort_grades_csv_takes_overrides_and_excused(small_cohort):
    cohort, instructor = small_cohort["cohort"], small_cohort["instructor"]
    borders, remittances = (
        cohort.assignments.get(quiz=quiz) for quiz in small_cohort["quizzes"]
    )
    quiz_services.set_grade_override(
        assignment=borders,
        student=small_cohort["ben"],
        instructor=instructor,
        grade=Decimal("70"),
        reason="Late penalty waived.",
    )
    quiz_services.set_grade_override(
        assignment=remittances,
        student=small_cohort["cy"],
        instructor=instructor,
        excused=True,
        reason="Illness.",
    )
    job = make_job(instructor, cohort=cohort)
    exports.run_export(job_id=job.pk, now=small_cohort["due"] + timedelta(days=3))
    rows = read_csv(ExportJob.objects.get(pk=job.pk))
    assert rows[2] == [
        "Brown",
        "Ben",
        "ben@example.org",
        "70.0",
        "grade overridden; late",
        "",
        "",
    ]
    assert rows[3][5:] == ["", "excused"]


def test_messages_queued_under_the_names_before_the_split_still_run(small_cohort):
    """A message queued as quizzes.reports.tasks.* before the upgrade is still taken."""
    from config.celery import app

    job = make_job(small_cohort["instructor"], cohort=small_cohort["cohort"])
    export = app.tasks["quizzes.reports.tasks.run_export_task"]
    assert export.apply(args=[job.pk], task_id="before-the-split").get() == "done"
    assert len(read_csv(ExportJob.objects.get(pk=job.pk))) == 4
    quiz = small_cohort["quizzes"][0]
    refresh = app.tasks["quizzes.reports.tasks.refresh_quiz_statistics_task"]
    assert set(refresh.apply(args=[quiz.pk]).get()) == {"first", "all"}
