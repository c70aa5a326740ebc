"""The e-mails' {% translate %}: the stock tag's output, each constant looked up once."""

import pytest
from django.template import Context, Template
from django.utils import translation

STOCK = "{% load i18n %}"
ONCE = "{% load i18n translate_once %}"


def _render(source: str, context: dict | None = None, *, autoescape=True) -> str:
    return Template(source).render(Context(context or {}, autoescape=autoescape))


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize(
    "tag",
    [
        '{% translate "Yes" %}',
        '{% translate "Fish & <chips>" %}',
        '{% translate "100%" %}',
        '{% trans "No" noop %}',
        '{% translate "May" context "month name" %}',
        "{% translate word %}",
        '{% translate "Yes" as yes %}[{{ yes }}]',
    ],
)
def test_translate_renders_what_the_stock_tag_renders(tag, language, autoescape):
    context = {"word": "Yes"}
    with translation.override(language):
        expected = _render(STOCK + tag, context, autoescape=autoescape)
        assert _render(ONCE + tag, context, autoescape=autoescape) == expected
        assert _render(ONCE + tag, context, autoescape=autoescape) == expected


def test_a_constant_is_kept_per_language_and_never_served_to_another():
    template = Template(ONCE + '{% translate "Yes" %}')
    outputs = []
    for language in ["de", "en", "de", "en"]:
        with translation.override(language):
            outputs.append(template.render(Context()))
    assert outputs == ["Ja", "Yes", "Ja", "Yes"]
    [node] = [n for n in template.nodelist if hasattr(n, "outputs")]
    assert node.constant and len(node.outputs) == 2


def test_a_variable_is_translated_on_every_render():
    template = Template(ONCE + "{% translate word %}")
    with translation.override("de"):
        assert template.render(Context({"word": "Yes"})) == "Ja"
        assert template.render(Context({"word": "No"})) == "Nein"
