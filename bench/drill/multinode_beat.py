"""The scale-out drill's beat check: beat started twice by mistake sends each e-mail once.

The weekly reports' outbox (progress/services) writes one row per (user, period) and
claims due rows with SKIP LOCKED, so however many runs beat sends, each e-mail goes once.
"""

from __future__ import annotations

import time
from pathlib import Path

from .checks import Outcome
from .multinode import MultiNodeStack
from .multinode_seed import ReportData, schedule


def log_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def log_since(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def beat_twice(
    stack: MultiNodeStack,
    data: ReportData,
    mailbox,
    *,
    every: int = 2,
    linger: float = 8,
    timeout: float = 90,
) -> Outcome:
    """Two beats fire the weekly reports every `every` seconds; count the e-mails."""
    from progress.models import ProgressReport
    from progress.selectors.recipients import instructor_recipients, student_recipients

    schedule(sweep_every=60, stale_after=120, weekly_every=every)
    offsets = {n: log_size(stack.var_dir / f"{n}.log") for n in ("beat1", "beat2")}
    began = time.monotonic()
    stack.start_beat("beat1")
    stack.start_beat("beat2")
    # Everyone due a report: the seeded cohort, and anyone an earlier drill enrolled.
    wanted = set(data.recipients) | set(
        student_recipients().values_list("email", flat=True)
    )
    wanted |= set(instructor_recipients().values_list("email", flat=True))
    deadline = began + timeout
    while not wanted <= set(mailbox.per_recipient()) and time.monotonic() < deadline:
        time.sleep(0.2)
    all_in = time.monotonic() - began
    # Both beats go on firing; every later run must find nothing left to send.
    time.sleep(linger)
    stack.stop_node("beat1")
    stack.stop_node("beat2")
    time.sleep(1.5)
    fired = {
        name: log_since(stack.var_dir / f"{name}.log", offset).count(
            "Sending due task Weekly progress reports"
        )
        for name, offset in offsets.items()
    }
    per = mailbox.per_recipient()
    missing = sorted(wanted - set(per))
    extra = sum(n - 1 for n in per.values() if n > 1)
    strangers = sorted(set(per) - wanted)
    rows = ProgressReport.objects.count()
    sent_rows = ProgressReport.objects.filter(state=ProgressReport.State.SENT).count()
    held = (
        min(fired.values()) >= 2
        and not missing
        and extra == 0
        and not strangers
        and rows == sent_rows == len(wanted)
    )
    lines = [
        f"beat1 and beat2 both running, the weekly run every {every} s: fired "
        + ", ".join(f"{n} {c} times" for n, c in fired.items()),
        f"{len(wanted)} recipients due one e-mail each; all received within "
        f"{all_in:.1f} s, then {linger:.0f} s more of both beats firing",
        f"e-mails: {sum(per.values())} to {len(per)} recipients; missing {len(missing)}, "
        f"duplicated {extra}, unexpected {len(strangers)}",
        f"outbox rows {rows}, sent {sent_rows}",
    ]
    facts = {
        "fired": fired,
        "emails": sum(per.values()),
        "recipients": len(wanted),
        "missing": len(missing),
        "duplicated": extra,
    }
    return Outcome("beat running twice by mistake", held, lines, facts)
