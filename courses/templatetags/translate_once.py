"""{% translate %} that renders a constant string once per language, for every template.

The stock tag resolves, translates, localizes and escapes each string again on every
render; pages and e-mails repeat the same headings for every reader. Load this after
i18n (``{% load i18n translate_once %}``): makemessages still finds the strings, since it
reads the tag's text, not the library that provides it.
"""

from django import template
from django.templatetags import i18n
from django.utils import translation

register = template.Library()


class TranslateOnceNode(i18n.TranslateNode):
    """A TranslateNode that keeps its output per language when nothing in it varies."""

    def __init__(self, node: i18n.TranslateNode) -> None:
        super().__init__(
            node.filter_expression, node.noop, node.asvar, node.message_context
        )
        expression = node.filter_expression
        self.constant = (
            not node.asvar
            and node.message_context is None
            and not expression.filters
            and expression.var.lookups is None
        )
        self.outputs: dict[tuple[str | None, bool], str] = {}

    def render(self, context) -> str:
        if not self.constant:
            return super().render(context)
        key = (translation.get_language(), context.autoescape)
        try:
            return self.outputs[key]
        except KeyError:
            output = self.outputs[key] = super().render(context)
            return output


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    """Parse like Django's {% translate %}; constant strings render once per language."""
    return TranslateOnceNode(i18n.do_translate(parser, token))
