"""Fixtures shared by the whole suite."""

import os

import pytest

# What manage.py and wsgi.py do: load the Celery app so tasks sent in tests use its broker.
import config.celery  # noqa: F401

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Fixtures that start a real service. A test using one gets the service's marker, so
# `make test-fast` (-m "not browser and not worker and not smtp") leaves it out. The
# xdist_group below is meant to keep browser tests on one xdist worker and Celery-worker
# tests on one other, but pytest 9.2 does not see the group pytest-xdist 3.8 tags onto
# the node id (xdist writes `_nodeid`, pytest 9.2 reads `_id`), so today they spread over
# both workers. The suite does not rely on it: each xdist worker has its own database,
# broker database, Chromium and Celery worker. Kept for when xdist catches up.
SERVICE_FIXTURES = {
    "browser": {"page", "browser_page", "chromium_browser", "_kept_chromium"},
    "worker": {"celery_worker_proc"},
    "smtp": {"smtp_server", "smtp_settings"},
}
GROUPED = ("browser", "worker")
# The test modules (paths) with at least one browser test.
BROWSER_MODULES = pytest.StashKey()


def _module(item) -> str:
    return item.nodeid.split("::", 1)[0]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        for marker, names in SERVICE_FIXTURES.items():
            if fixtures & names and item.get_closest_marker(marker) is None:
                item.add_marker(getattr(pytest.mark, marker))
        group = next((m for m in GROUPED if item.get_closest_marker(m)), None)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
    config.stash[BROWSER_MODULES] = {
        _module(item) for item in items if item.get_closest_marker("browser")
    }


# The longest test modules, measured (seconds on two busy cores, 2026-12-05), each
# moved to the front of its place in pytest-django's order (database tests, then
# transactional ones, then the rest): pytest-xdist hands tests out in collection order,
# and a long one handed out last leaves the other core idle while it runs. The drills
# that start servers of their own and never touch the suite's database lead the run.
LONG_MODULES = {
    "tests/scaleout/test_pgbouncer.py": 130,
    "tests/security/test_fuzz_api.py": 110,
    "tests/progress/test_worker_crash.py": 70,
    "tests/security/test_multinode_drill.py": 55,
    "tests/peerreview/test_worker.py": 40,
    "tests/scaleout/test_broker_failover.py": 30,
    "tests/scaleout/test_read_replica.py": 25,
    "tests/security/test_drill.py": 25,
    "tests/lti/test_worker_crash.py": 20,
}


def _db_order(item) -> int:
    """pytest-django's place for a test: 0 database, 1 transactional, 2 neither."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    transactional = bool(
        marker
        and (
            marker.kwargs.get("transaction")
            or marker.kwargs.get("reset_sequences")
            or (marker.args and marker.args[0])
        )
    ) or bool(fixtures & {"transactional_db", "live_server"})
    if transactional:
        return 1
    if marker or "db" in fixtures:
        return 0
    return 2


class LongTestsFirst:
    """Registered as a plugin: this module's own pytest_collection_modifyitems is taken."""

    @pytest.hookimpl(trylast=True)  # after pytest-django's sort
    def pytest_collection_modifyitems(self, items):
        browser_modules = (
            items[0].config.stash.get(BROWSER_MODULES, set()) if items else set()
        )

        def key(item):
            weight = LONG_MODULES.get(_module(item), 0)
            order = _db_order(item)
            # A long test that needs no database of the suite's goes first of all; the
            # browser modules come one after another, so Chromium is launched seldom.
            return (
                -1 if order == 2 and weight else order,
                -weight,
                _module(item) not in browser_modules,
            )

        items.sort(key=key)


# The controller's subprocess migrating the template, reaped at the end.
TEMPLATE_PROCESS = pytest.StashKey()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config, specs):
    """Controller only: migrate one template database for the workers to copy."""
    from django.conf import settings

    from tests.helpers import template_db

    database = settings.DATABASES["default"]
    if config.getoption("nomigrations") or "postgresql" not in database["ENGINE"]:
        return
    test_name = database["TEST"]["NAME"]
    recreate = config.getoption("create_db")
    # pytest-django's names for the workers' databases: kept ones need no template.
    workers = [f"{test_name}_{spec.id}" for spec in specs]
    if not recreate and template_db.all_exist(workers, settings_dict=database):
        return
    config.stash[TEMPLATE_PROCESS] = template_db.start(
        test_name=test_name, settings_dict=database, recreate=recreate
    )


def pytest_unconfigure(config):
    process = config.stash.get(TEMPLATE_PROCESS, None)
    if process is not None:
        from tests.helpers import template_db

        template_db.clean_up(process)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """A worker's database is a copy of the run's template: wait until it is migrated."""
    from tests.helpers import template_db

    try:
        template_db.wait()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


def pytest_configure(config):
    from tests.helpers import flush, live_server

    flush.install()
    live_server.install()
    config.pluginmanager.register(LongTestsFirst(), "tradeoffs-long-tests-first")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


# This process's Chromium, kept from one browser module to the next.
KEPT_CHROMIUM = pytest.StashKey()


@pytest.fixture(scope="session")
def _kept_chromium(pytestconfig):
    from tests.helpers.browser import KeptChromium

    kept = pytestconfig.stash[KEPT_CHROMIUM] = KeptChromium()
    yield kept
    kept.close()


@pytest.fixture(scope="module")
def chromium_browser(_kept_chromium):
    """Debian's Chromium (tests/helpers/browser.py), open from this module's first test on.

    It stays open for the next browser module and is closed before the first test of a
    module without browser tests: while Playwright runs, the test thread has a running
    asyncio loop, which those tests must not inherit. The contexts a module leaves open
    are closed at its end, as they were when each module had a browser of its own.
    """
    yield _kept_chromium.get()
    _kept_chromium.close_contexts()


def pytest_runtest_setup(item):
    kept = item.config.stash.get(KEPT_CHROMIUM, None)
    if kept is not None and _module(item) not in item.config.stash[BROWSER_MODULES]:
        kept.close()


def _same_env(started: dict, wanted: dict) -> bool:
    """True when a worker started with `started` is what a test asking for `wanted` gets."""
    # pytest names the running test in the environment; that is no difference.
    ignore = {"PYTEST_CURRENT_TEST"}
    return {k: v for k, v in started.items() if k not in ignore} == {
        k: v for k, v in wanted.items() if k not in ignore
    }


@pytest.fixture(scope="session")
def _kept_celery_worker(django_db_setup):
    """The Celery worker one test hands on to the next of this process (at most one)."""
    kept = []
    yield kept
    for worker in kept:
        worker.stop()
        worker.purge()


@pytest.fixture
def celery_worker_proc(request, _kept_celery_worker, tmp_path_factory):
    """A real Celery worker subprocess on Redis, reading and writing the test database.

    Tests using it need ``@pytest.mark.django_db(transaction=True)``: the worker is
    another process and only sees committed rows.

    A worker costs a second of CPU to start, so one a test leaves as it found it (running,
    with the same environment, idle, nothing scheduled for later) serves the next test
    that asks, with its queue purged and its caches cleared; in between it consumes
    nothing, as if it were not there. A test that restarts it with another environment,
    or leaves it stopped, gets its own.
    """
    from django.conf import settings
    from django.db import connection

    from config.celery import app
    from tests.helpers.worker import (
        CeleryWorkerProcess,
        WorkerStartError,
        check_redis,
        database_url,
    )

    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    ):
        pytest.fail(
            "celery_worker_proc needs @pytest.mark.django_db(transaction=True): the "
            "worker cannot see rows inside the test's uncommitted transaction."
        )

    broker_url = settings.CELERY_BROKER_URL
    try:
        check_redis(broker_url)
        redis_error = None
    except ConnectionError as exc:
        redis_error = str(exc)
    if redis_error:
        # Fail, never skip: a missing broker would otherwise hide the real-path tests.
        pytest.fail(redis_error, pytrace=False)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        # After django_db_setup this is the test database's real name.
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
    }
    worker = _kept_celery_worker.pop() if _kept_celery_worker else None
    if worker is not None and not (_same_env(worker.env, env) and worker.resume()):
        worker.stop()
        worker = None
    if worker is None:
        worker = CeleryWorkerProcess(
            app=app,
            env=env,
            log_path=tmp_path_factory.mktemp("celery-worker") / "celery-worker.log",
        )
        worker.purge()
        try:
            worker.start()
            start_error = None
        except WorkerStartError as exc:
            start_error = str(exc)
        if start_error:
            pytest.fail(start_error, pytrace=False)
    worker.begin_test()
    try:
        yield worker
    finally:
        # Before the test's rows are flushed: whatever the test queued is done or gone.
        if _same_env(worker.env, env) and worker.settle():
            _kept_celery_worker.append(worker)
        else:
            worker.stop()
            worker.purge()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Close with the quiz bank's figures when its quality tests ran (issue 16)."""
    ran = any(
        "test_bank_quality" in report.nodeid
        for reports in terminalreporter.stats.values()
        for report in reports
        if hasattr(report, "nodeid")
    )
    if not ran:
        return
    from fixtures import bank_audit

    terminalreporter.section("quiz bank figures")
    for line in bank_audit.report(bank_audit.load())[1:]:
        terminalreporter.write_line(line)
