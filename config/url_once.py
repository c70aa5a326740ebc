"""{% url %} that reverses each distinct URL once per process, for every template.

Django's tag runs the resolver's reverse() on every render, and a page carries a dozen
links (the header and footer alone have nine). A URL depends only on the view name, its
arguments, the current app, the URL configuration and the script prefix, so with plain
int or str arguments the answer is kept, keyed on all of those. Anything else (a model
instance as an argument, say) goes through reverse() as before.

Installed as a template builtin (settings.TEMPLATES OPTIONS "builtins"), it replaces the
stock tag in every template, the admin's included, without a {% load %}. The models'
get_absolute_url() use the same memo through reverse_once().
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

# Distinct URLs kept per process: every link of the header, and the pages' own links to
# recent objects; the least recently used go first.
KEPT = 4096


@lru_cache(maxsize=KEPT)
def _reverse(view_name, args, kwargs, current_app, urlconf, prefix) -> str:
    # `prefix` is only part of the key: reverse() reads the script prefix itself.
    return reverse(
        view_name,
        urlconf=urlconf,
        args=list(args),
        kwargs=dict(kwargs),
        current_app=current_app,
    )


def _plain(value) -> bool:
    # str subclasses too: a literal view name arrives as a SafeString.
    return isinstance(value, str) or (type(value) is int)


def reverse_once(view_name, *, args=(), kwargs=None, current_app=None) -> str:
    """reverse(), kept per process for plain int/str arguments (models' URLs use it)."""
    kwargs = kwargs or {}
    if not (
        _plain(view_name)
        and all(_plain(a) for a in args)
        and all(_plain(v) for v in kwargs.values())
    ):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    return _reverse(
        view_name,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
    )


def _forget_on_new_urlconf(*, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()


setting_changed.connect(_forget_on_new_urlconf, dispatch_uid="config.url_once")


class URLOnceNode(defaulttags.URLNode):
    def render(self, context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse_once(
                view_name, args=args, kwargs=kwargs, current_app=current_app
            )
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Parse like Django's {% url %}; the same URLs, reversed once each."""
    node = defaulttags.url(parser, token)
    return URLOnceNode(node.view_name, node.args, node.kwargs, node.asvar)
