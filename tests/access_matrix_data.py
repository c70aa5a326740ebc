"""The access-control matrix: every URL of the project, how to call it, who gets what.

Roles (the seeded world in tests/test_access_matrix.py):
- anonymous: not signed in;
- student: enrolled in course A, member of cohort A, owner of the attempts and of the
  essay answer waiting for a score;
- other_student: enrolled in course B and member of cohort B, nothing on course A;
- instructor: teaches cohort A (course A), requested the export job;
- other_instructor: teaches cohort A2, another cohort of course A, so course-level checks
  pass and only cohort scoping keeps cohort A's rows away;
- outside_instructor: teaches cohort B (course B) only;
- staff: is_staff and superuser, teaches nothing;
- bare_staff: is_staff without any permission, teaches nothing: being staff alone grants
  no instructor power (the courses.teach_all_cohorts permission does).

Expected outcomes are pinned from reading the views: an int is that status (a 302 must
not lead to a login page), a `Login` is a 302 to that login page. Where someone outside
gets a 200 (a dashboard, a list), `private` maps strings of cohort A and its student to
the only roles that may find them in the body. A URL missing from ROUTES, or a route here that no longer exists, fails
tests/test_access_matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from progress import mail

ROLES = (
    "anonymous",
    "student",
    "other_student",
    "instructor",
    "other_instructor",
    "outside_instructor",
    "staff",
    "bare_staff",
)
SIGNED_IN = ROLES[1:]


@dataclass(frozen=True)
class Login:
    """A 302 to the login page named `url_name` (with ?next=)."""

    url_name: str = "accounts:login"


LOGIN = Login()
ADMIN_LOGIN = Login("admin:login")

Outcome = int | Login


@dataclass
class World:
    """The seeded rows and users the table's kwargs and bodies read from."""

    users: dict[str, User | None]
    course: Any
    lesson: Any
    quiz: Any
    attempt: Any  # the student's attempt in progress
    finished_attempt: Any  # the student's submitted attempt, waiting for a person
    cohort: Any
    assignment: Any
    extension: Any
    response: Any  # the student's essay answer in the grading queue
    export_job: Any  # a finished export, requested by the instructor
    practice_set: Any = None  # the student's practice set of today on course A
    # role -> session key, logged in once while seeding rather than once per request
    sessions: dict[str, str] = field(default_factory=dict)

    def student_from_db(self) -> User:
        # A login in an earlier (rolled-back) test moved the object's last_login,
        # which the reset token hashes; the row is the truth.
        return User.objects.get(pk=self.users["student"].pk)


@dataclass(frozen=True)
class Check:
    """One request to a URL and the outcome per role."""

    method: str
    expect: dict[str, Outcome]
    body: Callable[[World], dict] | None = None
    private: Callable[[World], dict[str, tuple[str, ...]]] | None = None
    # role -> reason: a known wrong outcome, kept as an xfail(strict=True).
    xfail: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """A URL: its name, its route pattern, its kwargs from the world, its checks."""

    name: str
    route: str
    kwargs: Callable[[World], dict]
    checks: tuple[Check, ...]
    api: bool = False  # requests go through DRF's APIClient as JSON


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    """The same outcome for every role, visitors included."""
    return dict.fromkeys(ROLES, outcome)


def signed_in(ok: Outcome, anonymous: Outcome = LOGIN) -> dict[str, Outcome]:
    """Visitors are sent to log in (or refused); every signed-in user gets `ok`."""
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, ok)}


def owner_only(ok: Outcome, anonymous: Outcome = LOGIN) -> dict[str, Outcome]:
    """The student's own attempt: theirs alone; to everyone else it does not exist."""
    return {
        **dict.fromkeys(SIGNED_IN, 404),
        "anonymous": anonymous,
        "student": ok,
    }


def teachers(outcome: Outcome) -> dict[str, Outcome]:
    """Overrides for both instructors who do not teach cohort A."""
    return {"other_instructor": outcome, "outside_instructor": outcome}


def instructor_page(ok: Outcome, **overrides: Outcome) -> dict:
    """instructor_required: log in, students refused (403), cohort-scoped lookups."""
    return {
        "anonymous": LOGIN,
        "student": 403,
        "other_student": 403,
        "instructor": ok,
        **teachers(404),
        "staff": ok,
        "bare_staff": 403,
        **overrides,
    }


def reports_page(ok: Outcome, **overrides: Outcome) -> dict:
    """Report pages: log in, then students find nothing there (404)."""
    return {
        "anonymous": LOGIN,
        "student": 404,
        "other_student": 404,
        "instructor": ok,
        **teachers(404),
        "staff": ok,
        "bare_staff": 404,
        **overrides,
    }


def requester_only(ok: Outcome, anonymous: Outcome = LOGIN) -> dict:
    """An export job: only the instructor who asked for it sees it, staff included."""
    return {**dict.fromkeys(SIGNED_IN, 404), "anonymous": anonymous, "instructor": ok}


def instructor_api(ok: Outcome, **overrides: Outcome) -> dict:
    """IsInstructor: session auth first, so a visitor gets 403; students get 404."""
    return {
        "anonymous": 403,
        "student": 404,
        "other_student": 404,
        "instructor": ok,
        **teachers(404),
        "staff": ok,
        "bare_staff": 404,
        **overrides,
    }


def reports_api(ok: Outcome, **overrides: Outcome) -> dict:
    """Reports API: token auth first, so a visitor gets 401 with a challenge."""
    return instructor_api(ok, **{"anonymous": 401, **overrides})


def _none(w: World) -> dict:
    return {}


def _quiz(w: World) -> dict:
    return {"pk": w.quiz.pk}


def _question_media(w: World) -> dict:
    # No file is stored under this hash: signed-in users get a 404, visitors log in.
    return {"digest": "0123456789abcdef", "name": "chart.png"}


def _attempt(w: World) -> dict:
    return {"pk": w.attempt.pk}


def _finished(w: World) -> dict:
    return {"pk": w.finished_attempt.pk}


def _cohort(w: World) -> dict:
    return {"pk": w.cohort.pk}


def _cohort_student(w: World) -> dict:
    return {"pk": w.cohort.pk, "student_id": w.users["student"].pk}


def _assignment(w: World) -> dict:
    return {"pk": w.assignment.pk}


def _extension(w: World) -> dict:
    return {"pk": w.extension.pk}


def _response(w: World) -> dict:
    return {"pk": w.response.pk}


def _student_work(w: World) -> dict:
    return {"pk": w.assignment.pk, "student_id": w.users["student"].pk}


def _export(w: World) -> dict:
    return {"pk": w.export_job.pk}


def _course(w: World) -> dict:
    return {"slug": w.course.slug}


def _lesson_page(w: World) -> dict:
    return {"course_slug": w.course.slug, "slug": w.lesson.slug}


def _lesson(w: World) -> dict:
    return {"pk": w.lesson.pk}


def _reset_link(w: World) -> dict:
    student = w.student_from_db()
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(student.pk)),
        "token": default_token_generator.make_token(student),
    }


def _unsubscribe(w: World) -> dict:
    return {"token": mail.unsubscribe_token(w.users["student"].pk)}


def _empty(w: World) -> dict:
    return {}


def _practice_course(w: World) -> dict:
    return {"course_slug": w.course.slug}


def _practice_set(w: World) -> dict:
    return {"pk": w.practice_set.pk}


def _practice_item(w: World) -> dict:
    return {"pk": w.practice_set.pk, "position": 1}


def enrolled_student(ok: Outcome) -> dict[str, Outcome]:
    """A course's practice: its enrolled student alone; everyone else is refused."""
    return {**dict.fromkeys(SIGNED_IN, 403), "anonymous": LOGIN, "student": ok}


TEACHES_A = ("instructor", "staff")


def _cohort_a(w: World) -> dict[str, tuple[str, ...]]:
    student = w.users["student"]
    return dict.fromkeys(
        (w.cohort.name, student.email, student.get_full_name()), TEACHES_A
    )


def _cohort_a_exports(w: World) -> dict[str, tuple[str, ...]]:
    detail = reverse("reports:export-detail", kwargs={"pk": w.export_job.pk})
    # Staff report on every cohort, but see only the exports they asked for.
    return {w.cohort.name: TEACHES_A, detail: ("instructor",)}


def _students_attempts(w: World) -> dict[str, tuple[str, ...]]:
    return {
        reverse("quizzes:attempt", kwargs={"pk": w.attempt.pk}): ("student",),
        reverse("quizzes:result", kwargs={"pk": w.finished_attempt.pk}): ("student",),
    }


def _cohort_a_work(w: World) -> dict[str, tuple[str, ...]]:
    return {w.quiz.title: ("student",)}


GET = "get"
POST = "post"

# Anyone may reach these; signed-in users are sent on from the forms to sign in or up.
_ANON_FORM = {"anonymous": 200, **dict.fromkeys(SIGNED_IN, 302)}

PAGES = (
    Route("home", "", _none, (Check(GET, everyone(200)),)),
    # A redirect to the static icon, for pages that name none.
    Route("favicon", "favicon.ico", _none, (Check(GET, everyone(302)),)),
    Route("accounts:signup", "accounts/signup/", _none, (Check(GET, _ANON_FORM),)),
    Route("accounts:login", "accounts/login/", _none, (Check(GET, _ANON_FORM),)),
    # A link from the sign-up e-mail: a bad token is a message on the catalogue.
    Route(
        "accounts:verify_email",
        "accounts/verify/<str:token>/",
        lambda w: {"token": "not-a-token"},
        (Check(GET, everyone(302)), Check(POST, everyone(405))),
    ),
    Route(
        "accounts:resend_verification",
        "accounts/verify-again/",
        _none,
        (Check(GET, everyone(405)), Check(POST, signed_in(302))),
    ),
    # Logging out is POST only and sends everyone home.
    Route(
        "accounts:logout",
        "accounts/logout/",
        _none,
        (Check(GET, everyone(405)), Check(POST, everyone(302))),
    ),
    Route(
        "accounts:profile", "accounts/profile/", _none, (Check(GET, signed_in(200)),)
    ),
    Route(
        "accounts:password_change",
        "accounts/password/",
        _none,
        (Check(GET, signed_in(200)),),
    ),
    Route(
        "accounts:password_reset",
        "accounts/password/reset/",
        _none,
        (Check(GET, everyone(200)),),
    ),
    Route(
        "accounts:password_reset_done",
        "accounts/password/reset/sent/",
        _none,
        (Check(GET, everyone(200)),),
    ),
    # A valid link is the credential: Django moves its token into the session (302).
    Route(
        "accounts:password_reset_confirm",
        "accounts/password/reset/<uidb64>/<token>/",
        _reset_link,
        (Check(GET, everyone(302)),),
    ),
    Route(
        "accounts:password_reset_complete",
        "accounts/password/reset/done/",
        _none,
        (Check(GET, everyone(200)),),
    ),
    # Published courses and lessons are open to visitors.
    Route("courses:catalogue", "courses/", _none, (Check(GET, everyone(200)),)),
    Route(
        "courses:course", "courses/<slug:slug>/", _course, (Check(GET, everyone(200)),)
    ),
    Route(
        "courses:enroll",
        "courses/<slug:slug>/enrol/",
        _course,
        (Check(POST, signed_in(302)),),
    ),
    Route(
        "courses:lesson",
        "courses/<slug:course_slug>/lessons/<slug:slug>/",
        _lesson_page,
        (Check(GET, everyone(200)),),
    ),
    Route(
        "courses:complete_lesson",
        "courses/<slug:course_slug>/lessons/<slug:slug>/complete/",
        _lesson_page,
        (Check(POST, signed_in(302)),),
    ),
    # A published quiz is open to every signed-in user (enrolment is not required, as
    # for lessons: completing a lesson enrols).
    Route(
        "quizzes:intro",
        "quizzes/<int:pk>/",
        _quiz,
        (
            Check(
                GET,
                signed_in(200),
                private=_students_attempts,
            ),
        ),
    ),
    Route(
        "quizzes:start",
        "quizzes/<int:pk>/start/",
        _quiz,
        (Check(POST, signed_in(302)),),
    ),
    Route(
        "quizzes:history",
        "quizzes/<int:pk>/attempts/",
        _quiz,
        (
            Check(
                GET,
                signed_in(200),
                private=_students_attempts,
            ),
        ),
    ),
    Route(
        "quizzes:attempt",
        "quizzes/attempts/<int:pk>/",
        _attempt,
        (Check(GET, owner_only(200)), Check(POST, owner_only(302), body=_empty)),
    ),
    Route(
        "quizzes:autosave",
        "quizzes/attempts/<int:pk>/autosave/",
        _attempt,
        # htmx posts the take form; an empty one saves nothing and says so.
        (Check(POST, owner_only(200), body=_empty),),
    ),
    Route(
        "quizzes:submit",
        "quizzes/attempts/<int:pk>/submit/",
        _attempt,
        (Check(GET, owner_only(200)), Check(POST, owner_only(302), body=_empty)),
    ),
    Route(
        "quizzes:result",
        "quizzes/attempts/<int:pk>/result/",
        _finished,
        # An instructor of the student's cohort (and staff) is sent to the full attempt.
        (Check(GET, owner_only(200) | {"instructor": 302, "staff": 302}),),
    ),
    # Images of imported questions: any signed-in user, by their content hash.
    Route(
        "quizzes:question-media",
        "quizzes/^question-media/(?P<digest>[0-9a-f]{16})/(?P<name>[^/]+)$",
        _question_media,
        (Check(GET, signed_in(404)),),
    ),
    # Joining by code: a POST without a code shows the empty form again.
    Route(
        "join",
        "join/",
        _none,
        (Check(GET, signed_in(200)), Check(POST, signed_in(200), body=_empty)),
    ),
    Route(
        "grades",
        "grades/",
        _none,
        (Check(GET, signed_in(200), private=_cohort_a_work),),
    ),
    Route(
        "instructor:cohort-join-code",
        "instructor/cohorts/<int:pk>/join-code/",
        _cohort,
        (Check(POST, instructor_page(302), body=_empty),),
    ),
    Route(
        "instructor:cohort-add-student",
        "instructor/cohorts/<int:pk>/students/add/",
        _cohort,
        (Check(POST, instructor_page(400), body=_empty),),
    ),
    Route(
        "instructor:cohort-remove-student",
        "instructor/cohorts/<int:pk>/students/<int:student_id>/remove/",
        _cohort_student,
        (Check(POST, instructor_page(302), body=_empty),),
    ),
    Route(
        "dashboard:index",
        "dashboard/",
        _none,
        (
            Check(
                GET,
                signed_in(200),
                private=_cohort_a_work,
            ),
        ),
    ),
    # Quiz reports are per course: an instructor of any cohort on the quiz's course may
    # read them (reports.selectors.reportable_quizzes); the responses export is then cut
    # down to the requester's own cohorts. Cohort rows stay cohort-scoped.
    Route(
        "reports:index",
        "instructor/reports/",
        _none,
        (
            Check(
                GET,
                reports_page(200, **teachers(200)),
                private=_cohort_a_exports,
            ),
        ),
    ),
    Route(
        "reports:quiz-statistics",
        "instructor/reports/quizzes/<int:pk>/statistics/",
        _quiz,
        (
            Check(GET, reports_page(200, other_instructor=200)),
            Check(POST, reports_page(302, other_instructor=302), body=_empty),
        ),
    ),
    # An empty POST has no reason: the page comes back with the error (400).
    Route(
        "reports:quiz-regrade",
        "instructor/reports/quizzes/<int:pk>/regrade/",
        _quiz,
        (
            Check(GET, reports_page(200, other_instructor=200)),
            Check(POST, reports_page(400, other_instructor=400), body=_empty),
        ),
    ),
    Route(
        "reports:quiz-export",
        "instructor/reports/quizzes/<int:pk>/export/",
        _quiz,
        (Check(POST, reports_page(302, other_instructor=302), body=_empty),),
    ),
    Route(
        "reports:cohort-export",
        "instructor/reports/cohorts/<int:pk>/export/",
        _cohort,
        (Check(POST, reports_page(302), body=_empty),),
    ),
    Route(
        "reports:export-detail",
        "instructor/reports/exports/<int:pk>/",
        _export,
        (Check(GET, requester_only(200)),),
    ),
    Route(
        "reports:export-download",
        "instructor/reports/exports/<int:pk>/download/",
        _export,
        (Check(GET, requester_only(200)),),
    ),
    Route(
        "instructor:dashboard",
        "instructor/",
        _none,
        (
            Check(
                GET,
                instructor_page(200, **teachers(200)),
                private=_cohort_a,
            ),
        ),
    ),
    Route(
        "instructor:cohort",
        "instructor/cohorts/<int:pk>/",
        _cohort,
        (Check(GET, instructor_page(200)),),
    ),
    # Empty form POSTs come back as the form with its errors (200).
    Route(
        "instructor:assignment-create",
        "instructor/cohorts/<int:pk>/assign/",
        _cohort,
        (
            Check(GET, instructor_page(200)),
            Check(POST, instructor_page(200), body=_empty),
        ),
    ),
    Route(
        "instructor:gradebook",
        "instructor/cohorts/<int:pk>/gradebook/",
        _cohort,
        (Check(GET, instructor_page(200)),),
    ),
    Route(
        "instructor:assignment-edit",
        "instructor/assignments/<int:pk>/edit/",
        _assignment,
        (
            Check(GET, instructor_page(200)),
            Check(POST, instructor_page(200), body=_empty),
        ),
    ),
    Route(
        "instructor:assignment-delete",
        "instructor/assignments/<int:pk>/delete/",
        _assignment,
        (
            Check(GET, instructor_page(200)),
            Check(POST, instructor_page(302), body=_empty),
        ),
    ),
    Route(
        "instructor:extensions",
        "instructor/assignments/<int:pk>/extensions/",
        _assignment,
        (
            Check(GET, instructor_page(200)),
            Check(POST, instructor_page(200), body=_empty),
        ),
    ),
    Route(
        "instructor:extension-revoke",
        "instructor/extensions/<int:pk>/revoke/",
        _extension,
        (Check(POST, instructor_page(302), body=_empty),),
    ),
    Route(
        "instructor:queue",
        "instructor/grading/",
        _none,
        (
            Check(
                GET,
                instructor_page(200, **teachers(200)),
                private=_cohort_a,
            ),
        ),
    ),
    Route(
        "instructor:score",
        "instructor/grading/responses/<int:pk>/",
        _response,
        (
            Check(GET, instructor_page(200)),
            Check(POST, instructor_page(200), body=_empty),
        ),
    ),
    Route(
        "instructor:student-work",
        "instructor/assignments/<int:pk>/students/<int:student_id>/",
        _student_work,
        (
            Check(GET, instructor_page(200)),
            Check(POST, instructor_page(400), body=_empty),
        ),
    ),
    Route(
        "instructor:attempt",
        "instructor/attempts/<int:pk>/",
        _finished,
        (Check(GET, instructor_page(200)),),
    ),
    Route(
        "instructor:response-override",
        "instructor/responses/<int:pk>/override/",
        _response,
        (Check(POST, instructor_page(400), body=_empty),),
    ),
    # Practice (practice/): the course's enrolled student alone; sets are the owner's.
    Route(
        "practice:course",
        "practice/courses/<slug:course_slug>/",
        _practice_course,
        (Check(GET, enrolled_student(200)),),
    ),
    Route(
        "practice:start",
        "practice/courses/<slug:course_slug>/start/",
        _practice_course,
        (Check(POST, enrolled_student(302), body=_empty),),
    ),
    Route(
        "practice:set",
        "practice/sets/<int:pk>/",
        _practice_set,
        (Check(GET, owner_only(200)),),
    ),
    # An empty answer is a form error for the owner, and nothing for anyone else.
    Route(
        "practice:answer",
        "practice/sets/<int:pk>/questions/<int:position>/answer/",
        _practice_item,
        (Check(POST, owner_only(400), body=_empty),),
    ),
    # The signed token is the credential: it works for anyone holding the link.
    Route(
        "progress:unsubscribe",
        "progress/unsubscribe/<str:token>/",
        _unsubscribe,
        (Check(GET, everyone(200)), Check(POST, everyone(200), body=_empty)),
    ),
    # The LTI tool (lti/, docs/lti.md): public protocol endpoints, then pages.
    Route("lti:jwks", "lti/jwks/", _none, (Check(GET, everyone(200)),)),
    Route("lti:config", "lti/config.json", _none, (Check(GET, everyone(200)),)),
    # A login initiation without a platform's parameters is refused for everyone.
    Route(
        "lti:login",
        "lti/login/",
        _none,
        (Check(GET, everyone(403)), Check(POST, everyone(403), body=_empty)),
    ),
    Route(
        "lti:launch",
        "lti/launch/",
        _none,
        (Check(GET, everyone(405)), Check(POST, everyone(400), body=_empty)),
    ),
    # The picker needs a deep-linking launch in the session; none here.
    Route("lti:deep-link", "lti/deep-link/", _none, (Check(GET, signed_in(400)),)),
    Route(
        "lti:register",
        "lti/register/<str:token>/",
        lambda w: {"token": "not-an-invite"},
        (Check(GET, everyone(400)),),
    ),
    Route(
        "lti:scores",
        "lti/scores/",
        _none,
        (
            Check(
                GET,
                {
                    "anonymous": LOGIN,
                    "student": 403,
                    "other_student": 403,
                    "instructor": 200,
                    **teachers(200),
                    "staff": 200,
                    "bare_staff": 403,
                },
            ),
        ),
    ),
    # Only a mirrored cohort one teaches can be synced; cohort A mirrors no LMS.
    Route(
        "lti:roster-sync",
        "lti/roster/sync/",
        lambda w: {},
        (
            Check(GET, signed_in(405)),
            Check(POST, signed_in(404), body=lambda w: {"cohort": w.cohort.pk}),
        ),
    ),
    # Django's admin guards its own pages; only the index is in the matrix.
    Route(
        "admin:index",
        "admin/",
        _none,
        (
            Check(
                GET,
                {**dict.fromkeys(ROLES, ADMIN_LOGIN), "staff": 200, "bare_staff": 200},
            ),
        ),
    ),
)


def _regrade_preview(w: World) -> dict:
    return {"dry_run": True}


def _cohort_export(w: World) -> dict:
    return {"kind": "cohort_grades", "cohort": w.cohort.pk}


def _missing(w: World) -> dict:
    """An id no row has: the peer-review rows are made by the peer-review tests."""
    return {"pk": 987654}


def _missing_question(w: World) -> dict:
    return {"question_id": 987654}


def _missing_review(w: World) -> dict:
    return {"pk": 987654, "review_id": 987654}


def _quiz_id(w: World) -> dict:
    return {"quiz_id": w.quiz.pk}


def _quiz_missing_question(w: World) -> dict:
    return {"quiz_id": w.quiz.pk, "question_id": 987654}


# Peer review (peerreview/): a student's pages need their own review rows, so with none
# seeded every object URL is a 404 to the signed in; the instructor's pages are scoped
# like the reports (any instructor of a cohort on the quiz's course).
PEER_PAGES = (
    Route("peer:queue", "peer/", _none, (Check(GET, signed_in(200)),)),
    Route("peer:history", "peer/calibration/", _none, (Check(GET, signed_in(200)),)),
    Route(
        "peer:calibrate",
        "peer/calibrate/<int:question_id>/",
        _missing_question,
        (Check(GET, signed_in(404)),),
    ),
    Route(
        "peer:review",
        "peer/reviews/<int:pk>/",
        _missing,
        (Check(GET, signed_in(404)), Check(POST, signed_in(404), body=_empty)),
    ),
    Route(
        "peer:flag-answer",
        "peer/reviews/<int:pk>/flag/",
        _missing,
        (Check(POST, signed_in(404), body=_empty),),
    ),
    Route(
        "peer:received",
        "peer/answers/<int:pk>/",
        _missing,
        (Check(GET, signed_in(404)),),
    ),
    Route(
        "peer:flag-review",
        "peer/answers/<int:pk>/reviews/<int:review_id>/flag/",
        _missing_review,
        (Check(POST, signed_in(404), body=_empty),),
    ),
    Route(
        "peer-instructor:quiz",
        "instructor/peer/quizzes/<int:quiz_id>/",
        _quiz_id,
        (Check(GET, instructor_page(200, other_instructor=200)),),
    ),
    Route(
        "peer-instructor:setup",
        "instructor/peer/quizzes/<int:quiz_id>/settings/",
        _quiz_id,
        (
            Check(GET, instructor_page(200, other_instructor=200)),
            Check(POST, instructor_page(400, other_instructor=400), body=_empty),
        ),
    ),
    Route(
        "peer-instructor:example-create",
        "instructor/peer/quizzes/<int:quiz_id>/questions/<int:question_id>/examples/new/",
        _quiz_missing_question,
        (
            Check(GET, instructor_page(404)),
            Check(POST, instructor_page(404), body=_empty),
        ),
    ),
    Route(
        "peer-instructor:example-edit",
        "instructor/peer/examples/<int:pk>/edit/",
        _missing,
        (
            Check(GET, instructor_page(404)),
            Check(POST, instructor_page(404), body=_empty),
        ),
    ),
    Route(
        "peer-instructor:example-delete",
        "instructor/peer/examples/<int:pk>/delete/",
        _missing,
        (
            Check(GET, instructor_page(404)),
            Check(POST, instructor_page(404), body=_empty),
        ),
    ),
    Route(
        "peer-instructor:answer",
        "instructor/peer/answers/<int:pk>/",
        _missing,
        (
            Check(GET, instructor_page(404)),
            Check(POST, instructor_page(404), body=_empty),
        ),
    ),
)

API = (
    Route(
        "api-me",
        "api/v1/me/",
        _none,
        (
            Check(GET, signed_in(200, anonymous=403)),
            Check("patch", signed_in(200, anonymous=403), body=_empty),
        ),
        api=True,
    ),
    Route(
        "api-course-list",
        "api/v1/courses/",
        _none,
        (Check(GET, signed_in(200, anonymous=403)),),
        api=True,
    ),
    Route(
        "api-course-detail",
        "api/v1/courses/<slug:slug>/",
        _course,
        (Check(GET, signed_in(200, anonymous=403)),),
        api=True,
    ),
    Route(
        "api-lesson-detail",
        "api/v1/lessons/<int:pk>/",
        _lesson,
        (Check(GET, signed_in(200, anonymous=403)),),
        api=True,
    ),
    # 201 the first time: nobody in the world has completed the lesson yet.
    Route(
        "api-lesson-complete",
        "api/v1/lessons/<int:pk>/complete/",
        _lesson,
        (Check(POST, signed_in(201, anonymous=403), body=_empty),),
        api=True,
    ),
    Route(
        "api-quiz-list",
        "api/v1/quizzes/",
        _none,
        (Check(GET, signed_in(200, anonymous=403)),),
        api=True,
    ),
    Route(
        "api-quiz-detail",
        "api/v1/quizzes/<int:pk>/",
        _quiz,
        (Check(GET, signed_in(200, anonymous=403)),),
        api=True,
    ),
    # POST returns the student's attempt in progress (200). The quiz is assigned to
    # cohort A "assigned only": nobody outside cohort A may start it, staff included.
    Route(
        "api-quiz-attempts",
        "api/v1/quizzes/<int:pk>/attempts/",
        _quiz,
        (
            Check(GET, signed_in(200, anonymous=403)),
            Check(
                POST,
                {**signed_in(403, anonymous=403), "student": 200},
                body=_empty,
            ),
        ),
        api=True,
    ),
    Route(
        "api-attempt-detail",
        "api/v1/attempts/<int:pk>/",
        _attempt,
        (Check(GET, owner_only(200, anonymous=403)),),
        api=True,
    ),
    # No "answers" key: the owner gets a 400, everyone else never reaches validation.
    Route(
        "api-attempt-responses",
        "api/v1/attempts/<int:pk>/responses/",
        _attempt,
        (Check("put", owner_only(400, anonymous=403), body=_empty),),
        api=True,
    ),
    # Submitted; grading runs after commit, so the owner gets 202.
    Route(
        "api-attempt-submit",
        "api/v1/attempts/<int:pk>/submit/",
        _attempt,
        (Check(POST, owner_only(202, anonymous=403), body=_empty),),
        api=True,
    ),
    Route(
        "api-cohort-list",
        "api/v1/cohorts/",
        _none,
        (
            Check(
                GET,
                instructor_api(200, **teachers(200)),
                private=_cohort_a,
            ),
        ),
        api=True,
    ),
    Route(
        "api-cohort-detail",
        "api/v1/cohorts/<int:pk>/",
        _cohort,
        (Check(GET, instructor_api(200)),),
        api=True,
    ),
    Route(
        "api-cohort-assignments",
        "api/v1/cohorts/<int:pk>/assignments/",
        _cohort,
        (
            Check(GET, instructor_api(200)),
            Check(POST, instructor_api(400), body=_empty),
        ),
        api=True,
    ),
    Route(
        "api-cohort-gradebook",
        "api/v1/cohorts/<int:pk>/gradebook/",
        _cohort,
        (Check(GET, instructor_api(200)),),
        api=True,
    ),
    Route(
        "api-cohort-join",
        "api/v1/join/",
        _none,
        (Check(POST, signed_in(400, anonymous=403), body=_empty),),
        api=True,
    ),
    Route(
        "api-grades",
        "api/v1/grades/",
        _none,
        (Check(GET, signed_in(200, anonymous=403), private=_cohort_a_work),),
        api=True,
    ),
    Route(
        "api-cohort-join-code",
        "api/v1/cohorts/<int:pk>/join-code/",
        _cohort,
        (
            Check(GET, instructor_api(200)),
            Check(POST, instructor_api(200), body=_empty),
            Check("delete", instructor_api(204)),
        ),
        api=True,
    ),
    Route(
        "api-cohort-students",
        "api/v1/cohorts/<int:pk>/students/",
        _cohort,
        (Check(POST, instructor_api(400), body=_empty),),
        api=True,
    ),
    Route(
        "api-cohort-student",
        "api/v1/cohorts/<int:pk>/students/<int:student_id>/",
        _cohort_student,
        (Check("delete", instructor_api(204)),),
        api=True,
    ),
    Route(
        "api-grading-queue",
        "api/v1/grading-queue/",
        _none,
        (Check(GET, instructor_api(200, **teachers(200)), private=_cohort_a),),
        api=True,
    ),
    Route(
        "api-cohort-grading-queue",
        "api/v1/cohorts/<int:pk>/grading-queue/",
        _cohort,
        (Check(GET, instructor_api(200)),),
        api=True,
    ),
    Route(
        "api-assignment-detail",
        "api/v1/assignments/<int:pk>/",
        _assignment,
        (
            Check(GET, instructor_api(200)),
            Check("patch", instructor_api(200), body=_empty),
            Check("delete", instructor_api(204)),
        ),
        api=True,
    ),
    Route(
        "api-assignment-extensions",
        "api/v1/assignments/<int:pk>/extensions/",
        _assignment,
        (
            Check(GET, instructor_api(200)),
            Check(POST, instructor_api(400), body=_empty),
        ),
        api=True,
    ),
    Route(
        "api-extension-detail",
        "api/v1/extensions/<int:pk>/",
        _extension,
        (Check("delete", instructor_api(204)),),
        api=True,
    ),
    Route(
        "api-response-score",
        "api/v1/responses/<int:pk>/score/",
        _response,
        (Check(POST, instructor_api(400), body=_empty),),
        api=True,
    ),
    Route(
        "api-student-grade",
        "api/v1/assignments/<int:pk>/students/<int:student_id>/grade/",
        _student_work,
        (
            Check(GET, instructor_api(200)),
            Check("put", instructor_api(400), body=_empty),
            Check("delete", instructor_api(400), body=_empty),
        ),
        api=True,
    ),
    Route(
        "api-instructor-attempt",
        "api/v1/attempts/<int:pk>/review/",
        _finished,
        (Check(GET, instructor_api(200)),),
        api=True,
    ),
    Route(
        "api-response-override",
        "api/v1/responses/<int:pk>/override/",
        _response,
        (Check(POST, instructor_api(400), body=_empty),),
        api=True,
    ),
    Route(
        "api-quiz-statistics",
        "api/v1/quizzes/<int:pk>/statistics/",
        _quiz,
        (Check(GET, reports_api(200, other_instructor=200)),),
        api=True,
    ),
    Route(
        "api-quiz-regrade",
        "api/v1/quizzes/<int:pk>/regrade/",
        _quiz,
        (Check(POST, reports_api(200, other_instructor=200), body=_regrade_preview),),
        api=True,
    ),
    # A valid body, so the cohort lookup (not the validation) decides.
    Route(
        "api-export-list",
        "api/v1/exports/",
        _none,
        (Check(POST, reports_api(202), body=_cohort_export),),
        api=True,
    ),
    Route(
        "api-export-detail",
        "api/v1/exports/<int:pk>/",
        _export,
        (Check(GET, requester_only(200, anonymous=401)),),
        api=True,
    ),
    # The schema and its docs are public (drf-spectacular's AllowAny default).
    Route("schema", "api/schema/", _none, (Check(GET, everyone(200)),), api=True),
    Route("api-docs", "api/docs/", _none, (Check(GET, everyone(200)),), api=True),
)

ROUTES: tuple[Route, ...] = PAGES + PEER_PAGES + API
