"""Building the outbox: one row per report, never twice, in batches of fixed query cost."""

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progress import services
from progress.models import ProgressReport
from tests.helpers.queries import count_queries

from .factories import PERIOD, add_busy_students, seed_cohort

pytestmark = pytest.mark.django_db
Kind = ProgressReport.Kind


def test_build_writes_one_pending_row_per_report_with_both_bodies():
    seeded = seed_cohort()
    assert services.build_reports(period=PERIOD) == 3
    rows = {(r.user_id, r.kind): r for r in ProgressReport.objects.all()}
    assert set(rows) == {
        (seeded.ada.pk, Kind.STUDENT),
        (seeded.ben.pk, Kind.STUDENT),
        (seeded.instructor.pk, Kind.INSTRUCTOR),
    }
    ada = rows[(seeded.ada.pk, Kind.STUDENT)]
    assert ada.state == ProgressReport.State.PENDING
    assert ada.period == PERIOD and ada.attempts == 0 and ada.sent_at is None
    assert "75.0%" in ada.text_body and "75.0%" in ada.html_body
    assert ada.html_body.lstrip().startswith("<!doctype html>")


def test_rebuilding_a_period_creates_nothing_twice():
    seed_cohort()
    assert services.build_reports(period=PERIOD) == 3
    assert services.build_reports(period=PERIOD) == 0
    assert ProgressReport.objects.count() == 3
    assert services.build_reports(period=PERIOD + timedelta(days=7)) == 3


def test_a_row_written_by_a_racing_build_is_kept_not_duplicated():
    seeded = seed_cohort()
    ProgressReport.objects.create(
        user=seeded.ada,
        period=PERIOD,
        kind=Kind.STUDENT,
        subject="Built by the other run",
        text_body="x",
        html_body="x",
    )
    # The other run's row hides Ada from this run's reads, and ignore_conflicts
    # would settle a row landing between the read and the insert.
    assert services.build_reports(period=PERIOD) == 2
    assert (
        ProgressReport.objects.get(user=seeded.ada).subject == "Built by the other run"
    )


def test_kind_limits_the_build_to_students_or_instructors():
    seeded = seed_cohort()
    assert services.build_reports(period=PERIOD, kinds=(Kind.INSTRUCTOR,)) == 1
    assert ProgressReport.objects.get().user == seeded.instructor


def test_build_refuses_a_period_that_is_not_a_monday():
    with pytest.raises(ValueError, match="Monday"):
        services.build_reports(period=PERIOD + timedelta(days=1))


def test_build_sends_nothing():
    seed_cohort()
    services.build_reports(period=PERIOD)
    assert django_mail.outbox == []


def test_build_reads_users_in_batches_each_at_the_same_fixed_cost():
    seeded = seed_cohort()
    add_busy_students(seeded, 18)  # 20 students want reports

    def build(weeks: int, batch_size: int) -> int:
        period = PERIOD + timedelta(days=7 * weeks)
        queries = count_queries(
            lambda: services.build_reports(
                period=period, kinds=(Kind.STUDENT,), batch_size=batch_size
            )
        )
        assert ProgressReport.objects.filter(period=period).count() == 20
        return queries

    one, two, three = build(0, 25), build(1, 12), build(2, 7)
    # 20 users in one batch, in two (12 + 8) and in three (7 + 7 + 6).
    assert three - two == two - one > 0


def test_build_query_count_is_the_same_for_20_and_200_students():
    seeded = seed_cohort()
    add_busy_students(seeded, 18)
    small = count_queries(lambda: services.build_reports(period=PERIOD, batch_size=500))
    assert ProgressReport.objects.filter(period=PERIOD).count() == 21
    add_busy_students(seeded, 180)
    next_week = PERIOD + timedelta(days=7)
    large = count_queries(
        lambda: services.build_reports(period=next_week, batch_size=500)
    )
    assert ProgressReport.objects.filter(period=next_week).count() == 201
    assert small == large


def test_send_query_count_is_fixed_plus_one_update_per_message():
    seeded = seed_cohort()
    add_busy_students(seeded, 18)
    services.build_reports(period=PERIOD)
    small = count_queries(lambda: services.send_due_reports(batch_size=500))
    assert len(django_mail.outbox) == 21
    add_busy_students(seeded, 180)
    services.build_reports(period=PERIOD + timedelta(days=7))
    large = count_queries(lambda: services.send_due_reports(batch_size=500))
    assert len(django_mail.outbox) == 21 + 201
    # Each accepted message is marked sent by its own UPDATE; nothing else grows.
    assert small - 21 == large - 201


def test_each_send_batch_costs_the_same_queries_plus_one_mark_per_message():
    seeded = seed_cohort()
    add_busy_students(seeded, 18)  # 21 reports with the instructor's

    def send(weeks: int, batch_size: int) -> int:
        period = PERIOD + timedelta(days=7 * weeks)
        services.build_reports(period=period)
        with CaptureQueriesContext(connection) as captured:
            assert services.send_due_reports(batch_size=batch_size).sent == 21
        marks = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].startswith("UPDATE") and "sent_at" in q["sql"]
        ]
        # Each message is marked sent by its own statement, nothing else per message.
        assert len(marks) == 21
        return len(captured.captured_queries) - len(marks)

    # 21 reports in one batch, in two (11 + 10) and in three (7 + 7 + 7).
    one, two, three = send(0, 25), send(1, 11), send(2, 7)
    assert three - two == two - one > 0


def test_the_claim_reads_the_send_queue_off_its_index_without_sorting():
    from django.utils import timezone

    seed_cohort()
    services.build_reports(period=PERIOD)
    with connection.cursor() as cursor:
        # A handful of rows would be read by a scan; the point is the index fits.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    plan = (
        ProgressReport.objects.due(timezone.now())
        .values_list("pk", flat=True)[: services.send_batch_size()]
        .explain()
    )
    assert "progress_report_queue_idx" in plan
    assert "Sort" not in plan


def test_the_outbox_keeps_no_index_the_unique_constraint_already_gives():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, ProgressReport._meta.db_table
        )
    indexes = {
        name
        for name, info in constraints.items()
        if info["index"] or info["unique"] or info["primary_key"]
    }
    assert indexes == {
        "progress_progressreport_pkey",
        "progress_report_unique",
        "progress_report_queue_idx",
    }
    assert constraints["progress_report_unique"]["columns"][0] == "user_id"


def test_instructor_digest_query_count_is_the_same_for_2_and_12_instructors():
    from tests.accounts.factories import InstructorFactory
    from tests.courses.factories import CohortFactory

    seeded = seed_cohort()

    def add_instructors(count: int) -> None:
        for _ in range(count):
            cohort = CohortFactory(
                course=seeded.course, instructors=[InstructorFactory()]
            )
            add_busy_students(type(seeded)(**{**seeded.__dict__, "cohort": cohort}), 3)

    add_instructors(1)
    small = count_queries(
        lambda: services.build_reports(
            period=PERIOD, kinds=(Kind.INSTRUCTOR,), batch_size=50
        )
    )
    add_instructors(10)
    next_week = PERIOD + timedelta(days=7)
    large = count_queries(
        lambda: services.build_reports(
            period=next_week, kinds=(Kind.INSTRUCTOR,), batch_size=50
        )
    )
    assert ProgressReport.objects.filter(period=PERIOD).count() == 2
    assert ProgressReport.objects.filter(period=next_week).count() == 12
    assert small == large


def test_dates_are_shown_in_the_recipients_time_zone():
    seeded = seed_cohort()
    seeded.ada.timezone = "Europe/Paris"
    seeded.ada.save(update_fields=["timezone"])
    services.build_reports(period=PERIOD, kinds=(Kind.STUDENT,))
    ada = ProgressReport.objects.get(user=seeded.ada)
    assert "Labour markets: Wed 25 Nov, 13:00 CET" in ada.text_body
    ben = ProgressReport.objects.get(user=seeded.ben)
    assert "Labour markets: Wed 25 Nov, 12:00 UTC" in ben.text_body


def test_reports_keep_to_each_students_and_instructors_own_cohorts():
    from quizzes.models import Assignment
    from tests.accounts.factories import InstructorFactory, UserFactory
    from tests.courses.factories import CohortFactory
    from tests.quizzes.factories import QuizFactory

    from .factories import at

    seeded = seed_cohort()
    other_teacher = InstructorFactory()
    other = CohortFactory(
        course=seeded.course, name="Spring", instructors=[other_teacher]
    )
    outsider = UserFactory(email="zed@example.org")
    other.students.add(outsider)
    secret = QuizFactory(lesson=seeded.lessons[0], title="Spring only")
    Assignment.objects.create(cohort=other, quiz=secret, opens_at=at(1), due_at=at(24))

    services.build_reports(period=PERIOD)
    reports_by_user = {r.user_id: r.text_body for r in ProgressReport.objects.all()}
    assert "Spring only" not in reports_by_user[seeded.ada.pk]
    assert "Spring only" in reports_by_user[outsider.pk]
    assert "zed@example.org" not in reports_by_user[seeded.instructor.pk]
    theirs = reports_by_user[other_teacher.pk]
    assert "== Spring (Global migration) ==" in theirs
    assert "Autumn" not in theirs and "Ben Okri" not in theirs


def test_reports_alike_but_for_the_name_render_once_and_read_as_rendered_alone(
    monkeypatch, settings
):
    from django.contrib.auth import get_user_model

    from progress import mail, reports, selectors

    seeded = seed_cohort()
    busy = add_busy_students(seeded, 4)
    # Marks that an HTML part must escape and a text part must not, and another zone.
    get_user_model().objects.filter(pk=busy[0].pk).update(
        first_name="Zoë <b>&", last_name="O'Hara"
    )
    get_user_model().objects.filter(pk=busy[1].pk).update(timezone="Asia/Tokyo")
    renders = []
    render = mail._render
    monkeypatch.setattr(
        mail, "_render", lambda *args: renders.append(args[0]) or render(*args)
    )

    drafts = {
        draft.user_id: draft
        for batch in services.iter_drafts(period=PERIOD, kind=Kind.STUDENT)
        for draft in batch
    }
    rendered = len(renders)

    week = reports.Week(PERIOD)
    users = list(selectors.student_recipients().order_by("pk"))
    facts, questions, names = selectors.student_facts(users, week=week)
    for user in users:
        report = reports.build_student_report(
            facts[user.pk],
            week=week,
            questions=questions,
            tradeoff_names=names,
            site_url=settings.SITE_URL,
        )
        assert drafts[user.pk] == mail.render_student(report, user=user)
    # Ada, Ben, the busy students in UTC (one rendering for the three whose reports
    # differ in the name only) and the one in Tokyo (its due dates read otherwise).
    assert rendered == 4 and len(drafts) == 6
    zoe = drafts[busy[0].pk]
    assert "Hello Zoë <b>& O'Hara," in zoe.text_body
    assert "Hello Zoë &lt;b&gt;&amp; O&#x27;Hara," in zoe.html_body
