"""Moving the test database along the migration graph, for the data-migration tests.

Those tests migrate back to the state before a migration, write rows with the models
of that state, migrate forward to the leaves and read the rows back.
"""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets):
    """Migrate to `targets` ([(app, name), ...]); the apps registry of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def leaves():
    """The latest migration of every app: where a test migrates forward to."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
