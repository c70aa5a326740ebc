"""The xdist workers wait for the run's template database, and learn why it failed."""

from __future__ import annotations

import pytest

from tests.helpers import template_db


def test_a_run_without_a_template_does_not_wait(monkeypatch):
    monkeypatch.delenv(template_db.READY_VARIABLE, raising=False)
    template_db.wait()


def test_a_worker_goes_on_once_the_template_is_migrated(monkeypatch, tmp_path):
    ready = tmp_path / "ready"
    ready.write_text("ok")
    monkeypatch.setenv(template_db.READY_VARIABLE, str(ready))
    template_db.wait()


def test_a_worker_fails_with_the_migration_s_own_error(monkeypatch, tmp_path):
    ready = tmp_path / "ready"
    monkeypatch.setenv(template_db.READY_VARIABLE, str(ready))
    # A name PostgreSQL refuses: the subprocess's failure reaches the waiting worker.
    code = template_db.main(['no"such', str(ready), "--recreate"])

    assert code == 1
    with pytest.raises(RuntimeError, match="Migrating the template database failed"):
        template_db.wait()
