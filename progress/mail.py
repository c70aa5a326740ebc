"""Render reports into subject, text and HTML parts, and turn outbox rows into messages."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _

from . import reports
from .models import ProgressReport

UNSUBSCRIBE_SALT = "progress.unsubscribe"


@dataclass(frozen=True)
class Draft:
    """A rendered report, not yet stored."""

    user_id: int
    email: str
    kind: str
    subject: str
    text_body: str
    html_body: str


def _signer() -> signing.Signer:
    return signing.Signer(salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int) -> str:
    """A signed token naming the user, good only for unsubscribing.

    No timestamp: the same user always gets the same link, so the body written when the
    report was built and the List-Unsubscribe header added when it is sent agree, and
    a link in an old e-mail keeps working.
    """
    return _signer().sign(str(user_id))


def user_id_from_token(token: str) -> int:
    """The user id in a token; signing.BadSignature when it was not ours."""
    value = _signer().unsign(token)
    if not value.isdigit():
        raise signing.BadSignature("Not a user id.")
    return int(value)


def unsubscribe_url(user_id: int) -> str:
    path = reverse("progress:unsubscribe", kwargs={"token": unsubscribe_token(user_id)})
    return reports.absolute(settings.SITE_URL, path)


def _week_span(week: reports.Week) -> str:
    start = formats.date_format(week.monday, "j M")
    end = formats.date_format(week.last_day, "j M Y")
    return f"{start} – {end}"


@dataclass(frozen=True)
class Heading:
    """The subject and dates every report of a week shares: worked out once a batch."""

    subject: str
    week_span: str


def student_heading(week: reports.Week) -> Heading:
    """The subject and dates of the week's student reports."""
    span = _week_span(week)
    return Heading(_("Your week in Tradeoffs: %(span)s") % {"span": span}, span)


def instructor_heading(week: reports.Week) -> Heading:
    """The subject and dates of the week's instructor digests."""
    span = _week_span(week)
    return Heading(_("Your cohorts this week: %(span)s") % {"span": span}, span)


def _render(name: str, context: dict) -> tuple[str, str]:
    text = render_to_string(f"emails/{name}.txt", context)
    html = render_to_string(f"emails/{name}.html", context)
    return text, html


# Stand-ins for the two things that differ between students whose reports otherwise
# say the same (a week with nothing new is the same e-mail for most of a cohort): the
# parts are rendered once with these and filled in per student. Random per process, so
# no title or name can contain one.
_NAME = f"name-{secrets.token_hex(12)}"
_LINK = f"link-{secrets.token_hex(12)}"


@dataclass
class Rendered:
    """Rendered student reports of one batch, by what they show bar name and link.

    Most students in a week share a report with someone (nothing due, nothing new):
    each distinct report is rendered once, not once per student.
    """

    parts: dict[str, tuple[str, str]] = field(default_factory=dict)

    def get(self, report: reports.StudentReport, tz: str, heading: Heading):
        # repr, not the objects: Decimal("80") == Decimal("80.0") yet they print apart.
        key = f"{tz}|{heading!r}|{replace(report, name='')!r}"
        parts = self.parts.get(key)
        if parts is None:
            context = _student_context(
                replace(report, name=_NAME), heading, link=_LINK, tz=tz
            )
            parts = self.parts[key] = _render("progress_student", context)
        return parts


def _student_context(
    report: reports.StudentReport, heading: Heading, *, link: str, tz: str
) -> dict:
    return {
        "report": report,
        "subject": heading.subject,
        "week_span": heading.week_span,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": link,
        "tz": tz,
    }


def render_student(
    report: reports.StudentReport,
    *,
    user,
    heading: Heading | None = None,
    rendered: Rendered | None = None,
) -> Draft:
    """The student's weekly report as a draft e-mail.

    With `rendered` (one per batch), a report the same as one already rendered but for
    the name and link reuses that rendering; the e-mail is the same either way.
    """
    heading = heading or student_heading(report.week)
    link = unsubscribe_url(user.pk)
    tz = user.timezone or "UTC"
    if rendered is None:
        context = _student_context(report, heading, link=link, tz=tz)
        text, html = _render("progress_student", context)
    else:
        text, html = rendered.get(report, tz, heading)
        # As the templates print them: raw in the text part (autoescape off),
        # escaped in the HTML part.
        text = text.replace(_LINK, link).replace(_NAME, report.name)
        html = html.replace(_LINK, conditional_escape(link)).replace(
            _NAME, conditional_escape(report.name)
        )
    return Draft(
        user.pk, user.email, ProgressReport.Kind.STUDENT, heading.subject, text, html
    )


def render_instructor(
    digest: reports.InstructorDigest, *, user, heading: Heading | None = None
) -> Draft:
    """The instructor's weekly cohort digest as a draft e-mail."""
    heading = heading or instructor_heading(digest.week)
    subject = heading.subject
    context = {
        "digest": digest,
        "subject": subject,
        "week_span": heading.week_span,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url(user.pk),
        "tz": user.timezone or "UTC",
    }
    text, html = _render("progress_instructor", context)
    return Draft(
        user.pk, user.email, ProgressReport.Kind.INSTRUCTOR, subject, text, html
    )


def message_for(report: ProgressReport, *, connection=None) -> EmailMultiAlternatives:
    """The outbox row as a two-part message with one-click unsubscribe headers."""
    link = unsubscribe_url(report.user_id)
    message = EmailMultiAlternatives(
        subject=report.subject,
        body=report.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[report.user.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # The same id on every try lets a receiving server drop a rare duplicate.
            "Message-ID": f"<progress-report-{report.pk}@{_domain()}>",
            "X-Progress-Report": f"{report.kind} {report.period:%G-W%V}",
        },
    )
    message.attach_alternative(report.html_body, "text/html")
    return message


def _domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1]
    return sender.strip(" >") or "tradeoffs.local"
