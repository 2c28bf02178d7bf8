"""Indexes a model's Meta cannot declare on every database (PostgreSQL's INCLUDE columns),
created by a migration with CREATE INDEX CONCURRENTLY, so that writes to the table go on while
a large table is indexed. SQLite gets none (its tests and small installations do not need
them)."""

from django.db.migrations.operations.base import Operation


class CreateIndexesConcurrently(Operation):
    """`indexes`: {name: what follows `ON <table>` (columns, INCLUDE, WHERE)}. Reversed by
    dropping them concurrently. The migration must set `atomic = False`."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, table: str, indexes: dict[str, str]):
        self.table = table
        self.indexes = dict(indexes)

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.table, self.indexes], {})

    def state_forwards(self, app_label, state):
        pass  # no model state: the indexes live in the database only

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, definition in self.indexes.items():
            schema_editor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {self.table} {definition}"
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in self.indexes:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")

    def describe(self):
        return f"Create {', '.join(self.indexes)} concurrently on {self.table} (PostgreSQL)"
