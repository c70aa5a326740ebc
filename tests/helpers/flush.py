"""Empty the tables between transactional tests with DELETE, not TRUNCATE (issue 15).

pytest-django ends every transactional test (``transaction=True``, ``live_server``, the
browser, worker and drill tests) with Django's ``flush``: one ``TRUNCATE`` of all 76
tables. TRUNCATE gives every table, index and TOAST table a new file, which took
1.3-2.3 s a test on the 2-core machine under load; the same tables, nearly empty at
that point, are emptied by DELETE in about 0.03 s. Every foreign key Django makes is
DEFERRABLE INITIALLY DEFERRED, so one transaction deletes the tables in any order and the
keys are checked at its commit. The result is the same: every table of the models
empty, sequences left as they were (Django's flush does not restart them either), but
for the content types and permissions that migrate made, kept (see KEPT). A flush asked
to restart sequences or to cascade to other tables still truncates everything.
"""

from __future__ import annotations

from django.db.backends.postgresql.operations import DatabaseOperations

# What migrate writes and no test should change: the post_migrate signal that follows a
# flush writes these rows again when they are gone (~0.1 s a test, with new ids), and
# finds them all there when they are kept.
KEPT = {"django_content_type", "auth_permission"}

_truncate = DatabaseOperations.sql_flush


def _delete_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or allow_cascade or not tables:
        return _truncate(
            self,
            style,
            tables,
            reset_sequences=reset_sequences,
            allow_cascade=allow_cascade,
        )
    return ["SET CONSTRAINTS ALL DEFERRED;"] + [
        f"DELETE FROM {self.quote_name(table)};"
        for table in tables
        if table not in KEPT
    ]


def install() -> None:
    """Make this process's flushes delete (the test run only; never imported by the site)."""
    DatabaseOperations.sql_flush = _delete_flush
