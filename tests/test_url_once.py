"""config.url_once: the {% url %} builtin gives exactly the URLs Django's tag gives."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, defaulttags, engines
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from config import url_once

SITE = engines["django"].engine


def render(source: str, **context) -> str:
    return SITE.from_string(source).render(Context(context))


@pytest.fixture(autouse=True)
def script_prefix():
    set_script_prefix("/")
    yield
    set_script_prefix("/")


def test_site_templates_use_it_without_a_load():
    node = SITE.from_string("{% url 'home' %}").nodelist[0]
    assert isinstance(node, url_once.URLOnceNode)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{% url 'home' %}", reverse("home")),
        ("{% url 'quizzes:intro' 7 %}", reverse("quizzes:intro", args=[7])),
        ("{% url 'quizzes:intro' pk %}", reverse("quizzes:intro", args=[8])),
        (
            "{% url 'courses:lesson' course_slug='a-b' slug=slug %}",
            reverse("courses:lesson", kwargs={"course_slug": "a-b", "slug": "c"}),
        ),
        ("{% url name %}", reverse("courses:catalogue")),
    ],
)
def test_the_same_urls_as_reverse_twice_over(source, expected):
    context = {"pk": 8, "slug": "c", "name": "courses:catalogue"}
    assert render(source, **context) == expected
    hits = url_once._reverse.cache_info().hits
    assert render(source, **context) == expected
    # The second time the URL is the one kept, not reversed again.
    assert url_once._reverse.cache_info().hits == hits + 1


def test_as_var_stores_the_url_and_an_unknown_name_stores_nothing():
    assert render("{% url 'home' as link %}[{{ link }}]") == f"[{reverse('home')}]"
    assert render("{% url 'no-such-view' as link %}[{{ link }}]") == "[]"


def test_an_unknown_name_still_raises():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-view' %}")


def test_other_arguments_go_through_reverse_each_time():
    class Pk:
        def __init__(self, value):
            self.value = value

        def __str__(self):
            return str(self.value)

    source = "{% url 'quizzes:intro' pk %}"
    assert render(source, pk=Pk(3)) == reverse("quizzes:intro", args=[3])
    assert render(source, pk=Pk(4)) == reverse("quizzes:intro", args=[4])


def test_the_script_prefix_is_part_of_the_url():
    source = "{% url 'home' %}"
    assert render(source) == "/"
    set_script_prefix("/school/")
    assert render(source) == "/school/"


def test_a_new_urlconf_is_honoured():
    source = "{% url 'courses:catalogue' %}"
    before = render(source)
    with override_settings(ROOT_URLCONF="tests.helpers.moved_urls"):
        assert render(source) == "/moved/courses/"
    assert render(source) == before


def test_escaping_follows_autoescape():
    engine = Engine(builtins=["config.url_once"], autoescape=False)
    template = engine.from_string("{% url 'quizzes:intro' pk %}")
    assert template.render(Context({"pk": 5})) == reverse("quizzes:intro", args=[5])
    assert defaulttags.URLNode in type(template.nodelist[0]).__mro__


@pytest.mark.django_db
def test_models_urls_are_the_ones_reverse_gives():
    from tests.quizzes.factories import QuizFactory

    quiz = QuizFactory()
    assert quiz.get_absolute_url() == reverse("quizzes:intro", kwargs={"pk": quiz.pk})
    assert quiz.course.get_absolute_url() == reverse(
        "courses:course", kwargs={"slug": quiz.course.slug}
    )
    hits = url_once._reverse.cache_info().hits
    quiz.get_absolute_url()
    assert url_once._reverse.cache_info().hits == hits + 1
