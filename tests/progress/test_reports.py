"""The pure builders: periods, quiz changes, mastery, passages, due work, digests, retries."""

import dataclasses
import random
import smtplib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from progress import delivery, reports
from quizzes import coursework

D = Decimal
WEEK = reports.Week(date(2026, 11, 16))
SITE = "https://tradeoffs.example"


def _moment(day: int) -> datetime:
    return datetime(2026, 11, day, 12, tzinfo=UTC)


def _attempt(quiz_id, number, percent, day, *, student=1, state="graded"):
    return coursework.AttemptRow(
        student_id=student,
        quiz_id=quiz_id,
        number=number,
        state=state,
        submitted_at=_moment(day),
        score=None if percent is None else D(percent),
        max_score=D(100),
    )


def _response(question_id, score, max_score, day, *, student=1):
    return reports.ResponseRow(
        student, question_id, D(score), D(max_score), _moment(day)
    )


def _question(qid, url="", tradeoffs=(), lesson="Borders", paragraph=None):
    return reports.QuestionInfo(
        qid, f"Question {qid}", url, lesson, paragraph, tuple(tradeoffs)
    )


class TestPeriods:
    def test_an_iso_week_parses_to_its_monday(self):
        assert reports.parse_period("2026-W48") == date(2026, 11, 23)
        assert reports.parse_period("2027-W01") == date(2027, 1, 4)

    @pytest.mark.parametrize("value", ["2026-48", "2026-W54", "W48", "2026-W"])
    def test_anything_else_is_refused(self, value):
        with pytest.raises(ValueError):
            reports.parse_period(value)

    def test_a_week_runs_monday_to_monday_utc(self):
        assert WEEK.start == datetime(2026, 11, 16, tzinfo=UTC)
        assert WEEK.end == datetime(2026, 11, 23, tzinfo=UTC)
        assert WEEK.label == "2026-W47"

    def test_last_complete_week_is_the_one_before_the_current(self):
        monday_six = datetime(2026, 11, 30, 6, tzinfo=UTC)
        assert reports.last_complete_week(monday_six) == date(2026, 11, 23)
        sunday_night = datetime(2026, 11, 29, 23, 59, tzinfo=UTC)
        assert reports.last_complete_week(sunday_night) == date(2026, 11, 16)


class TestQuizResults:
    quizzes = {7: reports.QuizInfo(7, "Borders", "highest")}

    def test_change_is_against_the_grade_when_the_week_began(self):
        [result] = reports.quiz_results(
            self.quizzes, [_attempt(7, 1, 40, 10), _attempt(7, 2, 70, 18)], WEEK
        )
        assert (result.grade, result.previous, result.change) == (D(70), D(40), D(30))

    def test_a_first_grade_this_week_has_no_change(self):
        [result] = reports.quiz_results(self.quizzes, [_attempt(7, 1, 55, 17)], WEEK)
        assert result.previous is None and result.change is None

    def test_attempts_after_the_week_do_not_count(self):
        [result] = reports.quiz_results(
            self.quizzes, [_attempt(7, 1, 40, 18), _attempt(7, 2, 90, 24)], WEEK
        )
        assert result.grade == D(40)

    def test_ungraded_quizzes_are_left_out(self):
        pending = _attempt(7, 1, None, 18, state="needs_review")
        assert reports.quiz_results(self.quizzes, [pending], WEEK) == []


class TestMasteryAndReview:
    questions = {
        1: _question(1, "/l/a/#p1", tradeoffs=[10], paragraph=1),
        2: _question(2, "/l/a/#p2", tradeoffs=[10, 20], paragraph=2),
        3: _question(3, "/l/b/#p1", tradeoffs=[20], lesson="Labour", paragraph=1),
        4: _question(4, "/l/b/#p1", lesson="Labour", paragraph=1),
    }
    names = {10: "Security ↔ Rights", 20: "Labour ↔ Fears"}

    def test_mastery_is_the_share_of_credit_on_the_latest_answers(self):
        latest = reports.latest_responses(
            [
                _response(1, 0, 2, 10),
                _response(1, 2, 2, 18),  # the later answer replaces the first
                _response(2, 0, 1, 18),
                _response(3, 1, 1, 18),
            ]
        )
        mastery = reports.mastery_by_tradeoff(latest, self.questions, self.names)
        assert [(m.tradeoff, m.percent, m.rest) for m in mastery] == [
            ("Labour ↔ Fears", 50, 50),
            ("Security ↔ Rights", 67, 33),
        ]

    def test_recall_questions_do_not_count_towards_mastery(self):
        questions = {
            **self.questions,
            1: dataclasses.replace(self.questions[1], applied=False),
        }
        latest = reports.latest_responses(
            [_response(1, 2, 2, 18), _response(2, 0, 1, 18)]
        )
        mastery = reports.mastery_by_tradeoff(latest, questions, self.names)
        # Only question 2 (apply level) counts for Security ↔ Rights: 0 of 1.
        assert [(m.tradeoff, m.percent) for m in mastery] == [
            ("Labour ↔ Fears", 0),
            ("Security ↔ Rights", 0),
        ]

    def test_negative_scores_count_as_nothing_earned(self):
        latest = reports.latest_responses([_response(1, -1, 2, 10)])
        [mastery] = reports.mastery_by_tradeoff(latest, self.questions, self.names)
        assert mastery.percent == 0

    def test_review_ranks_passages_by_credit_lost_and_links_absolutely(self):
        latest = reports.latest_responses(
            [
                _response(1, 1, 2, 18),  # lost 1 on /l/a/#p1
                _response(2, 1, 1, 18),  # right: not worth reviewing
                _response(3, 0, 1, 18),  # lost 1 on /l/b/#p1 ...
                _response(4, D("0.5"), 1, 18),  # ... and 0.5 more there
            ]
        )
        passages = reports.passages_to_review(latest, self.questions, SITE)
        assert [(p.url, p.questions_missed) for p in passages] == [
            (f"{SITE}/l/b/#p1", 2),
            (f"{SITE}/l/a/#p1", 1),
        ]

    def test_review_shows_at_most_three_passages(self):
        questions = {i: _question(i, f"/l/{i}/#p1") for i in range(1, 6)}
        latest = reports.latest_responses([_response(i, 0, 1, 18) for i in range(1, 6)])
        assert len(reports.passages_to_review(latest, questions, SITE)) == 3


class TestWorkDue:
    def _facts(self, attempts=(), extensions=None):
        assignments = [
            coursework.AssignmentRow(
                1, 11, "Due soon", "highest", _moment(1), _moment(25)
            ),
            coursework.AssignmentRow(
                2, 12, "Overdue", "highest", _moment(1), _moment(20)
            ),
            coursework.AssignmentRow(
                3, 13, "Far off", "highest", _moment(1), _moment(30)
            ),
            coursework.AssignmentRow(4, 14, "Done", "highest", _moment(1), _moment(19)),
        ]
        return reports.StudentFacts(
            user_id=1,
            name="Ada",
            assignments=assignments,
            attempts=list(attempts),
            extensions=extensions or {},
        )

    def test_due_next_week_and_overdue_at_the_weeks_end(self):
        facts = self._facts(attempts=[_attempt(14, 1, 80, 18)])
        due, overdue = reports.work_due(facts, WEEK)
        assert [i.title for i in due] == ["Due soon"]
        assert [i.title for i in overdue] == ["Overdue"]

    def test_an_extension_moves_overdue_work_to_due(self):
        from quizzes.rules import ExtensionTerms

        facts = self._facts(
            attempts=[_attempt(14, 1, 80, 18)],
            extensions={2: [ExtensionTerms(due_at=_moment(26))]},
        )
        due, overdue = reports.work_due(facts, WEEK)
        assert [(i.title, i.extended) for i in due] == [
            ("Due soon", False),
            ("Overdue", True),
        ]
        assert overdue == []


class TestCohortDigest:
    def test_completion_averages_lateness_and_hardest_questions(self):
        students = [coursework.StudentRow(i, f"S{i}", f"s{i}@x.org") for i in (1, 2, 3)]
        facts = reports.CohortFacts(
            cohort_id=1,
            name="Autumn",
            course_title="Migration",
            lesson_count=4,
            students=students,
            completions={1: 4, 2: 2},
            completions_this_week=3,
            assignments=[
                coursework.AssignmentRow(
                    9, 11, "Quiz A", "highest", _moment(1), _moment(19)
                )
            ],
            attempts=[
                _attempt(11, 1, 80, 18, student=1),
                _attempt(11, 1, 60, 21, student=2),
            ],
            responses=[
                _response(5, 0, 1, 18, student=1),
                _response(5, 0, 1, 21, student=2),
                _response(6, 1, 1, 18, student=1),
                _response(6, 0, 1, 21, student=2),
            ],
            queue_count=2,
        )
        questions = {5: _question(5, "/l/a/#p1"), 6: _question(6)}
        digest = reports.build_cohort_digest(
            facts, week=WEEK, questions=questions, site_url=SITE
        )
        assert digest.completion_percent == 50  # 6 of 12 lessons
        [summary] = digest.assignments
        assert (summary.average, summary.done, summary.late, summary.missing) == (
            D(70),
            1,
            1,
            1,
        )
        assert [(b.name, b.missing, b.late) for b in digest.behind] == [
            ("S2", [], ["Quiz A"]),
            ("S3", ["Quiz A"], []),
        ]
        assert [(q.text, q.missed, q.answered, q.url) for q in digest.hardest] == [
            ("Question 5", 2, 2, f"{SITE}/l/a/#p1"),
            ("Question 6", 1, 2, ""),
        ]
        assert digest.queue_count == 2


class TestDelivery:
    def test_4xx_replies_and_dropped_connections_are_transient(self):
        assert delivery.classify(
            smtplib.SMTPSenderRefused(421, b"busy", "a@b")
        ).transient
        assert delivery.classify(smtplib.SMTPDataError(451, b"later")).transient
        assert delivery.classify(smtplib.SMTPServerDisconnected("gone")).transient
        assert delivery.classify(ConnectionRefusedError(111, "refused")).transient
        assert delivery.classify(
            smtplib.SMTPRecipientsRefused({"a@b": (450, b"mailbox busy")})
        ).transient

    def test_5xx_replies_are_permanent_with_the_reason(self):
        failure = delivery.classify(
            smtplib.SMTPRecipientsRefused({"a@b.org": (550, b"5.1.1 No such user")})
        )
        assert failure == delivery.Failure(False, "a@b.org: 550 5.1.1 No such user")
        assert not delivery.classify(smtplib.SMTPDataError(554, b"spam")).transient
        assert not delivery.classify(ValueError("bad header")).transient

    def test_backoff_doubles_with_jitter_up_to_a_cap(self):
        rng = random.Random(7)
        base = timedelta(minutes=1)
        for attempts in range(1, 6):
            delay = delivery.backoff(attempts, base=base, rng=rng)
            full = base * 2 ** (attempts - 1)
            assert full / 2 <= delay <= full
        cap = timedelta(minutes=5)
        assert delivery.backoff(30, base=base, cap=cap, rng=rng) <= cap

    def test_backoff_spreads_retries_that_failed_together(self):
        rng = random.Random(1)
        delays = {delivery.backoff(3, rng=rng) for _ in range(20)}
        assert len(delays) == 20
