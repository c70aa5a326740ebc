"""Build the week's outbox: render each recipient's report and store it, batch by batch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.conf import settings
from django.db import transaction

from .. import mail, reports, selectors
from ..models import ProgressReport
from .limits import build_batch_size

KINDS = (ProgressReport.Kind.STUDENT, ProgressReport.Kind.INSTRUCTOR)


def _instructor_digests(
    users: list, *, week: reports.Week
) -> dict[int, list[reports.CohortDigest]]:
    """Each instructor's cohort digests, tallied a part of their students at a time."""
    taught, cohorts = selectors.instructor_cohorts(users)
    tallies = {
        cohort_id: reports.DigestTally.empty(len(facts.assignments))
        for cohort_id, facts in cohorts.items()
    }
    for parts in selectors.cohort_parts(cohorts, week=week):
        for part in parts:
            tallies[part.cohort_id].add(reports.tally_cohort(part, week=week))
    answered = set().union(*(t.answered for t in tallies.values()))
    questions, _ = selectors.question_infos(answered, with_tradeoffs=False)
    return {
        pk: [
            reports.finish_cohort_digest(
                cohorts[cohort_id],
                tallies[cohort_id],
                questions=questions,
                site_url=settings.SITE_URL,
            )
            for cohort_id in cohort_ids
        ]
        for pk, cohort_ids in taught.items()
    }


def _drafts(users: list, *, kind: str, week: reports.Week) -> list[mail.Draft]:
    if kind == ProgressReport.Kind.INSTRUCTOR:
        digests = _instructor_digests(users, week=week)
        heading = mail.instructor_heading(week)
        return [
            mail.render_instructor(
                reports.InstructorDigest(
                    name=user.display_name, week=week, cohorts=digests.get(user.pk, [])
                ),
                user=user,
                heading=heading,
            )
            for user in users
        ]
    facts, questions, tradeoff_names = selectors.student_facts(users, week=week)
    heading = mail.student_heading(week)
    rendered = mail.Rendered()
    return [
        mail.render_student(
            reports.build_student_report(
                facts[user.pk],
                week=week,
                questions=questions,
                tradeoff_names=tradeoff_names,
                site_url=settings.SITE_URL,
            ),
            user=user,
            heading=heading,
            rendered=rendered,
        )
        for user in users
    ]


def iter_drafts(
    *,
    period: date,
    kind: str,
    batch_size: int | None = None,
    skip_existing: bool = True,
) -> Iterator[list[mail.Draft]]:
    """Render the period's reports of one kind, a batch at a time; writes nothing."""
    week = reports.Week(period)
    for users in selectors.recipient_batches(
        kind=kind,
        period=period,
        batch_size=batch_size or build_batch_size(),
        skip_existing=skip_existing,
    ):
        yield _drafts(users, kind=kind, week=week)


def _check_period(period: date) -> None:
    if period.isoweekday() != 1:
        raise ValueError(f"A report period starts on a Monday, not {period:%A}.")


def build_reports(
    *,
    period: date,
    kinds: tuple[str, ...] = KINDS,
    batch_size: int | None = None,
) -> int:
    """Write the period's outbox rows, batch by batch; returns how many were new.

    Each batch commits on its own, so a crash keeps what was built; re-running skips
    users who have a row, and ignore_conflicts settles a race with a concurrent build.
    """
    _check_period(period)
    created = 0
    for kind in kinds:
        batches = iter_drafts(period=period, kind=kind, batch_size=batch_size)
        while True:
            with transaction.atomic():
                drafts = next(batches, None)
                if drafts is None:
                    break
                created += len(
                    ProgressReport.objects.bulk_create(
                        [
                            ProgressReport(
                                user_id=draft.user_id,
                                period=period,
                                kind=draft.kind,
                                subject=draft.subject,
                                text_body=draft.text_body,
                                html_body=draft.html_body,
                            )
                            for draft in drafts
                        ],
                        ignore_conflicts=True,
                    )
                )
    return created


def compose_report(*, user, period: date, kind: str) -> mail.Draft:
    """Render one user's report for a period without storing it (the admin preview)."""
    _check_period(period)
    return _drafts([user], kind=kind, week=reports.Week(period))[0]
