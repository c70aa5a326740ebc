"""{% time_element %}: the <time> element the date filter pair would have written."""

from datetime import UTC, datetime

import pytest
from django.template import Context, engines
from django.utils import timezone, translation

ENGINE = engines["django"].engine
PAIR = (
    "{% load time_tags %}"
    "<time datetime=\"{{ v|date:'c' }}\">{{ v|date:shown }}</time>|"
    "{% time_element v shown %}"
)


def render(**context) -> tuple[str, str]:
    old, new = ENGINE.from_string(PAIR).render(Context(context)).split("|")
    return old, new


@pytest.mark.parametrize("zone", ["UTC", "Europe/Lisbon", "America/Sao_Paulo"])
@pytest.mark.parametrize("shown", ["j M Y, H:i", "l j F Y, H:i", "Y-m-d H:i T"])
def test_the_same_markup_as_the_date_filters_in_the_readers_zone(zone, shown):
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    with timezone.override(zone), translation.override("en"):
        old, new = render(v=moment, shown=shown)
    assert new == old
    assert new.startswith('<time datetime="2026-03-')


@pytest.mark.parametrize("empty", [None, ""])
def test_no_value_renders_nothing(empty):
    assert render(v=empty, shown="j M Y")[1] == ""
