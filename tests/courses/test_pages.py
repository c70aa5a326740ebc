"""Course pages for anonymous and signed-in users."""

import re

import pytest
from django.urls import reverse

from courses.models import Course, Enrollment, LessonCompletion
from tests.accounts.factories import StaffFactory, UserFactory
from tests.courses.factories import CourseFactory, LessonFactory, TradeoffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = CourseFactory(title="Migration")
    for position in range(1, 5):
        LessonFactory(course=course, position=position, slug=f"l{position}")
    return course


def _lesson(course, position):
    return course.lessons.get(position=position)


def test_home_for_anonymous_explains_and_offers_sign_up(client):
    html = client.get(reverse("home")).content.decode()
    assert reverse("accounts:signup") in html
    assert reverse("accounts:login") in html
    assert reverse("courses:catalogue") in html


def test_home_for_student_without_courses_says_what_to_do(client):
    client.force_login(UserFactory())
    html = client.get(reverse("home")).content.decode()
    assert "not enrolled in any course" in html


def test_home_shows_progress_and_resume_link(client, course):
    user = UserFactory()
    LessonCompletion.objects.create(user=user, lesson=_lesson(course, 1))
    Enrollment.objects.create(user=user, course=course)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert '<progress max="4" value="1"' in html
    assert "1 of 4 lessons complete (25%)" in html
    assert "Resume where I left off" in html
    assert _lesson(course, 2).get_absolute_url() in html


def test_catalogue_lists_published_courses_only(client, course):
    CourseFactory(title="Secret draft", status=Course.Status.DRAFT)
    html = client.get(reverse("courses:catalogue")).content.decode()
    assert "Migration" in html
    assert "Secret draft" not in html


def test_catalogue_shows_enrolled_state(client, course):
    user = UserFactory()
    Enrollment.objects.create(user=user, course=course)
    client.force_login(user)
    html = client.get(reverse("courses:catalogue")).content.decode()
    assert "Enrolled" in html


def test_empty_catalogue_says_so(client):
    assert (
        "No course is published yet"
        in client.get(reverse("courses:catalogue")).content.decode()
    )


def test_draft_course_is_404_to_students_and_visible_to_staff(client):
    draft = CourseFactory(status=Course.Status.DRAFT)
    lesson = LessonFactory(course=draft)
    client.force_login(UserFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(lesson.get_absolute_url()).status_code == 404
    client.force_login(StaffFactory())
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(lesson.get_absolute_url()).status_code == 200


def test_unpublished_lesson_is_404_to_anonymous_and_students(client, course):
    hidden = LessonFactory(course=course, position=9, published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert hidden.title not in client.get(course.get_absolute_url()).content.decode()


def test_course_page_for_anonymous_lists_lessons_and_asks_to_log_in(client, course):
    html = client.get(course.get_absolute_url()).content.decode()
    assert all(lesson.title in html for lesson in course.lessons.all())
    assert reverse("accounts:login") + "?next=" in html
    assert "Enrol in this course" not in html


def test_course_page_offers_enrolment_to_a_student_not_enrolled(client, course):
    client.force_login(UserFactory())
    html = client.get(course.get_absolute_url()).content.decode()
    assert reverse("courses:enroll", kwargs={"slug": course.slug}) in html


def test_course_page_shows_lessons_in_order_with_progress(client, course):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("courses:enroll", kwargs={"slug": course.slug}))
    LessonCompletion.objects.create(user=user, lesson=_lesson(course, 1))
    LessonCompletion.objects.create(user=user, lesson=_lesson(course, 3))
    html = client.get(course.get_absolute_url()).content.decode()
    titles = [_lesson(course, p).title for p in range(1, 5)]
    assert [html.index(t) for t in titles] == sorted(html.index(t) for t in titles)
    assert '<progress max="4" value="2"' in html
    assert "2 of 4 lessons complete (50%)" in html
    assert html.count("status--done") == 2


def test_enrol_is_post_only_and_idempotent(client, course):
    user = UserFactory()
    client.force_login(user)
    url = reverse("courses:enroll", kwargs={"slug": course.slug})
    assert client.get(url).status_code == 405
    first = client.post(url, follow=True)
    second = client.post(url, follow=True)
    assert Enrollment.objects.filter(user=user, course=course).count() == 1
    assert "You are enrolled" in first.content.decode()
    assert "already enrolled" in second.content.decode()


def test_enrol_requires_login(client, course):
    response = client.post(reverse("courses:enroll", kwargs={"slug": course.slug}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Enrollment.objects.exists()


def test_anonymous_can_read_a_lesson_and_is_asked_to_log_in(client, course):
    lesson = _lesson(course, 1)
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert lesson.body_html in html
    assert "to track your progress" in html
    assert "Mark complete" not in html


def test_lesson_page_shows_objectives_tradeoffs_and_neighbours(client, course):
    lesson = _lesson(course, 2)
    lesson.objectives = ["Weigh security against rights."]
    lesson.save()
    lesson.tradeoffs.set(
        [TradeoffFactory(left_value="Security", description="Borders.")]
    )
    client.force_login(UserFactory())
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert "Weigh security against rights." in html
    assert "Security" in html and "Borders." in html
    assert _lesson(course, 1).get_absolute_url() in html
    assert _lesson(course, 3).get_absolute_url() in html
    assert "Mark complete" in html


def test_mark_complete_is_idempotent_and_moves_on(client, course):
    user = UserFactory()
    client.force_login(user)
    lesson = _lesson(course, 1)
    url = reverse(
        "courses:complete_lesson",
        kwargs={"course_slug": course.slug, "slug": lesson.slug},
    )
    first = client.post(url)
    assert first.status_code == 302
    assert first.url == _lesson(course, 2).get_absolute_url()
    second = client.post(url, follow=True)
    assert "already completed" in second.content.decode()
    assert LessonCompletion.objects.filter(user=user, lesson=lesson).count() == 1
    assert Enrollment.objects.filter(user=user, course=course).exists()
    assert (
        "You have completed this lesson."
        in client.get(lesson.get_absolute_url()).content.decode()
    )


def test_mark_complete_on_the_last_lesson_returns_to_the_course(client, course):
    client.force_login(UserFactory())
    last = _lesson(course, 4)
    response = client.post(
        reverse(
            "courses:complete_lesson",
            kwargs={"course_slug": course.slug, "slug": last.slug},
        )
    )
    assert response.url == course.get_absolute_url()


def test_lesson_page_never_contains_script_or_event_handler_from_the_body(
    client, course
):
    lesson = LessonFactory(
        course=course,
        position=10,
        body='Intro.\n\n<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">\n\n'
        '<p onclick="alert(3)">Click</p>',
    )
    html = client.get(lesson.get_absolute_url()).content.decode()
    body = html[html.index('class="lesson__body"') :]
    assert "alert(" not in body
    assert "onerror" not in html
    assert "onclick" not in html
    # The only scripts are the site's own files, loaded with src and defer.
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts
    assert all("src=" in tag and "defer" in tag for tag in scripts)


def test_pages_have_no_inline_scripts_or_styles(client, course):
    client.force_login(UserFactory())
    for url in [
        reverse("home"),
        reverse("courses:catalogue"),
        course.get_absolute_url(),
        _lesson(course, 1).get_absolute_url(),
        reverse("accounts:profile"),
    ]:
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html)), url


def test_layout_has_skip_link_main_and_status_messages(client):
    html = client.get(reverse("home")).content.decode()
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert 'role="status"' in html


@pytest.fixture
def admin_client(client):
    client.force_login(StaffFactory())
    return client


@pytest.mark.parametrize(
    "name",
    [
        "admin:courses_course_changelist",
        "admin:courses_lesson_changelist",
        "admin:courses_tradeoff_changelist",
        "admin:courses_cohort_changelist",
        "admin:courses_enrollment_changelist",
        "admin:courses_lessoncompletion_changelist",
    ],
)
def test_admin_changelists_render(admin_client, course, name):
    response = admin_client.get(reverse(name))
    assert response.status_code == 200


def test_admin_course_page_has_lessons_inline_in_order(admin_client, course):
    html = admin_client.get(
        reverse("admin:courses_course_change", args=[course.pk])
    ).content
    html = html.decode()
    titles = [_lesson(course, p).title for p in range(1, 5)]
    assert [html.index(t) for t in titles] == sorted(html.index(t) for t in titles)
    assert 'name="lessons-0-position"' in html


def test_admin_lesson_page_has_preview_and_view_on_site(admin_client, course):
    lesson = _lesson(course, 1)
    html = admin_client.get(reverse("admin:courses_lesson_change", args=[lesson.pk]))
    html = html.content.decode()
    assert 'id="p1"' in html
    assert "View on site" in html


def test_admin_tradeoff_page_lists_its_lessons(admin_client, course):
    tradeoff = TradeoffFactory()
    _lesson(course, 2).tradeoffs.add(tradeoff)
    html = admin_client.get(
        reverse("admin:courses_tradeoff_change", args=[tradeoff.pk])
    )
    assert _lesson(course, 2).get_absolute_url() in html.content.decode()


def _course_admin_post_data(course, positions):
    lessons = list(course.lessons.order_by("position"))
    data = {
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "status": course.status,
        "lessons-TOTAL_FORMS": str(len(lessons)),
        "lessons-INITIAL_FORMS": str(len(lessons)),
        "lessons-MIN_NUM_FORMS": "0",
        "lessons-MAX_NUM_FORMS": "1000",
    }
    for index, lesson in enumerate(lessons):
        prefix = f"lessons-{index}-"
        data |= {
            prefix + "id": str(lesson.pk),
            prefix + "course": str(course.pk),
            prefix + "position": str(positions[index]),
            prefix + "title": lesson.title,
            prefix + "slug": lesson.slug,
            prefix + "published": "on",
            prefix + "estimated_minutes": str(lesson.estimated_minutes),
        }
    return data


def test_admin_reorders_lessons_by_swapping_positions(admin_client, course):
    first, second = _lesson(course, 1), _lesson(course, 2)
    response = admin_client.post(
        reverse("admin:courses_course_change", args=[course.pk]),
        _course_admin_post_data(course, [2, 1, 3, 4]),
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"][
        0
    ].formset.errors
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (2, 1)


def test_admin_refuses_two_lessons_at_one_position(admin_client, course):
    response = admin_client.post(
        reverse("admin:courses_course_change", args=[course.pk]),
        _course_admin_post_data(course, [1, 1, 3, 4]),
    )
    assert response.status_code == 200
    assert sorted(course.lessons.values_list("position", flat=True)) == [1, 2, 3, 4]
