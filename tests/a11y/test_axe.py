"""axe-core in Chromium on the pages students and instructors use: no serious or critical violations."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import NoReverseMatch, reverse

from tests.a11y.conftest import Scene, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def _practice_set_url(scene: Scene) -> str:
    """Today's practice set of the scene's student, with one answer already checked
    (the page then shows feedback and the next question)."""
    from practice import presenting, selectors, services

    practice_set, _ = services.start_set(student=scene.student, course=scene.course)
    items = selectors.items_of(practice_set)
    page = presenting.set_page(
        practice_set,
        items,
        open_ids=selectors.open_question_ids(
            scene.student, scene.course, now=practice_set.created_at
        ),
    )
    question = page.current
    kind = question["kind"]
    if kind == "ordering":
        answer = {"order": [w["item"] for w in question["widgets"]]}
    elif kind == "matching":
        answer = {
            "matches": {
                w["pair"]: w["options"][0]["value"] for w in question["widgets"]
            }
        }
    elif kind == "short_answer":
        answer = {"text": "the state"}
    elif kind == "numeric":
        answer = {"value": 1}
    elif question.get("multiple"):
        answer = {"choices": [question["widgets"][0]["value"]]}
    else:
        answer = {"choice": question["widgets"][0]["value"]}
    _item, answered = services.answer_item(
        practice_set=practice_set, position=question["position"], answer=answer
    )
    assert answered
    return practice_set.get_absolute_url()


def _peer_received_url(scene: Scene) -> str:
    """The reviews the scene's student's answer received: two written reviews, each
    with its report form, after the review deadline."""
    from datetime import timedelta

    from peerreview import services
    from peerreview.models import PeerReviewSetup, ReviewAssignment, Submission
    from tests.accounts.factories import UserFactory
    from tests.peerreview.factories import peer_quiz, submit

    quiz, question = peer_quiz(k=2)
    for student in [scene.student, *UserFactory.create_batch(2)]:
        submit(quiz, question, student)
    services.allocate_reviews(quiz_id=quiz.pk)
    mine = Submission.objects.get(question=question, author=scene.student)
    for review in ReviewAssignment.objects.filter(submission=mine):
        services.submit_review(
            review_id=review.pk, reviewer=review.reviewer, levels=[1, 1], comment="Ok."
        )
    PeerReviewSetup.objects.filter(quiz=quiz).update(
        review_deadline=quiz.peer_review.review_deadline - timedelta(days=30)
    )
    return reverse("peer:received", args=[mine.pk])


# (page id, who looks at it, the URL in the scene)
PAGES: list[tuple[str, str, Callable[[Scene], str]]] = [
    ("home-anonymous", "anonymous", lambda s: reverse("home")),
    ("login", "anonymous", lambda s: reverse("accounts:login")),
    ("signup", "anonymous", lambda s: reverse("accounts:signup")),
    ("course-anonymous", "anonymous", lambda s: s.course.get_absolute_url()),
    ("home-student", "student", lambda s: reverse("home")),
    ("catalogue", "student", lambda s: reverse("courses:catalogue")),
    ("course", "student", lambda s: s.course.get_absolute_url()),
    ("lesson", "student", lambda s: s.lessons[1].get_absolute_url()),
    ("quiz-intro", "student", lambda s: reverse("quizzes:intro", args=[s.quiz.pk])),
    (
        "quiz-take",
        "student",
        lambda s: reverse("quizzes:attempt", args=[s.open_attempt.pk]),
    ),
    (
        "quiz-confirm",
        "student",
        lambda s: reverse("quizzes:submit", args=[s.open_attempt.pk]),
    ),
    (
        "quiz-result",
        "student",
        lambda s: reverse("quizzes:result", args=[s.finished_attempt.pk]),
    ),
    (
        "quiz-history",
        "student",
        lambda s: reverse("quizzes:history", args=[s.quiz.pk]),
    ),
    (
        "practice",
        "student",
        lambda s: reverse("practice:course", kwargs={"course_slug": s.course.slug}),
    ),
    ("practice-set", "student", _practice_set_url),
    ("assigned-work", "student", lambda s: reverse("dashboard:index")),
    ("grades", "student", lambda s: reverse("grades")),
    ("peer-received", "student", _peer_received_url),
    ("join", "student", lambda s: reverse("join")),
    ("join-link", "student", lambda s: reverse("join") + f"?code={s.join_code}"),
    ("lesson-last", "student", lambda s: s.lessons[-1].get_absolute_url()),
    ("profile", "student", lambda s: reverse("accounts:profile")),
    ("password-change", "student", lambda s: reverse("accounts:password_change")),
    ("password-reset", "anonymous", lambda s: reverse("accounts:password_reset")),
    ("instructor-dashboard", "instructor", lambda s: reverse("instructor:dashboard")),
    (
        "cohort",
        "instructor",
        lambda s: reverse("instructor:cohort", args=[s.cohort.pk]),
    ),
    (
        "gradebook",
        "instructor",
        lambda s: reverse("instructor:gradebook", args=[s.cohort.pk]),
    ),
    (
        "assignment-form",
        "instructor",
        lambda s: reverse("instructor:assignment-create", args=[s.cohort.pk]),
    ),
    (
        "extensions",
        "instructor",
        lambda s: reverse("instructor:extensions", args=[s.assignment.pk]),
    ),
    ("grading-queue", "instructor", lambda s: reverse("instructor:queue")),
    (
        "score-form",
        "instructor",
        lambda s: reverse("instructor:score", args=[s.essay_response.pk]),
    ),
    (
        "student-work",
        "instructor",
        lambda s: reverse(
            "instructor:student-work",
            kwargs={"pk": s.assignment.pk, "student_id": s.student.pk},
        ),
    ),
    (
        "instructor-attempt",
        "instructor",
        lambda s: reverse("instructor:attempt", args=[s.finished_attempt.pk]),
    ),
    ("reports", "instructor", lambda s: reverse("reports:index")),
    (
        "statistics",
        "instructor",
        lambda s: reverse("reports:quiz-statistics", args=[s.quiz.pk]),
    ),
    (
        "regrade",
        "instructor",
        lambda s: reverse("reports:quiz-regrade", args=[s.quiz.pk]),
    ),
]


@pytest.mark.parametrize(
    ("who", "url_of"),
    [pytest.param(who, url_of, id=page_id) for page_id, who, url_of in PAGES],
)
def test_page_has_no_serious_or_critical_axe_violations(
    who, url_of, scene, tab, axe_source
):
    try:
        url = url_of(scene)
    except NoReverseMatch as error:
        pytest.fail(f"The page's URL no longer resolves: {error}")
    user = {"anonymous": None, "student": scene.student, "instructor": scene.instructor}
    # The site's CSP forbids injected scripts; axe is a test tool, so this tab lets it in.
    page = tab(user[who], bypass_csp=True)
    response = page.goto(url)
    assert response is not None and response.status == 200, (
        f"{url} answered {response.status if response else 'nothing'} to the {who}"
    )
    violations = run_axe(page, axe_source)
    blocking = [v for v in violations if v.impact in BLOCKING]
    assert not blocking, f"axe-core on {url} as {who}:\n" + "\n".join(
        v.describe() for v in blocking
    )


@pytest.mark.parametrize(
    ("url_name", "button"),
    [("accounts:signup", "Sign up"), ("accounts:login", "Log in")],
)
def test_forms_sent_empty_show_errors_without_serious_axe_violations(
    url_name, button, tab, axe_source
):
    page = tab(bypass_csp=True)
    page.goto(reverse(url_name))
    page.locator("main").get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert page.locator(".field__errors, .form-errors, [role=alert]").count() > 0
    blocking = [v for v in run_axe(page, axe_source) if v.impact in BLOCKING]
    assert not blocking, f"axe-core on {page.url} with errors:\n" + "\n".join(
        v.describe() for v in blocking
    )
