"""Each Moodle text format renders as Moodle renders it, through the same sanitiser."""

from quizzes.textformats import moodle_auto_format, render_text


def test_markdown_renders_as_the_lessons_do():
    assert render_text("*a*", "markdown") == "<p><em>a</em></p>"


def test_html_is_kept_and_sanitised_with_images():
    html = (
        '<p onclick="x()">Hi <img src="/media/a.png" alt="A"><script>bad()</script></p>'
    )

    assert render_text(html, "html") == '<p>Hi <img src="/media/a.png" alt="A"></p>'


def test_plain_text_is_escaped_with_its_spaces_and_line_breaks():
    assert render_text("a <b>\nx  y", "plain") == "a &lt;b&gt;<br />\nx&nbsp; y"


def test_moodle_auto_format_breaks_lines_and_wraps_like_text_to_html():
    assert moodle_auto_format("one\ntwo") == (
        '<div class="text_to_html">one<br />\ntwo</div>'
    )
    assert render_text("one\n<b>two</b>\nthree", "moodle") == (
        '<div class="text_to_html">one <b>two</b> three</div>'
    )


def test_moodle_auto_format_is_sanitised():
    assert "script" not in render_text("<script>x()</script>hi", "moodle")


def test_pre_keeps_its_indentation_in_html():
    assert render_text("<pre>a\n    b</pre>", "html") == "<pre>a\n    b</pre>"


def test_an_unknown_format_falls_back_to_markdown():
    assert render_text("*a*", "rtf") == "<p><em>a</em></p>"
