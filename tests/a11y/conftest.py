"""Fixtures of the accessibility tests: axe-core, signed-in pages and a scene.

Chromium is the suite's `chromium_browser`, shared by the process's browser modules
(tests/conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture
def axe_source() -> Path:
    """The path of axe.min.js; a missing npm install fails, never skips."""
    if not AXE_JS.exists():
        pytest.fail(
            f"axe-core is missing at {AXE_JS}: run `make install-dev` "
            "(or `npm ci --no-audit --no-fund`) in the repository root.",
            pytrace=False,
        )
    return AXE_JS


@pytest.fixture
def eager_celery(settings):
    """Grade in-process: a queued task on the shared Redis could reach another run's worker."""
    from config.celery import app as celery_app

    # Read first: the app loads its configuration lazily from Django settings.
    before = celery_app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = before


def _context(browser, base_url: str, *, bypass_csp: bool):
    """A context at 1280x800 on the live server; one that lets a test tool in loads axe.

    axe comes as an init script (run by every page the context loads), far cheaper than
    injecting it per page (decision record 0011).
    """
    context = browser.new_context(
        viewport=VIEWPORT, base_url=base_url, bypass_csp=bypass_csp
    )
    context.set_default_timeout(15_000)
    if bypass_csp and AXE_JS.exists():
        context.add_init_script(path=str(AXE_JS))
    return context


@pytest.fixture
def new_context(chromium_browser, live_server):
    """Open browser contexts at 1280x800 (optionally signed in as a user); close them after."""
    contexts = []

    def open_context(user=None, *, bypass_csp: bool = False):
        context = _context(chromium_browser, live_server.url, bypass_csp=bypass_csp)
        contexts.append(context)
        if user is not None:
            sign_in(context, live_server.url, user)
        return context

    try:
        yield open_context
    finally:
        for context in contexts:
            context.close()


@pytest.fixture(scope="module")
def _tabs(chromium_browser):
    """One page per CSP mode for a whole module, handed out again by `tab`."""
    pages = {}
    yield pages
    for page in pages.values():
        page.context.close()


@pytest.fixture
def tab(_tabs, chromium_browser, live_server):
    """The module's page at 1280x800, signed in as `user` (or nobody), with nothing kept.

    For tests that look at pages one at a time: a new context and page cost Chromium a
    renderer process and a cold first load, several times what loading another URL in a
    page it has costs (decision record 0011). Each test gets the page empty:
    no cookie and no storage of the site's origin (local, session, IndexedDB, caches),
    left on about:blank by the test before. Tests that drive a journey, or need two
    people at once, open their own contexts with `new_context`.
    """
    used = []

    def open_tab(user=None, *, bypass_csp: bool = False):
        page = _tabs.get(bypass_csp)
        if page is None:
            context = _context(chromium_browser, live_server.url, bypass_csp=bypass_csp)
            page = _tabs[bypass_csp] = context.new_page()
        elif page in used:
            pytest.fail("A test gets the module's tab once; use new_context for two.")
        used.append(page)
        if user is not None:
            sign_in(page.context, live_server.url, user)
        return page

    try:
        yield open_tab
    finally:
        for page in used:
            # Leave the site before its rows are flushed, then forget the visit.
            page.goto("about:blank")
            page.context.clear_cookies()
            session = page.context.new_cdp_session(page)
            try:
                session.send(
                    "Storage.clearDataForOrigin",
                    {"origin": live_server.url, "storageTypes": "all"},
                )
            finally:
                session.detach()


def sign_in(context, base_url: str, user) -> None:
    """Give the browser a session of `user` made by Django's test client."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


@dataclass
class AxeViolation:
    """One axe rule broken on a page, with the elements that break it."""

    rule: str
    impact: str
    help: str
    help_url: str
    targets: list[str]
    summaries: list[str]

    def describe(self) -> str:
        where = "; ".join(
            f"{target} -> {summary}"
            for target, summary in zip(
                self.targets[:5], self.summaries[:5], strict=False
            )
        )
        more = f" (+{len(self.targets) - 5} more)" if len(self.targets) > 5 else ""
        return f"[{self.impact}] {self.rule}: {self.help} ({self.help_url}) at {where}{more}"


def run_axe(page, axe_js: Path) -> list[AxeViolation]:
    """Run axe-core on the loaded page and return every violation it reports.

    Only violations are asked for in full (`resultTypes`): axe then skips detailing the
    rules a page passes, which the tests never read; every violation is still reported.
    """
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_js))
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        AxeViolation(
            rule=item["id"],
            impact=item.get("impact") or "",
            help=item["help"],
            help_url=item["helpUrl"],
            targets=[" ".join(map(str, node["target"])) for node in item["nodes"]],
            summaries=[
                (node.get("failureSummary") or "").replace("\n", " ")
                for node in item["nodes"]
            ],
        )
        for item in results["violations"]
    ]


FOCUS_STYLE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute('type') || '',
    name: el.getAttribute('name') || '',
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 80),
    id: el.id || '',
    outlineStyle: style.outlineStyle,
    outlineWidth: style.outlineWidth,
    boxShadow: style.boxShadow,
  };
}"""


def focused(page) -> dict | None:
    """Describe the focused element and the computed styles that make focus visible."""
    return page.evaluate(FOCUS_STYLE_JS)


def focus_is_visible(info: dict) -> bool:
    """True when the focused element draws an outline or a box shadow."""
    outline = info["outlineStyle"] != "none" and info["outlineWidth"] not in (
        "0px",
        "",
    )
    shadow = info["boxShadow"] not in ("none", "")
    return outline or shadow


def good_answers(quiz) -> dict[str, dict]:
    """Answers to every question of the quiz, mostly right, as a student would send them."""
    answers: dict[str, dict] = {}
    for question in quiz.questions.prefetch_related("choices").order_by("position"):
        kind, data = question.kind, question.data
        choices = sorted(question.choices.all(), key=lambda c: -c.credit)
        if kind in ("single_choice", "true_false"):
            answer = {"choice": choices[0].pk}
        elif kind == "multiple_response":
            answer = {"choices": [c.pk for c in choices if c.credit > 0]}
        elif kind == "short_answer":
            answer = {"text": data["answers"][0]["text"].replace("*", "")}
        elif kind == "numeric":
            first = data["answers"][0]
            answer = {"value": first.get("value", first.get("min"))}
        elif kind == "ordering":
            answer = {"order": [item["id"] for item in data["items"]]}
        elif kind == "matching":
            answer = {"matches": {p["id"]: p["answer"] for p in data["pairs"]}}
        elif kind == "tradeoff_allocation":
            count = len(data["values"])
            shares = [100 // count] * count
            shares[0] += 100 - sum(shares)
            answer = {"allocation": shares}
            if data.get("justification"):
                answer["justification"] = (
                    "Each value costs the other something: security checks slow "
                    "asylum, while open doors strain public trust."
                )
        elif kind == "tradeoff_position":
            low, high = data["range"]
            answer = {"position": round((low + high) / 2)}
            if data.get("justification"):
                answer["justification"] = (
                    "Both sides have a point; I lean to the middle."
                )
        else:
            answer = {
                "text": "Security at the border protects trust in the system, but "
                "it costs people fleeing danger their right to ask for asylum."
            }
        answers[str(question.pk)] = answer
    return answers


@dataclass
class Scene:
    """A course in use: a student part-way through it, a cohort, attempts to grade."""

    course: object
    lessons: list
    quiz: object
    student: object
    instructor: object
    cohort: object
    assignment: object
    finished_attempt: object
    open_attempt: object
    essay_response: object
    final: object = None
    join_code: str = ""


@pytest.fixture
def scene(transactional_db, eager_celery) -> Scene:
    """Rows behind every student and instructor page the tests open."""
    from courses import services as course_services
    from courses.models import CohortMembership
    from quizzes import services
    from quizzes.models import Response
    from tests.accounts.factories import UserFactory
    from tests.courses.factories import (
        CourseFactory,
        EnrollmentFactory,
        LessonCompletionFactory,
        LessonFactory,
        TradeoffFactory,
    )
    from tests.helpers.factories import (
        AssignmentFactory,
        cohort_with,
        take,
    )
    from tests.quizzes.factories import (
        QuizWithoutLessonFactory,
        make_quiz_with_every_kind,
        make_single_choice,
    )

    course = CourseFactory(
        title="Global migration and international relations",
        summary="Why people move, and what states weigh when they decide who may.",
    )
    tradeoff = TradeoffFactory(left_value="Security", right_value="Human rights")
    titles = [
        "Why people move",
        "Borders and security",
        "Labour markets",
        "Remittances and brain drain",
        "Refugees and burden sharing",
    ]
    lessons = [
        LessonFactory(
            course=course,
            position=number,
            title=title,
            slug=f"lesson-{number}",
            tradeoffs=[tradeoff],
        )
        for number, title in enumerate(titles, start=1)
    ]
    quiz = make_quiz_with_every_kind(
        lesson=lessons[1],
        title="Borders and rights",
        instructions="Answer every question; the essay is marked by your instructor.",
        review_immediately="answers",
        review_while_open="answers",
        review_after_close="answers",
    )
    student = UserFactory(first_name="Amina", last_name="Diallo")
    EnrollmentFactory(user=student, course=course)
    for lesson in lessons[:2]:
        LessonCompletionFactory(user=student, lesson=lesson)
    cohort, instructor, classmates = cohort_with(
        students=2, course=course, name="Section A"
    )
    CohortMembership.objects.create(cohort=cohort, student=student)
    assignment = AssignmentFactory(cohort=cohort, quiz=quiz)
    finished = take(quiz, student, good_answers(quiz))
    take(quiz, classmates[0], good_answers(quiz))
    open_attempt, _created = services.start_attempt(quiz=quiz, student=student)
    essay_response = Response.objects.get(
        attempt=finished, question__kind="essay", needs_manual=True
    )
    final = QuizWithoutLessonFactory(course=course, title="Final assessment")
    make_single_choice(final, position=0)
    join_code = course_services.rotate_join_code(cohort=cohort)
    return Scene(
        course=course,
        lessons=lessons,
        quiz=quiz,
        student=student,
        instructor=instructor,
        cohort=cohort,
        assignment=assignment,
        finished_attempt=finished,
        open_attempt=open_attempt,
        essay_response=essay_response,
        final=final,
        join_code=join_code,
    )
